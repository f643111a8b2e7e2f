// SPDX-License-Identifier: Apache-2.0
// SQLite history retention: the horizon is moved first (no snapshot before it is answered from a
// half-pruned table), then rows are deleted in chunks, one transaction each, yielding in between.
import type Database from 'better-sqlite3';
import { guarded } from './history-db.js';
import type { Stmt } from './history-statements.js';

/** What pruning needs of the store. */
export interface PruneTarget {
  /** The open database; throws SKY_ERR_HISTORY_CLOSED once the store is closed. */
  live(): Database.Database;
  /** The store's prepared statements. */
  readonly st: Readonly<Record<string, Stmt>>;
  /** Rows deleted per transaction. */
  readonly chunk: number;
  /** Combines a value into a stored counter (and the store's cache of it). */
  bump(key: string, value: number): void;
  /** Data bytes as last read or written. */
  dataBytes(): number;
}

/** Deletes rows by seq in one transaction, with the counters. */
function deleteChunk(p: PruneTarget, db: Database.Database, seqs: number[], bytes: number): void {
  guarded(() =>
    db.transaction(() => {
      for (const seq of seqs) p.st['deleteSeq']!.run(seq);
      p.bump('data_bytes', -bytes);
    })(),
  );
}

/** Moves the horizon before deleting: no snapshot before it is answered from a half-pruned table. */
function moveHorizon(p: PruneTarget, db: Database.Database, to: number): void {
  guarded(() => db.transaction(() => p.bump('pruned_to', to))());
}

/**
 * Deletes the revisions that ended at or before `cut`, then the oldest closed ones while the data
 * exceeds `max` bytes, in chunks of `p.chunk` rows, yielding to the event loop between them so the
 * analyzer's thread is never held for the seconds a large retention pass takes.
 */
export async function pruneRevisions(
  p: PruneTarget,
  db: Database.Database,
  cut: number | undefined,
  max: number | undefined,
  onProgress: ((removed: number) => void) | undefined,
): Promise<{ removed: number; bytesFreed: number }> {
  let removed = 0;
  let freed = 0;
  const drop = async (rows: [number, number][]): Promise<void> => {
    let bytes = 0;
    for (const r of rows) bytes += r[1];
    deleteChunk(
      p,
      db,
      rows.map((r) => r[0]),
      bytes,
    );
    removed += rows.length;
    freed += bytes;
    onProgress?.(removed);
    await new Promise<void>((r) => setImmediate(r));
    p.live();
  };
  if (cut !== undefined) {
    moveHorizon(p, db, cut);
    for (;;) {
      const rows = guarded(() => p.st['aged']!.all(cut, p.chunk) as [number, number][]);
      if (rows.length === 0) break;
      await drop(rows);
    }
  }
  if (max !== undefined && p.dataBytes() > max) {
    const gone: [number, number][] = [];
    let bytes = p.dataBytes();
    let last: number | null = null;
    guarded(() => {
      for (const r of p.st['oldestClosed']!.iterate() as IterableIterator<
        [number, number, number]
      >) {
        if (bytes <= max) break;
        gone.push([r[0], r[1]]);
        bytes -= r[1];
        last = r[2];
      }
    });
    if (last !== null) moveHorizon(p, db, last);
    for (let k = 0; k < gone.length; k += p.chunk) await drop(gone.slice(k, k + p.chunk));
  }
  return { removed, bytesFreed: freed };
}
