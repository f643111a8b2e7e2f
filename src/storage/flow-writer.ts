// SPDX-License-Identifier: Apache-2.0
// The flow writer: a FlowStore in front of a backend whose insert never waits on the database.
// Batches queue in a bounded buffer (analyzer.flow.max_buffer_size), a timer writes them, failures
// (PostgreSQL down) keep them and retry with backoff; beyond the bound the oldest flows are dropped.
import type {
  FlowMetricRow,
  FlowQuery,
  FlowStore,
  InsertResult,
  PruneResult,
  StoredFlow,
  StoredRawPacket,
  TimeRange,
} from './flow-store.js';

/** Tuning of a FlowWriter. */
export interface FlowWriterOptions {
  /** Most flows waiting to be written (default 100000); beyond, the oldest are dropped. */
  maxBuffer?: number;
  /** Flows per write (default 1000); reaching it writes without waiting for the timer. */
  maxBatch?: number;
  /** Write at least this often (ms, default 1000). */
  flushIntervalMs?: number;
  /** First retry delay after a failure (ms, default 500), doubling up to `maxRetryMs`. */
  retryMs?: number;
  /** Longest retry delay (ms, default 30000). */
  maxRetryMs?: number;
  /** Told about every failed write (storage does not log). */
  onError?: (err: unknown) => void;
}

/** Counters for /api/status and /metrics. */
export interface FlowWriterStatus {
  backend: string;
  /** Flows accepted by insert since start. */
  queued: number;
  /** Flows the backend wrote (new or newer state). */
  written: number;
  /** Flows dropped because the buffer was full. */
  dropped: number;
  /** Flows the backend refused (no UUID, Start or Last). */
  rejected: number;
  /** Raw packets the backend refused (malformed, or beyond the per-flow bound). */
  rawPacketsRejected: number;
  /** Failed writes (each retried). */
  failures: number;
  /** Flows waiting to be written. */
  buffered: number;
  /** True while waiting to retry after a failure. */
  retrying: boolean;
  lastError: string | undefined;
}

/**
 * Buffers inserts for a backend FlowStore; reads go straight to the backend (flows still in the
 * buffer are not visible until written; `flush()` writes them now).
 * @example
 * const flows = new FlowWriter(new PostgresFlowStore(conn), { maxBuffer: 100_000 });
 * await flows.insert(batch); // returns at once, even while the database is down
 */
export class FlowWriter implements FlowStore {
  readonly backend: string;
  private buffer: StoredFlow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private delay: number;
  private closed = false;
  private readonly s: Omit<FlowWriterStatus, 'buffered' | 'backend'> = {
    queued: 0,
    written: 0,
    dropped: 0,
    rejected: 0,
    rawPacketsRejected: 0,
    failures: 0,
    retrying: false,
    lastError: undefined,
  };

  constructor(
    readonly store: FlowStore,
    private readonly opts: FlowWriterOptions = {},
  ) {
    this.backend = store.backend;
    this.delay = opts.retryMs ?? 500;
  }

  private get maxBuffer(): number {
    return this.opts.maxBuffer ?? 100_000;
  }

  /** Queues a batch; resolves at once with what was accepted (stored: flows queued). */
  async insert(flows: readonly StoredFlow[]): Promise<InsertResult> {
    if (this.closed || flows.length === 0) return { stored: 0, rejected: 0, rawPacketsRejected: 0 };
    this.s.queued += flows.length;
    for (const f of flows) this.buffer.push(f);
    const over = this.buffer.length - this.maxBuffer;
    if (over > 0) {
      this.buffer.splice(0, over);
      this.s.dropped += over;
    }
    if (!this.s.retrying)
      this.schedule(this.buffer.length >= (this.opts.maxBatch ?? 1000) ? 0 : undefined);
    return { stored: flows.length, rejected: 0, rawPacketsRejected: 0 };
  }

  private schedule(delay?: number): void {
    if (this.closed || this.writing) return;
    if (this.timer && delay !== 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.drain();
      },
      delay ?? this.opts.flushIntervalMs ?? 1000,
    );
    this.timer.unref();
  }

  /** Writes batches until the buffer is empty or a write fails (then retries later). */
  private drain(): Promise<void> {
    if (this.writing) return this.writing;
    const run = async (): Promise<void> => {
      const max = this.opts.maxBatch ?? 1000;
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, max);
        try {
          const r = await this.store.insert(batch);
          this.s.written += r.stored;
          this.s.rejected += r.rejected;
          this.s.rawPacketsRejected += r.rawPacketsRejected;
        } catch (err) {
          this.s.failures++;
          this.s.retrying = true;
          this.s.lastError = err instanceof Error ? err.message : String(err);
          this.opts.onError?.(err);
          return;
        }
        // the batch may have been partly dropped from the front while it was being written
        const kept = this.buffer.indexOf(batch[batch.length - 1] as StoredFlow);
        this.buffer.splice(0, kept + 1);
        this.s.retrying = false;
        this.delay = this.opts.retryMs ?? 500;
      }
    };
    this.writing = run().finally(() => {
      this.writing = undefined;
      if (this.closed || this.buffer.length === 0) return;
      if (this.s.retrying) {
        const d = this.delay;
        this.delay = Math.min(d * 2, this.opts.maxRetryMs ?? 30_000);
        this.schedule(d);
      } else this.schedule();
    });
    return this.writing;
  }

  /** Writes what is buffered now; rejects when the backend fails (the flows stay buffered). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.drain();
    if (this.buffer.length > 0 && this.s.retrying)
      throw new Error(`flows not written: ${this.s.lastError ?? 'store failure'}`);
  }

  status(): FlowWriterStatus {
    return { backend: this.backend, ...this.s, buffered: this.buffer.length };
  }

  search(query?: FlowQuery): Promise<StoredFlow[]> {
    return this.store.search(query);
  }

  count(query?: FlowQuery): Promise<number> {
    return this.store.count(query);
  }

  metrics(query?: FlowQuery, range?: TimeRange): Promise<Record<string, FlowMetricRow[]>> {
    return this.store.metrics(query, range);
  }

  metricSeries(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, FlowMetricRow[]>> {
    return this.store.metricSeries(uuids, range);
  }

  rawPackets(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, StoredRawPacket[]>> {
    return this.store.rawPackets(uuids, range);
  }

  prune(before: number): Promise<PruneResult> {
    return this.store.prune(before);
  }

  /** Writes what it can (one attempt), then closes the backend. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush().catch(() => undefined);
    this.closed = true;
    clearTimeout(this.timer);
    await this.store.close();
  }
}
