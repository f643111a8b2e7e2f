// SPDX-License-Identifier: Apache-2.0
// Eager snapshot views every backend builds the same way: stored rows split into nodes and edges,
// and the time-window snapshot (per element, its latest revision alive in [t − d, t]).
import type { RevisionRow } from './rows.js';
import { latestPerElement } from './rows.js';
import { HistoryView } from './view.js';

/** Start of the window [t − d, t] as a query bound (an infinite window: the smallest safe integer). */
export function windowStart(t: number, d: number): number {
  return d === Infinity ? Number.MIN_SAFE_INTEGER : t - d;
}

/** The view at `t` of rows already selected for it, nodes and edges taken apart by kind. */
export function eagerView(t: number, rows: readonly RevisionRow[]): HistoryView {
  return HistoryView.eager(
    t,
    rows.filter((r) => r.kind === 'node'),
    rows.filter((r) => r.kind === 'edge'),
  );
}

/** The window snapshot at `t` from the rows alive in the window: each element's latest revision. */
export function windowView(t: number, alive: Iterable<RevisionRow>): HistoryView {
  return eagerView(t, latestPerElement(alive));
}
