// SPDX-License-Identifier: Apache-2.0
// Plain-object tree helpers for the loader: the default tree of a schema, deep merge (maps merge,
// lists and scalars replace, as Viper's MergeConfig), path get/set and deep freeze.

import { Kind, type TSchema } from '@sinclair/typebox';
import { isOptional, isPlainObject, propertiesOf } from './coerce.js';

type Obj = Record<string, unknown>;

const clone = <T>(v: T): T => structuredClone(v);

/**
 * The default value of a schema: required sections are built recursively (so that every section is
 * present), leaves take their `default`, optional keys without a default stay absent.
 */
export function defaultsOf(schema: TSchema): unknown {
  if (schema[Kind] === 'Object') {
    const out: Obj = isPlainObject(schema['default']) ? clone(schema['default']) : {};
    for (const [key, sub] of Object.entries(propertiesOf(schema))) {
      if (isOptional(sub) && sub['default'] === undefined) continue;
      const v = defaultsOf(sub);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return schema['default'] === undefined ? undefined : clone(schema['default']);
}

/** Merges `over` into `base` in place: plain objects merge key by key, anything else replaces. */
export function mergeInto(base: Obj, over: Obj): Obj {
  for (const [key, v] of Object.entries(over)) {
    const cur = base[key];
    if (isPlainObject(cur) && isPlainObject(v)) mergeInto(cur, v);
    else base[key] = isPlainObject(v) || Array.isArray(v) ? clone(v) : v;
  }
  return base;
}

/** Value at `path` (segments), matching keys exactly first, then case-insensitively. */
export function getPath(tree: unknown, path: readonly string[]): unknown {
  let cur: unknown = tree;
  for (const seg of path) {
    if (!isPlainObject(cur)) return undefined;
    if (Object.hasOwn(cur, seg)) {
      cur = cur[seg];
      continue;
    }
    const lower = seg.toLowerCase();
    const key = Object.keys(cur).find((k) => k.toLowerCase() === lower);
    if (key === undefined) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Sets `value` at `path`, creating intermediate maps (replacing non-map values). */
export function setPath(tree: Obj, path: readonly string[], value: unknown): void {
  let cur = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    const next = cur[seg];
    if (isPlainObject(next)) cur = next;
    else {
      const made: Obj = {};
      cur[seg] = made;
      cur = made;
    }
  }
  cur[path[path.length - 1] as string] = value;
}

/** Deletes the value at `path` (case-insensitive segments); returns true if something was removed. */
export function deletePath(tree: Obj, path: readonly string[]): boolean {
  const parent = getPath(tree, path.slice(0, -1));
  if (!isPlainObject(parent)) return false;
  const last = (path[path.length - 1] as string).toLowerCase();
  const key = Object.keys(parent).find((k) => k.toLowerCase() === last);
  if (key === undefined) return false;
  delete parent[key];
  return true;
}

/** Freezes a tree of plain objects and arrays. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) deepFreeze(child);
  }
  return v;
}
