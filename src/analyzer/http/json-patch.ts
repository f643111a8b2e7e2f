// SPDX-License-Identifier: Apache-2.0
// RFC 6902 JSON Patch over RFC 6901 pointers (`/Metadata/a~1b` is key "a/b"), applied to a copy
// and all-or-nothing: add, remove, replace, move, copy, test. Errors name the failing operation.
import { InvalidArgumentError } from '../../graph/errors.js';
import { deepEqual } from '../../graph/index.js';

export type JsonValue = unknown;

/** One decoded operation. */
export type PatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

const ERR = 'SKY_ERR_INVALID_PATCH';
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';

/** Splits a JSON Pointer into unescaped tokens; `''` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new InvalidArgumentError(ERR, `JSON pointer '${pointer}' must start with '/'`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t))
        throw new InvalidArgumentError(ERR, `JSON pointer '${pointer}' has a bad ~ escape`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Checks that a body is a JSON Patch document and returns its operations. */
export function decodePatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body))
    throw new InvalidArgumentError(ERR, 'a JSON Patch must be an array of operations');
  return body.map((raw, i): PatchOp => {
    const where = `operation ${i}`;
    if (!isContainer(raw) || Array.isArray(raw))
      throw new InvalidArgumentError(ERR, `${where} must be an object`);
    const { op, path, from } = raw as Record<string, unknown>;
    if (typeof op !== 'string' || !OPS.has(op))
      throw new InvalidArgumentError(ERR, `${where}: unknown op ${JSON.stringify(op)}`);
    if (typeof path !== 'string')
      throw new InvalidArgumentError(ERR, `${where}: path must be a string`);
    parsePointer(path);
    if (op === 'move' || op === 'copy') {
      if (typeof from !== 'string')
        throw new InvalidArgumentError(ERR, `${where}: ${op} needs a string 'from'`);
      parsePointer(from);
      return { op, from, path };
    }
    if (op === 'remove') return { op, path };
    if (!('value' in raw)) throw new InvalidArgumentError(ERR, `${where}: ${op} needs a 'value'`);
    return { op: op as 'add' | 'replace' | 'test', path, value: (raw as { value: unknown }).value };
  });
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean, where: string): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw new InvalidArgumentError(ERR, `${where}: '${token}' is not an array index`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length))
    throw new InvalidArgumentError(ERR, `${where}: index ${i} is out of bounds`);
  return i;
}

/** The container holding the last token of `tokens`. */
function parentOf(doc: unknown, tokens: string[], where: string): Container {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (!isContainer(cur)) throw new InvalidArgumentError(ERR, `${where}: path does not exist`);
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, where)];
    else {
      if (!Object.prototype.hasOwnProperty.call(cur, t))
        throw new InvalidArgumentError(ERR, `${where}: path does not exist`);
      cur = cur[t];
    }
  }
  if (!isContainer(cur)) throw new InvalidArgumentError(ERR, `${where}: path does not exist`);
  return cur;
}

function get(doc: unknown, tokens: string[], where: string): unknown {
  if (tokens.length === 0) return doc;
  const p = parentOf(doc, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(p)) return p[arrayIndex(p, last, false, where)];
  if (!Object.prototype.hasOwnProperty.call(p, last))
    throw new InvalidArgumentError(ERR, `${where}: path does not exist`);
  return p[last];
}

/** Returns the new document (root replacement is allowed for add/replace). */
function add(doc: unknown, tokens: string[], value: unknown, where: string): unknown {
  if (tokens.length === 0) return value;
  const p = parentOf(doc, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(p)) p.splice(arrayIndex(p, last, true, where), 0, value);
  else p[last] = value;
  return doc;
}

function remove(doc: unknown, tokens: string[], where: string): unknown {
  if (tokens.length === 0) throw new InvalidArgumentError(ERR, `${where}: cannot remove the root`);
  const p = parentOf(doc, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(p)) return p.splice(arrayIndex(p, last, false, where), 1)[0];
  if (!Object.prototype.hasOwnProperty.call(p, last))
    throw new InvalidArgumentError(ERR, `${where}: path does not exist`);
  const v = p[last];
  delete p[last];
  return v;
}

/**
 * Applies a patch to a deep copy of `doc` and returns the copy; `doc` is never changed.
 * @throws InvalidArgumentError SKY_ERR_INVALID_PATCH for a bad document or a missing path,
 *   SKY_ERR_PATCH_TEST_FAILED when a `test` operation does not hold.
 * @example applyPatch({ Metadata: {} }, [{ op: 'add', path: '/Metadata/a~1b', value: 1 }])
 */
export function applyPatch<T>(doc: T, patch: unknown): T {
  const ops = decodePatch(patch);
  let out: unknown = structuredClone(doc);
  ops.forEach((op, i) => {
    const where = `operation ${i} (${op.op} ${op.path})`;
    const to = parsePointer(op.path);
    switch (op.op) {
      case 'add':
        out = add(out, to, structuredClone(op.value), where);
        break;
      case 'remove':
        remove(out, to, where);
        break;
      case 'replace':
        get(out, to, where);
        if (to.length === 0) out = structuredClone(op.value);
        else {
          const p = parentOf(out, to, where);
          const last = to[to.length - 1]!;
          if (Array.isArray(p)) p[arrayIndex(p, last, false, where)] = structuredClone(op.value);
          else p[last] = structuredClone(op.value);
        }
        break;
      case 'test':
        if (!deepEqual(get(out, to, where), op.value))
          throw new InvalidArgumentError('SKY_ERR_PATCH_TEST_FAILED', `${where}: test failed`);
        break;
      case 'move': {
        const from = parsePointer(op.from);
        if (op.path !== op.from && op.path.startsWith(`${op.from}/`))
          throw new InvalidArgumentError(ERR, `${where}: cannot move a value into itself`);
        if (op.path === op.from) {
          get(out, from, where);
          break;
        }
        const v = remove(out, from, where);
        out = add(out, to, v, where);
        break;
      }
      case 'copy':
        out = add(out, to, structuredClone(get(out, parsePointer(op.from), where)), where);
        break;
    }
  });
  return out as T;
}
