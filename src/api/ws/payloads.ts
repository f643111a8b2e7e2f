// SPDX-License-Identifier: Apache-2.0
// Decoding of untrusted Graph payloads that the graph and protocol layers do not cover: SyncRequest,
// partial updates and Sync bodies (§2.6), with errors that name the faulty field.
import { InvalidArgumentError } from '../../graph/errors.js';
import { OP_DEL, OP_SET, type PartialOp } from '../../graph/types.js';

/** Code of a Graph payload whose shape is wrong (sent back with Status 400). */
export const ERR_WS_INVALID_PAYLOAD = 'SKY_ERR_WS_INVALID_PAYLOAD';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

function bad(message: string): never {
  throw new InvalidArgumentError(ERR_WS_INVALID_PAYLOAD, message);
}

function asObject(what: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    bad(`${what}: Obj must be an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

/** A decoded SyncRequest: `time` 0 means live; `filter` undefined keeps, '' resets. */
export interface SyncRequest {
  time: number;
  filter: string | undefined;
}

/** Decodes a `SyncRequest` Obj (`null` is a live request that keeps the filter). */
export function decodeSyncRequest(obj: unknown): SyncRequest {
  if (obj === null || obj === undefined) return { time: 0, filter: undefined };
  const o = asObject('SyncRequest', obj);
  const t = o['Time'];
  if (t !== undefined && t !== null && (typeof t !== 'number' || !Number.isInteger(t)))
    bad(`SyncRequest: Time must be an integer (ms), got ${describe(t)}`);
  const f = o['GremlinFilter'];
  if (f !== undefined && f !== null && typeof f !== 'string')
    bad(`SyncRequest: GremlinFilter must be a string or null, got ${describe(f)}`);
  return { time: typeof t === 'number' ? t : 0, filter: typeof f === 'string' ? f : undefined };
}

/** A decoded `NodePartiallyUpdated` / `EdgePartiallyUpdated`. */
export interface PartialUpdate {
  id: string;
  revision: number | undefined;
  updatedAt: number | undefined;
  ops: PartialOp[];
}

/** Decodes a partial update; `Ops: null` (agents' §10 quirk) is an empty list. */
export function decodePartialUpdate(type: string, obj: unknown): PartialUpdate {
  const o = asObject(type, obj);
  const id = o['ID'];
  if (typeof id !== 'string' || id === '') bad(`${type}: ID must be a non-empty string`);
  const rev = o['Revision'];
  if (rev !== undefined && rev !== null && (typeof rev !== 'number' || !Number.isInteger(rev)))
    bad(`${type}: Revision must be an integer, got ${describe(rev)}`);
  const at = o['UpdatedAt'];
  if (at !== undefined && at !== null && (typeof at !== 'number' || !Number.isFinite(at)))
    bad(`${type}: UpdatedAt must be an integer (ms), got ${describe(at)}`);
  const rawOps = o['Ops'] ?? [];
  if (!Array.isArray(rawOps)) bad(`${type}: Ops must be an array or null, got ${describe(rawOps)}`);
  const ops = rawOps.map((op: unknown, i): PartialOp => {
    const r = asObject(`${type}: Ops[${i}]`, op);
    const key = r['Key'];
    if (typeof key !== 'string' || key === '')
      bad(`${type}: Ops[${i}].Key must be a non-empty string`);
    if (r['Type'] === OP_SET) return { Type: OP_SET, Key: key, Value: r['Value'] ?? null };
    if (r['Type'] === OP_DEL) return { Type: OP_DEL, Key: key };
    return bad(`${type}: Ops[${i}].Type must be 1 (set) or 2 (delete), got ${describe(r['Type'])}`);
  });
  return {
    id,
    revision: typeof rev === 'number' ? rev : undefined,
    updatedAt: typeof at === 'number' && at !== 0 ? Math.trunc(at) : undefined,
    ops,
  };
}

/** The two lists of a `Sync`/`SyncReply` body (`null` lists accepted), elements still raw. */
export function decodeSyncLists(
  type: string,
  obj: unknown,
): { nodes: unknown[]; edges: unknown[] } {
  const o = asObject(type, obj);
  const list = (k: string): unknown[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) bad(`${type}: ${k} must be an array or null, got ${describe(v)}`);
    return v;
  };
  return { nodes: list('Nodes'), edges: list('Edges') };
}
