// SPDX-License-Identifier: Apache-2.0
// The Gremlin engine's HistoryProvider over a HistoryStore: At()/Context() read a snapshot of the
// store, after the changes already queued have been written (waiting a bounded time for them).
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphView } from '../../graph/types.js';
import type { HistoryProvider, SnapshotHints } from '../../gremlin/index.js';
import type { HistoryStore } from '../../storage/history-store.js';

/** What the provider needs of the writer (HistoryWriter has it): its queue, and a way to empty it. */
export interface PendingWrites {
  status(): { backlog: number; retrying: boolean };
  /** Writes what is queued; rejects when the store fails. */
  flush(): Promise<void>;
}

/** Longest wait (ms) for queued changes before a snapshot is read anyway. */
export const FLUSH_WAIT_MS = 2000;

/**
 * A HistoryProvider reading `store`. When changes wait in the writer's queue it flushes first (one
 * flush at a time, however many queries ask), so a query at "one second ago" sees that second. It
 * waits at most `flushWaitMs` (under sustained ingest the queue never empties), and not at all while
 * the writer is retrying after a failure (the database is down): the snapshot then answers what is
 * stored, or fails itself.
 * @example
 * const engine = new GremlinEngine({ history: storeHistory(store, writer) });
 */
export function storeHistory(
  store: HistoryStore,
  pending?: PendingWrites,
  flushWaitMs = FLUSH_WAIT_MS,
): HistoryProvider {
  let flushing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    if (!pending) return;
    const s = pending.status();
    if (s.backlog === 0 || s.retrying) return;
    flushing ??= pending
      .flush()
      .catch(() => undefined)
      .finally(() => (flushing = undefined));
    const timeout = new AbortController();
    await Promise.race([
      flushing,
      sleep(flushWaitMs, undefined, { signal: timeout.signal }).catch(() => {}),
    ]);
    timeout.abort();
  };
  return {
    async at(time: number, duration?: number, hints?: SnapshotHints): Promise<GraphView> {
      await drain();
      return store.snapshot(time, duration, hints);
    },
  };
}
