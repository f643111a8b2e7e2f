// SPDX-License-Identifier: Apache-2.0
// Identifier generation as Skydive does it (skydive-compat §1.3): random UUID v4, or UUID v5 in the
// OID namespace over the arguments joined by '/'.
import { createHash, randomUUID } from 'node:crypto';

/** RFC 4122 OID namespace, the one Skydive's GenID uses. */
export const OID_NAMESPACE = '6ba7b812-9dad-11d1-80b4-00c04fd430c8';

const namespaceBytes = new Map<string, Buffer>();

function uuidBytes(uuid: string): Buffer {
  let b = namespaceBytes.get(uuid);
  if (!b) {
    b = Buffer.from(uuid.replace(/-/g, ''), 'hex');
    namespaceBytes.set(uuid, b);
  }
  return b;
}

function format(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** UUID v5 (SHA-1) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string = OID_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return format(b);
}

/** A random UUID v4. */
export function uuidV4(): string {
  return randomUUID();
}

/**
 * Skydive's GenID: v4 with no argument, else v5(OID, args joined by '/').
 * @example genID('host', 'node1') // v5 of "host/node1"
 */
export function genID(...args: string[]): string {
  return args.length === 0 ? uuidV4() : uuidV5(args.join('/'));
}

/** ID of a topology link (ownership, layer2…): v5 over parent + child + relation type, no separator. */
export function linkID(parentID: string, childID: string, relationType: string): string {
  return uuidV5(parentID + childID + relationType);
}
