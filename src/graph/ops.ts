// SPDX-License-Identifier: Apache-2.0
// Partial metadata updates (skydive-compat §2.6): set a dotted key, creating intermediate objects, or
// delete one, pruning parents left empty; and the diff that turns a full replace into such ops.
import { OP_DEL, OP_SET, type Metadata, type PartialOp } from './types.js';

function isPlainObject(v: unknown): v is Metadata {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets a dotted key in place. Returns true when the value changed. */
export function setDotted(md: Metadata, key: string, value: unknown): boolean {
  const segs = key.split('.');
  let cur = md;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!;
    const next = cur[s];
    if (!isPlainObject(next)) {
      const created: Metadata = {};
      cur[s] = created;
      cur = created;
    } else cur = next;
  }
  const last = segs[segs.length - 1]!;
  if (deepEqual(cur[last], value)) return false;
  cur[last] = value;
  return true;
}

/** Deletes a dotted key in place, removing parents it leaves empty. Returns true when found. */
export function deleteDotted(md: Metadata, key: string): boolean {
  const segs = key.split('.');
  const chain: Metadata[] = [md];
  let cur = md;
  for (let i = 0; i < segs.length - 1; i++) {
    const next = cur[segs[i]!];
    if (!isPlainObject(next)) return false;
    chain.push(next);
    cur = next;
  }
  const last = segs[segs.length - 1]!;
  if (!(last in cur)) return false;
  delete cur[last];
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i]!).length > 0) break;
    delete chain[i - 1]![segs[i - 1]!];
  }
  return true;
}

/** Applies ops in order; returns the ops that changed something. */
export function applyOps(md: Metadata, ops: readonly PartialOp[]): PartialOp[] {
  const applied: PartialOp[] = [];
  for (const op of ops) {
    const changed = op.Type === OP_SET ? setDotted(md, op.Key, op.Value) : deleteDotted(md, op.Key);
    if (changed) applied.push(op);
  }
  return applied;
}

/** Ops that turn `before` into `after`, at top-level key granularity. */
export function diffMetadata(before: Metadata, after: Metadata): PartialOp[] {
  const ops: PartialOp[] = [];
  for (const k of Object.keys(after)) {
    if (!deepEqual(before[k], after[k])) ops.push({ Type: OP_SET, Key: k, Value: after[k] });
  }
  for (const k of Object.keys(before)) {
    if (!(k in after)) ops.push({ Type: OP_DEL, Key: k });
  }
  return ops;
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Metadata)[k], (b as Metadata)[k])) return false;
  }
  return true;
}

/** A deep copy of JSON metadata. */
export function cloneMetadata(md: Metadata): Metadata {
  return structuredClone(md);
}
