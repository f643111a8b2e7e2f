// SPDX-License-Identifier: Apache-2.0
// The batched history writer: the live graph pushes changes synchronously (never waiting on disk),
// a timer flushes them to the HistoryStore in batches, failures keep a bounded backlog and retry.
import type { GraphEventName, GraphEvents, GraphElement } from '../graph/types.js';
import type { HistoryChange, HistoryStore } from './history-store.js';
import { changeFromEvent } from './history-store.js';

export interface HistoryWriterOptions {
  /** Flush at least this often (ms, default 1000). */
  flushIntervalMs?: number;
  /**
   * Changes per batch; reaching it triggers a flush without waiting for the timer (default 1000:
   * with the in-thread SQLite store a batch runs on the caller's thread, and 1,000 revisions hold
   * it for tens of ms; the analyzer's default store writes in a worker thread).
   */
  maxBatch?: number;
  /** Most changes kept while the store fails; beyond it the oldest are dropped and counted (default 1e6). */
  maxBacklog?: number;
  /** First retry delay after a failure (ms, default 500); doubles up to `maxRetryMs`. */
  retryMs?: number;
  /** Longest retry delay (ms, default 30000). */
  maxRetryMs?: number;
  /** Change times: the element's own (CreatedAt/UpdatedAt/DeletedAt, Skydive's) or the clock's. */
  timeSource?: 'element' | 'clock';
  /** Clock in ms. */
  clock?: () => number;
  /** Told about every failed write (for the caller's log); storage does not log. */
  onError?: (err: unknown) => void;
}

/** Counters for status and metrics. */
export interface HistoryWriterStatus {
  /** Changes accepted since start. */
  queued: number;
  /** Changes the store has committed. */
  written: number;
  /** Changes dropped because the backlog was full. */
  dropped: number;
  /** Failed writes (each retried). */
  failures: number;
  /** Changes accepted and not yet written. */
  backlog: number;
  /** Batches committed. */
  batches: number;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  lastFlushAt: number | undefined;
  /** True while waiting to retry after a failure. */
  retrying: boolean;
}

/** What the writer subscribes to: the live Graph (or anything with its `on`). */
export interface GraphEventSource {
  on<K extends GraphEventName>(name: K, fn: GraphEvents[K]): () => void;
}

const EVENTS: readonly GraphEventName[] = [
  'nodeAdded',
  'nodeUpdated',
  'nodeDeleted',
  'edgeAdded',
  'edgeUpdated',
  'edgeDeleted',
];

/**
 * Queues graph changes and writes them to a HistoryStore in batches.
 * @example
 * const writer = new HistoryWriter(store, { flushIntervalMs: 1000 });
 * const detach = writer.attach(hubGraph);
 * …
 * detach();
 * await writer.close();
 */
export class HistoryWriter {
  private queue: HistoryChange[] = [];
  private head = 0;
  private inflight: HistoryChange[] | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private delay = 0;
  private closed = false;
  private readonly c = {
    queued: 0,
    written: 0,
    dropped: 0,
    failures: 0,
    batches: 0,
    lastError: undefined as string | undefined,
    lastErrorAt: undefined as number | undefined,
    lastFlushAt: undefined as number | undefined,
  };
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxBacklog: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly clock: () => number;

  constructor(
    readonly store: HistoryStore,
    private readonly opts: HistoryWriterOptions = {},
  ) {
    this.flushMs = Math.max(1, opts.flushIntervalMs ?? 1000);
    this.maxBatch = Math.max(1, opts.maxBatch ?? 1000);
    this.maxBacklog = Math.max(1, opts.maxBacklog ?? 1_000_000);
    this.retryMs = Math.max(1, opts.retryMs ?? 500);
    this.maxRetryMs = Math.max(this.retryMs, opts.maxRetryMs ?? 30_000);
    this.clock = opts.clock ?? Date.now;
    this.timer = setInterval(() => this.kick(), this.flushMs);
    this.timer.unref();
  }

  /** Changes accepted and not yet written. */
  get backlog(): number {
    return this.queue.length - this.head + (this.inflight?.length ?? 0);
  }

  /** Queues one change; O(1), never touches the store in the caller's stack. */
  push(change: HistoryChange): void {
    if (this.closed) {
      this.c.dropped++;
      return;
    }
    this.queue.push(change);
    this.c.queued++;
    this.trim();
    if (this.queue.length - this.head >= this.maxBatch) this.kickSoon();
  }

  /** The change for a graph event, timed by the element or the clock (see timeSource). */
  changeOf(event: GraphEventName, el: GraphElement): HistoryChange {
    let t: number | undefined;
    if (this.opts.timeSource !== 'clock') {
      t = event.endsWith('Deleted')
        ? el.deletedAt
        : event.endsWith('Added')
          ? el.createdAt || el.updatedAt
          : el.updatedAt;
    }
    return changeFromEvent(event, el, t || this.clock());
  }

  /**
   * Subscribes to the graph's six events; returns the function that unsubscribes. Events of an
   * element for which `skip` returns true are not recorded (the analyzer skips what another
   * analyzer replicated to it: that analyzer records it).
   */
  attach(graph: GraphEventSource, skip?: (el: GraphElement) => boolean): () => void {
    const offs = EVENTS.map((name) =>
      graph.on(name, ((el: GraphElement) => {
        if (skip?.(el) !== true) this.push(this.changeOf(name, el));
      }) as never),
    );
    return () => offs.forEach((off) => off());
  }

  status(): HistoryWriterStatus {
    return { ...this.c, backlog: this.backlog, retrying: this.retryTimer !== undefined };
  }

  private trim(): void {
    const over = this.queue.length - this.head - this.maxBacklog + (this.inflight?.length ?? 0);
    if (over <= 0) return;
    const n = Math.min(over, this.queue.length - this.head);
    this.head += n;
    this.c.dropped += n;
    this.compact();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private kickSoon(): void {
    if (this.soon || this.writing || this.retryTimer) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      this.kick();
    });
  }

  /** Starts a write unless one runs or a retry is pending. */
  private kick(): void {
    if (this.writing || this.retryTimer || this.queue.length === this.head) return;
    const w: Promise<void> = this.writeOne()
      .catch(() => undefined) // counted in status(); a retry is scheduled
      .finally(() => {
        if (this.writing === w) this.writing = undefined;
        if (!this.retryTimer && this.queue.length - this.head >= this.maxBatch) this.kickSoon();
      });
    this.writing = w;
  }

  /** Writes one batch; on failure puts it back in front and schedules a retry. */
  private async writeOne(): Promise<void> {
    const end = Math.min(this.queue.length, this.head + this.maxBatch);
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    this.compact();
    this.inflight = batch;
    try {
      await this.store.append(batch);
      this.c.written += batch.length;
      this.c.batches++;
      this.c.lastFlushAt = this.clock();
      this.delay = 0;
    } catch (err) {
      this.c.failures++;
      this.c.lastError = err instanceof Error ? err.message : String(err);
      this.c.lastErrorAt = this.clock();
      this.queue = batch.concat(this.queue.slice(this.head));
      this.head = 0;
      this.inflight = undefined;
      this.trim();
      this.delay = Math.min(this.maxRetryMs, this.delay === 0 ? this.retryMs : this.delay * 2);
      if (!this.closed) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, this.delay);
        this.retryTimer.unref();
      }
      this.opts.onError?.(err);
      throw err;
    } finally {
      this.inflight = undefined;
    }
  }

  /**
   * Writes everything queued now, batch after batch (a pending retry is run at once).
   * @throws the store's error when a batch fails; the changes stay queued.
   */
  async flush(): Promise<void> {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    await this.writing?.catch(() => undefined);
    while (this.queue.length > this.head) {
      const p = this.writeOne();
      // Cleared only if still this write's: the next batch may already be in flight by then, and
      // a timer must not start another one beside it (with an asynchronous store, both would run).
      const w: Promise<void> = p
        .catch(() => undefined)
        .finally(() => {
          if (this.writing === w) this.writing = undefined;
        });
      this.writing = w;
      await p;
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
      }
    }
  }

  /**
   * Stops the timers and makes a last attempt to write the backlog. Does not close the store.
   * @throws the store's error when that last write fails (status() tells what was left).
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
  }
}
