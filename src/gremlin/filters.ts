// SPDX-License-Identifier: Apache-2.0
// Key/value parameter lists (`Has('Type', 'veth', 'MTU', GT(1000))`) compiled into element
// filters, generic over how a field is read (graph elements, plain maps, flows…).
import { QuerySyntaxError } from '../graph/errors.js';
import { getField, getMetadataValue } from '../graph/fields.js';
import type { GraphElement, Metadata } from '../graph/types.js';
import type { Param, PredicateParam, Scalar } from './params.js';
import { describeParam } from './params.js';
import type { ValueMatcher } from './predicates.js';
import { valueMatcher } from './predicates.js';

/** Reads field `key` of `el`; undefined when absent. */
export type Accessor<T> = (el: T, key: string) => unknown;

/** One `key, value` condition. `literal` is set for plain string values (index candidates). */
export interface FilterTerm {
  readonly key: string;
  readonly match: ValueMatcher;
  readonly literal?: string;
}

/** A parsed key/value list: all terms must hold ('and') or any ('or'). No terms = match all. */
export interface KeyValueFilter {
  readonly op: 'and' | 'or';
  readonly terms: readonly FilterTerm[];
}

/** Matches every element. */
export const MATCH_ALL: KeyValueFilter = { op: 'and', terms: [] };

const exists: ValueMatcher = (v) => v !== undefined;

/**
 * Parses `k` (key exists) or `k1, v1, k2, v2…` into a filter.
 * @throws QuerySyntaxError on an odd count above one, a non-string key or a non-filter value.
 */
export function parseKeyValues(
  step: string,
  params: readonly Param[],
  positions: readonly number[],
  position: number,
  op: 'and' | 'or' = 'and',
): KeyValueFilter {
  const at = (i: number): number => positions[i] ?? position;
  if (params.length === 1) {
    const k = params[0]!;
    if (typeof k !== 'string')
      throw new QuerySyntaxError(`${step}: key must be a string, got: ${describeParam(k)}`, at(0));
    return { op, terms: [{ key: k, match: exists }] };
  }
  if (params.length % 2 !== 0) {
    throw new QuerySyntaxError(`${step}: params should be a list of key,value`, position);
  }
  const terms: FilterTerm[] = [];
  for (let i = 0; i < params.length; i += 2) {
    const k = params[i]!;
    const v = params[i + 1]!;
    if (typeof k !== 'string')
      throw new QuerySyntaxError(
        `${step}: keys should be of string type, got: ${describeParam(k)}`,
        at(i),
      );
    if (typeof v === 'object' && v.type !== 'predicate') {
      throw new QuerySyntaxError(
        `${step}: unexpected value ${describeParam(v)} for key '${k}'`,
        at(i + 1),
      );
    }
    terms.push(termOf(k, v));
  }
  return { op, terms };
}

/** A term for `key` matching a literal or predicate. */
export function termOf(key: string, value: Scalar | PredicateParam): FilterTerm {
  const match = valueMatcher(value);
  return typeof value === 'string' ? { key, match, literal: value } : { key, match };
}

/** A term that holds when `key` exists (or, with `negate`, when it does not). */
export function existsTerm(key: string, negate = false): FilterTerm {
  return { key, match: negate ? (v) => v === undefined : exists };
}

/**
 * Reads `key` of graph elements exactly like getField, resolved once: a plain metadata key (the
 * common case) becomes a direct property read.
 */
function elementReader(key: string): (el: GraphElement) => unknown {
  if (key.startsWith('@') || key === 'Parent' || key === 'Child') return (el) => getField(el, key);
  const k = key.startsWith('Metadata.') ? key.slice(9) : key;
  if (k.includes('.')) return (el) => getMetadataValue(el.metadata, k);
  return (el) => el.metadata[k];
}

/** Turns a filter into a predicate on elements read through `acc`. */
export function toPredicate<T>(f: KeyValueFilter, acc: Accessor<T>): (el: T) => boolean {
  const fast = acc === (elementAccessor as Accessor<unknown>);
  const compiled = f.terms.map((t) => ({
    read: fast ? (elementReader(t.key) as (el: T) => unknown) : (el: T) => acc(el, t.key),
    match: t.match,
  }));
  if (compiled.length === 0) return () => true;
  if (compiled.length === 1) {
    const { read, match } = compiled[0]!;
    return (el) => match(read(el));
  }
  if (f.op === 'and') {
    return (el) => {
      for (const t of compiled) if (!t.match(t.read(el))) return false;
      return true;
    };
  }
  return (el) => {
    for (const t of compiled) if (t.match(t.read(el))) return true;
    return false;
  };
}

/** Reads fields of nodes and edges (§1.2: `@` keys, Parent/Child, dotted metadata paths). */
export const elementAccessor: Accessor<GraphElement> = getField;

/** Reads fields of plain maps (Values-level Has, ValueMap rows); a literal dotted key wins. */
export const mapAccessor: Accessor<unknown> = (el, key) =>
  el !== null && typeof el === 'object' && !Array.isArray(el)
    ? getMetadataValue(el as Metadata, key)
    : undefined;

/** Combines several predicates with AND (the result of fused Has steps). */
export function allOf<T>(
  preds: ReadonlyArray<(el: T) => boolean>,
): ((el: T) => boolean) | undefined {
  if (preds.length === 0) return undefined;
  if (preds.length === 1) return preds[0];
  return (el) => {
    for (const p of preds) if (!p(el)) return false;
    return true;
  };
}
