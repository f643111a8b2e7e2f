// SPDX-License-Identifier: Apache-2.0
// Netlink attributes (TLV: u16 length, u16 type, value, padded to 4 bytes) and the small value
// readers every message family shares. Numbers are in host order (little endian on x86/arm).
import { formatIP } from '../ip-text.js';

/** Attribute type → value (the last one wins; NLA_F_NESTED and NLA_F_NET_BYTEORDER masked). */
export type Attrs = Map<number, Buffer>;

const align4 = (n: number) => (n + 3) & ~3;

/** Parses the attributes in `buf` from `offset`. Truncated trailing bytes are ignored. */
export function parseAttrs(buf: Buffer, offset = 0): Attrs {
  const out: Attrs = new Map();
  let off = offset;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & 0x3fff;
    if (len < 4 || off + len > buf.length) break;
    out.set(type, buf.subarray(off + 4, off + len));
    off += align4(len);
  }
  return out;
}

/** Every attribute in order, for lists where a type repeats. */
export function parseAttrList(buf: Buffer, offset = 0): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  let off = offset;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & 0x3fff;
    if (len < 4 || off + len > buf.length) break;
    out.push([type, buf.subarray(off + 4, off + len)]);
    off += align4(len);
  }
  return out;
}

export const u8 = (b: Buffer | undefined) => (b && b.length >= 1 ? b.readUInt8(0) : undefined);
export const u16 = (b: Buffer | undefined) => (b && b.length >= 2 ? b.readUInt16LE(0) : undefined);
export const u16be = (b: Buffer | undefined) =>
  b && b.length >= 2 ? b.readUInt16BE(0) : undefined;
export const u32 = (b: Buffer | undefined) => (b && b.length >= 4 ? b.readUInt32LE(0) : undefined);
export const s32 = (b: Buffer | undefined) => (b && b.length >= 4 ? b.readInt32LE(0) : undefined);

/** A NUL-terminated string. */
export function str(b: Buffer | undefined): string | undefined {
  if (!b) return undefined;
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
}

/** Link-layer address as Go prints it: lowercase hex pairs joined by ':'; '' when empty. */
export function mac(b: Buffer | undefined): string | undefined {
  if (!b) return undefined;
  const parts: string[] = [];
  for (const byte of b) parts.push(byte.toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** IPv4 or IPv6 address text (RFC 5952 for IPv6, as Go's net.IP prints it). */
export function ip(b: Buffer | undefined): string | undefined {
  if (!b) return undefined;
  if (b.length !== 4 && b.length !== 16) return undefined;
  return formatIP(b);
}
