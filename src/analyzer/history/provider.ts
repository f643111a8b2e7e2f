// SPDX-License-Identifier: Apache-2.0
// The Gremlin engine's HistoryProvider over a HistoryStore: At()/Context() read a snapshot of the
// store, after the changes already queued up to that time have been written.
import type { GraphView } from '../../graph/types.js';
import type { HistoryProvider } from '../../gremlin/index.js';
import type { HistoryStore } from '../../storage/history-store.js';

/** What the provider needs of the writer (HistoryWriter has it): its queue, and a way to empty it. */
export interface PendingWrites {
  status(): { backlog: number; retrying: boolean };
  /** Writes what is queued; rejects when the store fails. */
  flush(): Promise<void>;
}

/**
 * A HistoryProvider reading `store`. When changes wait in the writer's queue it flushes first, so a
 * query at "one second ago" sees that second. While the writer is retrying after a failure (the
 * database is down) it does not wait: the snapshot answers what is stored, or fails itself.
 * @example
 * const engine = new GremlinEngine({ history: storeHistory(store, writer) });
 */
export function storeHistory(store: HistoryStore, pending?: PendingWrites): HistoryProvider {
  return {
    async at(time: number, duration?: number): Promise<GraphView> {
      const s = pending?.status();
      if (pending && s && s.backlog > 0 && !s.retrying) await pending.flush().catch(() => {});
      return store.snapshot(time, duration);
    },
  };
}
