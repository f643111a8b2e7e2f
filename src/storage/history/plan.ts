// SPDX-License-Identifier: Apache-2.0
// Set-based planning of a history batch for databases where one statement per change costs a round
// trip: the open revisions to close (first change of each element) and the rows to insert.
import type { HistoryChange } from '../history-store.js';
import type { RevisionRow } from './rows.js';
import { deleteTime, rowFromChange } from './rows.js';

/** Closing the element's open revision in the database, at its first change of the batch. */
export interface PlannedClose {
  kind: 'node' | 'edge';
  id: string;
  time: number;
  /** DeletedAt to set when the first change is a delete, else null. */
  deletedAt: number | null;
}

const keyOf = (kind: 'node' | 'edge', id: string): string => (kind === 'node' ? 'n' : 'e') + id;

/** The closes to run first (one per element of the batch). */
export function planCloses(changes: readonly HistoryChange[]): PlannedClose[] {
  const seen = new Set<string>();
  const out: PlannedClose[] = [];
  for (const c of changes) {
    const k = keyOf(c.kind, c.element.ID);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({
      kind: c.kind,
      id: c.element.ID,
      time: Math.trunc(c.time),
      deletedAt: c.op === 'delete' ? deleteTime(c) : null,
    });
  }
  return out;
}

/**
 * The rows the batch inserts, given the start of each revision the closes ended (`prevFrom`, keyed
 * 'n'+id / 'e'+id). Matches the one-change-at-a-time semantics of the memory store: a change never
 * starts before the revision it closes.
 */
export function planRows(
  changes: readonly HistoryChange[],
  prevFrom: ReadonlyMap<string, number>,
): { rows: RevisionRow[]; sources: HistoryChange[]; newest: number | null } {
  const rows: RevisionRow[] = [];
  const sources: HistoryChange[] = [];
  const open = new Map<string, RevisionRow | number>();
  for (const [k, from] of prevFrom) open.set(k, from);
  let newest: number | null = null;
  for (const c of changes) {
    const k = keyOf(c.kind, c.element.ID);
    const prev = open.get(k);
    const prevStart = prev === undefined ? -Infinity : typeof prev === 'number' ? prev : prev.from;
    const time = Math.max(Math.trunc(c.time), prevStart);
    if (prev !== undefined && typeof prev !== 'number') {
      prev.to = time;
      if (c.op === 'delete') prev.deletedAt = deleteTime(c);
    }
    if (c.op === 'delete') open.delete(k);
    else {
      const r = rowFromChange(c);
      r.from = time;
      rows.push(r);
      sources.push(c);
      open.set(k, r);
    }
    if (newest === null || time > newest) newest = time;
  }
  return { rows, sources, newest };
}

export { keyOf };
