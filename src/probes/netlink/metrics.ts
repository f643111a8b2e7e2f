// SPDX-License-Identifier: Apache-2.0
// Interface counters as Skydive's InterfaceMetric (skydive-compat §1.7): `Metric` holds the
// totals with Last, `LastUpdateMetric` the change since the previous reading with Start and Last.
// Zero counters are omitted.
import { STAT_FIELDS, type LinkStats } from './stats.js';

export type Metric = Record<string, number>;

/** Totals as a Metric stamped `last`; undefined when every counter is zero. */
export function metricOf(s: LinkStats, last: number): Metric | undefined {
  const m: Metric = {};
  let any = false;
  for (const f of STAT_FIELDS) {
    if (s[f] !== 0) {
      m[f] = s[f];
      any = true;
    }
  }
  if (!any) return undefined;
  m['Last'] = last;
  return m;
}

/**
 * `cur - prev` over [start, last]; undefined when nothing moved. A counter that went down (the
 * device was reset) counts from zero.
 */
export function metricDelta(
  cur: Metric,
  prev: Metric,
  start: number,
  last: number,
): Metric | undefined {
  const d: Metric = {};
  let any = false;
  for (const f of STAT_FIELDS) {
    const c = cur[f] ?? 0;
    const p = prev[f] ?? 0;
    const v = c >= p ? c - p : c;
    if (v !== 0) {
      d[f] = v;
      any = true;
    }
  }
  if (!any) return undefined;
  d['Start'] = start;
  d['Last'] = last;
  return d;
}
