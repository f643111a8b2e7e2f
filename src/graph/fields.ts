// SPDX-License-Identifier: Apache-2.0
// Field access on elements (skydive-compat §1.2): plain and dotted metadata keys, arrays of objects,
// the internal `@` fields and an edge's Parent/Child.
import type { GraphElement, Metadata } from './types.js';

/** The seven internal keys every element exposes. */
export const INTERNAL_KEYS = [
  '@ID',
  '@Host',
  '@Origin',
  '@CreatedAt',
  '@UpdatedAt',
  '@DeletedAt',
  '@Revision',
] as const;

function internalField(el: GraphElement, key: string): unknown {
  switch (key) {
    case '@ID':
      return el.id;
    case '@Host':
      return el.host;
    case '@Origin':
      return el.origin;
    case '@CreatedAt':
      return el.createdAt;
    case '@UpdatedAt':
      return el.updatedAt;
    case '@DeletedAt':
      return el.deletedAt;
    case '@Revision':
      return el.revision;
    default:
      return undefined;
  }
}

function descend(value: unknown, segments: readonly string[], from: number): unknown {
  let cur = value;
  for (let i = from; i < segments.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      const collected: unknown[] = [];
      for (const item of cur) {
        const v = descend(item, segments, i);
        if (v === undefined) continue;
        if (Array.isArray(v)) collected.push(...v);
        else collected.push(v);
      }
      return collected.length > 0 ? collected : undefined;
    }
    cur = (cur as Metadata)[segments[i]!];
  }
  return cur;
}

/** Value at a metadata path (dotted keys descend; arrays of objects collect from each element). */
export function getMetadataValue(metadata: Metadata, key: string): unknown {
  if (key.indexOf('.') < 0) return metadata[key];
  const direct = metadata[key];
  if (direct !== undefined) return direct;
  return descend(metadata, key.split('.'), 0);
}

/**
 * The value of a field of an element: `@…` internal keys, Parent/Child on edges, otherwise metadata
 * (a leading `Metadata.` is stripped). Undefined when absent.
 */
export function getField(el: GraphElement, key: string): unknown {
  if (key.charCodeAt(0) === 64 /* @ */) return internalField(el, key);
  if (el.kind === 'edge') {
    if (key === 'Parent') return el.parent;
    if (key === 'Child') return el.child;
  }
  if (key.startsWith('Metadata.')) key = key.slice(9);
  return getMetadataValue(el.metadata, key);
}

/** Candidate scalar values of a field for matching: an array field yields each of its elements. */
export function getFieldValues(el: GraphElement, key: string): unknown[] {
  const v = getField(el, key);
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** True when some candidate value of the field satisfies `pred`. */
export function fieldMatches(
  el: GraphElement,
  key: string,
  pred: (v: unknown) => boolean,
): boolean {
  const v = getField(el, key);
  if (v === undefined) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (pred(x)) return true;
    return false;
  }
  return pred(v);
}

function collectKeys(prefix: string, value: Metadata, out: Set<string>): void {
  for (const k of Object.keys(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    out.add(path);
    const v = value[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      collectKeys(path, v as Metadata, out);
  }
}

/** Every key of an element: the internal `@` keys, then each metadata path (dotted when nested). */
export function fieldKeys(el: GraphElement): string[] {
  const out = new Set<string>(INTERNAL_KEYS);
  collectKeys('', el.metadata, out);
  return [...out];
}
