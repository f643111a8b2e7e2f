// SPDX-License-Identifier: Apache-2.0
// The SQLite history write path: per change, close the element's open revision (by rowid when this
// writer knows it, else by an indexed UPDATE), keep re-adds after the last end, insert, count.
import type { HistoryChange } from '../history-store.js';
import { keyOf } from '../history/plan.js';
import { deleteTime, rowFromChange, rowSize } from '../history/rows.js';
import { pushedValue } from './history-schema.js';
import type { Stmt } from './history-statements.js';

/**
 * This writer's open revisions (key 'n'+id / 'e'+id → rowid and start), learnt as it inserts:
 * closing one is an UPDATE by rowid, no index search. Only this writer closes its rows.
 */
export class OpenRevisions {
  readonly rows = new Map<string, { seq: number; from: number }>();
  /** True after closeAll(): an element missing from `rows` has no open revision of this writer. */
  complete = false;

  /** Back to searching the open revisions in the table (another writer, a failed batch). */
  forget(): void {
    this.rows.clear();
    this.complete = false;
  }

  /** Every open revision of this writer was just closed. */
  allClosed(): void {
    this.rows.clear();
    this.complete = true;
  }
}

/**
 * Writes one batch (the caller holds the transaction): closes and inserts revisions of writer `w`,
 * then combines data bytes, start and newest into the stored counters through `bump`.
 */
export function writeRevisions(
  st: Readonly<Record<string, Stmt>>,
  w: string,
  open: OpenRevisions,
  changes: readonly HistoryChange[],
  bump: (key: string, value: number) => void,
): void {
  const { close, closeDel, closeSeq, closeDelSeq, insert, lastEnd } = st as Record<
    'close' | 'closeDel' | 'closeSeq' | 'closeDelSeq' | 'insert' | 'lastEnd',
    Stmt
  >;
  const openRows = open.rows;
  let bytes = 0;
  let start: number | null = null;
  let newest: number | null = null;
  for (const c of changes) {
    const kind = c.kind === 'node' ? 0 : 1;
    let time = Math.trunc(c.time);
    const key = keyOf(c.kind, c.element.ID);
    const known = openRows.get(key);
    // the start of the revision closed now, if any: from the map, else from the table
    let prevFrom: number | undefined;
    if (c.op === 'delete') {
      if (known) {
        closeDelSeq.run(time, deleteTime(c), known.seq);
        prevFrom = known.from;
        openRows.delete(key);
      } else if (!open.complete) {
        const prev = closeDel.get(time, deleteTime(c), kind, c.element.ID, w) as
          | { from_ms: number }
          | undefined;
        prevFrom = prev?.from_ms;
      }
      if (prevFrom !== undefined && prevFrom > time) time = prevFrom;
    } else {
      if (known) {
        closeSeq.run(time, known.seq);
        prevFrom = known.from;
      } else if (!open.complete) {
        const prev = close.get(time, kind, c.element.ID, w) as { from_ms: number } | undefined;
        prevFrom = prev?.from_ms;
      }
      if (prevFrom !== undefined && prevFrom > time) time = prevFrom;
      if (prevFrom === undefined) {
        // A re-add never starts before the element's previous revision ended.
        const last = (lastEnd.get(kind, c.element.ID, w) as { t: number | null }).t;
        if (last !== null && last > time) time = last;
      }
      const r = rowFromChange(c);
      const md = kind === 0 ? (c.element.Metadata ?? {}) : undefined;
      const size = rowSize(r);
      const ins = insert.run(
        kind,
        r.id,
        time,
        md ? pushedValue(md['Type']) : null,
        md ? pushedValue(md['Name']) : null,
        r.host,
        r.origin,
        r.createdAt,
        r.updatedAt,
        r.deletedAt,
        r.revision,
        r.parent,
        r.child,
        size,
        r.metadata,
        w,
      );
      openRows.set(key, { seq: Number(ins.lastInsertRowid), from: time });
      bytes += size;
      if (start === null || time < start) start = time;
    }
    if (newest === null || time > newest) newest = time;
  }
  if (bytes !== 0) bump('data_bytes', bytes);
  if (start !== null) bump('start', start);
  if (newest !== null) bump('newest', newest);
}
