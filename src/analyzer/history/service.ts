// SPDX-License-Identifier: Apache-2.0
// The analyzer's history: the store, the batched writer fed by the hub graph's events, background
// retention, the HistoryProvider behind At()/Context(), and the `Storage` status they report.
import type { Logger } from 'pino';
import type { Graph, GraphElement } from '../../graph/index.js';
import type { HistoryProvider } from '../../gremlin/index.js';
import type { StorageStatus } from '../../protocol/index.js';
import type { HistoryStore } from '../../storage/history-store.js';
import { HistoryWriter, type HistoryWriterOptions } from '../../storage/history-writer.js';
import { SqliteWorkerHistoryStore } from '../../storage/sqlite/history-worker-store.js';
import { storeHistory } from './provider.js';
import { Retention, type RetentionSettings } from './retention.js';

/** How the analyzer runs its history. */
export interface HistoryServiceOptions {
  logger: Logger;
  retention?: RetentionSettings | undefined;
  writer?: HistoryWriterOptions | undefined;
  clock?: (() => number) | undefined;
  /** Elements whose changes are not recorded (those another analyzer replicated here). */
  skip?: ((el: GraphElement) => boolean) | undefined;
}

/**
 * History of the hub graph. The live graph only pushes changes into the writer's queue (it never
 * waits on the store); the writer writes them in batches and retries while the store fails.
 * @example
 * const history = await AnalyzerHistory.start(store, graph, { logger, retention: { maxAgeMs } });
 * const engine = new GremlinEngine({ history: history.provider });
 * // …
 * await history.close();
 */
export class AnalyzerHistory {
  readonly provider: HistoryProvider;
  readonly writer: HistoryWriter;
  readonly retention: Retention;
  private detach: (() => void) | undefined;
  private horizon: number | undefined;
  private closed = false;

  private constructor(
    readonly store: HistoryStore,
    private readonly logger: Logger,
    opts: HistoryServiceOptions,
  ) {
    this.writer = new HistoryWriter(store, {
      ...opts.writer,
      ...(opts.clock ? { clock: opts.clock } : {}),
      onError: (err) =>
        this.logger.warn(
          { err: (err as Error).message, backlog: this.writer.backlog },
          'history write failed; will retry',
        ),
    });
    this.retention = new Retention(store, opts.retention ?? {}, logger, opts.clock);
    this.provider = storeHistory(store, this.writer);
  }

  /**
   * Starts recording `graph`, as the writer `graph.origin`. Its revisions left open by a previous
   * run are closed first (the live
   * graph starts empty; agents add back what still exists); if that fails it is logged and the
   * analyzer starts anyway.
   */
  static async start(
    store: HistoryStore,
    graph: Graph,
    opts: HistoryServiceOptions,
  ): Promise<AnalyzerHistory> {
    // analyzers sharing one database each close only their own revisions
    store.setWriter(graph.origin);
    const h = new AnalyzerHistory(store, opts.logger, opts);
    const now = (opts.clock ?? Date.now)();
    try {
      const closed = await store.closeAll(now);
      if (closed > 0) opts.logger.info({ closed }, 'history: closed revisions of the previous run');
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'history: could not close previous run');
    }
    h.detach = h.writer.attach(graph, opts.skip);
    h.retention.start();
    await h.refreshHorizon();
    return h;
  }

  private async refreshHorizon(): Promise<void> {
    try {
      this.horizon = await this.store.horizon();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'history: horizon unknown for now');
    }
  }

  /** The `Storage` section of `/api/status`. */
  async status(): Promise<StorageStatus> {
    const w = this.writer.status();
    const r = this.retention.stats;
    // unknown when the store was unreachable at start: ask again, for the next status
    if (this.horizon === undefined && !this.closed) void this.refreshHorizon();
    // the horizon only moves when retention prunes: no database round trip per status request
    const horizon =
      r.horizon === undefined || this.horizon === undefined
        ? (r.horizon ?? this.horizon)
        : Math.max(r.horizon, this.horizon);
    const lastError = w.lastError ?? r.lastError;
    const { maxAgeMs, maxBytes } = this.retention.settings;
    const thread =
      this.store instanceof SqliteWorkerHistoryStore ? this.store.workerStatus() : undefined;
    return {
      Backend: this.store.backend,
      Backlog: w.backlog,
      Written: w.written,
      Dropped: w.dropped,
      Failures: w.failures + r.failures,
      ...(thread === undefined ? {} : { WriterRestarts: thread.restarts }),
      ...(lastError === undefined ? {} : { LastError: lastError }),
      ...(horizon === undefined ? {} : { Horizon: horizon }),
      Retention: {
        ...(maxAgeMs === undefined ? {} : { MaxAge: maxAgeMs }),
        ...(maxBytes === undefined ? {} : { MaxBytes: maxBytes }),
        Runs: r.runs,
        Removed: r.removed,
        ...(r.lastRun === undefined ? {} : { LastRun: new Date(r.lastRun).toISOString() }),
      },
    };
  }

  /**
   * Stops recording, writes what is queued (a failure is logged with what is lost), closes the
   * store.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.detach?.();
    await this.retention.stop();
    try {
      await this.writer.close();
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, lost: this.writer.backlog },
        'history: queued changes could not be written before closing',
      );
    }
    await this.store.close();
  }
}
