// SPDX-License-Identifier: Apache-2.0
// Flow filter parameters as a Skydive filters.Filter (skydive-compat §5.7), pushed down to the flow
// store under At()/Context(): equality and integer comparisons only. What cannot be expressed is
// left out, so the pushed filter always selects a superset; the Gremlin filter still runs after.
import { canonicalKey } from './fields.js';
import type { Param } from '../../gremlin/index.js';

/** filters.Filter as JSON (one member set). */
export type StoreFilter = Record<string, unknown>;

const KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const CMP: Record<string, string> = {
  GT: 'GtInt64Filter',
  LT: 'LtInt64Filter',
  GTE: 'GteInt64Filter',
  LTE: 'LteInt64Filter',
};

function term(key: string, v: Param): StoreFilter | undefined {
  if (typeof v === 'string') return { TermStringFilter: { Key: key, Value: v } };
  if (typeof v === 'boolean') return { TermBoolFilter: { Key: key, Value: v } };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { TermInt64Filter: { Key: key, Value: v } } : undefined;
  if (v.type === 'predicate') {
    const name = CMP[v.op];
    const a = v.args[0];
    if (name && v.args.length === 1 && typeof a === 'number' && Number.isInteger(a))
      return { [name]: { Key: key, Value: a } };
  }
  return undefined;
}

/**
 * The store filter of `k, v…` parameters (AND, or OR for HasEither); undefined when nothing can
 * be pushed (an OR with any term that cannot be expressed pushes nothing).
 */
export function storeFilter(params: readonly Param[], op: 'and' | 'or'): StoreFilter | undefined {
  const parts: StoreFilter[] = [];
  for (let i = 0; i + 1 < params.length; i += 2) {
    const k = params[i];
    const v = params[i + 1]!;
    const key = typeof k === 'string' ? canonicalKey(k) : '';
    const either = key === 'Network' || key === 'Link' || key === 'Transport';
    const keys = either ? [`${key}.A`, `${key}.B`] : [key];
    const terms = KEY.test(key) ? keys.map((x) => term(x, v)) : [undefined];
    if (terms.some((t) => t === undefined)) {
      if (op === 'or') return undefined;
      continue;
    }
    const t = terms as StoreFilter[];
    parts.push(t.length === 1 ? t[0]! : { BoolFilter: { Op: 0, Filters: t } });
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { BoolFilter: { Op: op === 'and' ? 1 : 0, Filters: parts } };
}
