// SPDX-License-Identifier: Apache-2.0
// The Sort, Dedup and PaginationRange of a filters.SearchQuery, applied by the agent to the table
// flows that matched its Filter, in the order and with the rules of Skydive's agent (flow/table.go
// getFlows, flow/set.go): sort, then dedup, then the range.
import { canonicalKey, filterField } from '../../flow/query/filter.js';
import type { Flow } from '../../protocol/flow.js';
import type { SearchQuery } from '../../protocol/flow-search.js';

/** A flow field as Skydive's getters read it (string or int64), undefined when it has none. */
function field(f: Flow, key: string): unknown {
  return filterField(f, canonicalKey(key));
}

/**
 * Skydive's compareByField: `Last` when no field is named; else int64 values, then strings, the
 * other side's value taken as that type's zero when it has none.
 */
function lessOrEqual(a: Flow, b: Flow, by: string): boolean {
  if (by === '') return a.Last <= b.Last;
  const x = field(a, by);
  const y = field(b, by);
  if (typeof x === 'number') return x <= (typeof y === 'number' ? y : 0);
  if (typeof x === 'string') return x <= (typeof y === 'string' ? y : '');
  // no such field on the left: compared as the right side's zero (Skydive drops the set here)
  if (typeof y === 'number') return 0 <= y;
  if (typeof y === 'string') return true;
  return true;
}

/**
 * Skydive's merge sort (FlowSet.sortFlows): halves at len/2, the left flow first when it compares
 * lower or equal; any order but Ascending (1) inverts the comparison, so equal flows come right
 * first in descending order, as there.
 */
function mergeSort(flows: readonly Flow[], by: string, ascending: boolean): Flow[] {
  if (flows.length <= 1) return flows.slice();
  const mid = Math.floor(flows.length / 2);
  const left = mergeSort(flows.slice(0, mid), by, ascending);
  const right = mergeSort(flows.slice(mid), by, ascending);
  const out: Flow[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    let takeLeft = lessOrEqual(left[i]!, right[j]!, by);
    if (!ascending) takeLeft = !takeLeft;
    out.push(takeLeft ? left[i++]! : right[j++]!);
  }
  while (i < left.length) out.push(left[i++]!);
  while (j < right.length) out.push(right[j++]!);
  return out;
}

/**
 * Skydive's FlowSet.Dedup: the first flow of each value of `by` (TrackingID when empty); the set
 * unchanged when a flow has no such field.
 */
function dedup(flows: readonly Flow[], by: string): readonly Flow[] {
  const key = by === '' ? 'TrackingID' : by;
  const seen = new Set<string>();
  const out: Flow[] = [];
  for (const f of flows) {
    const v = field(f, key);
    if (typeof v !== 'string' && typeof v !== 'number') return flows;
    const k = `${typeof v}:${v}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out;
}

function isAscending(order: unknown): boolean {
  return order === 1 || order === 'Ascending';
}

/**
 * The flows an agent answers for `query` once its Filter has selected `flows`: sorted when
 * `Sort` (by `SortBy`, `Last` by default; any `SortOrder` but Ascending sorts descending, as
 * Skydive's agent does), deduplicated when `Dedup` (by `DedupBy`, TrackingID by default), then
 * cut to `PaginationRange` [From, To) (both clamped to the number of flows).
 */
export function applySearchQuery(
  flows: readonly Flow[],
  query: SearchQuery | undefined,
): readonly Flow[] {
  if (query === undefined) return flows;
  let out = flows;
  if (query.Sort) out = mergeSort(out, query.SortBy ?? '', isAscending(query.SortOrder));
  if (query.Dedup) out = dedup(out, query.DedupBy ?? '');
  const range = query.PaginationRange;
  if (range) {
    const from = Math.min(Math.max(0, Number(range.From ?? 0)), out.length);
    const to = Math.min(Math.max(0, Number(range.To ?? 0)), out.length);
    out = from <= to ? out.slice(from, to) : [];
  }
  return out;
}
