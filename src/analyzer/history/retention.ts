// SPDX-License-Identifier: Apache-2.0
// Background retention of the history store: every interval (unref'd timer) prune revisions older
// than the maximum age and the oldest ones past the maximum size; counted for status and metrics.
import type { Logger } from 'pino';
import type { HistoryStore, PruneResult } from '../../storage/history-store.js';

/** What to keep; an unset bound is not enforced. */
export interface RetentionSettings {
  /** Keep revisions that ended less than this long ago (ms). */
  maxAgeMs?: number | undefined;
  /** Keep at most this much revision data (bytes, as HistoryStats.dataBytes counts it). */
  maxBytes?: number | undefined;
  /** How often to enforce (ms); default 60 s. */
  intervalMs?: number | undefined;
}

/** Counters of the retention task. */
export interface RetentionStats {
  runs: number;
  removed: number;
  bytesFreed: number;
  failures: number;
  lastRun: number | undefined;
  lastError: string | undefined;
  /** The store's horizon after the last successful pass. */
  horizon: number | undefined;
}

const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Enforces retention on `store` in the background. A pass never overlaps the previous one; a
 * failing pass is logged and counted, and the next one runs on schedule.
 * @example
 * const r = new Retention(store, { maxAgeMs: 7 * 86_400_000 }, logger);
 * r.start();
 * // …
 * await r.stop();
 */
export class Retention {
  readonly stats: RetentionStats = {
    runs: 0,
    removed: 0,
    bytesFreed: 0,
    failures: 0,
    lastRun: undefined,
    lastError: undefined,
    horizon: undefined,
  };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneResult | undefined> | undefined;

  constructor(
    private readonly store: HistoryStore,
    readonly settings: RetentionSettings,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when a bound is configured. */
  get enabled(): boolean {
    return this.settings.maxAgeMs !== undefined || this.settings.maxBytes !== undefined;
  }

  /** Starts the timer (no-op without a bound). The first pass runs after one interval. */
  start(): void {
    if (!this.enabled || this.timer) return;
    const every = this.settings.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timer = setInterval(() => void this.run(), every).unref();
  }

  /** One pass now (or the one under way); resolves to its result, undefined when it failed. */
  run(): Promise<PruneResult | undefined> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<PruneResult | undefined> {
    const { maxAgeMs, maxBytes } = this.settings;
    const now = this.clock();
    try {
      const r = await this.store.prune({
        ...(maxAgeMs === undefined ? {} : { olderThan: now - maxAgeMs }),
        ...(maxBytes === undefined ? {} : { maxBytes }),
      });
      this.stats.runs++;
      this.stats.removed += r.removed;
      this.stats.bytesFreed += r.bytesFreed;
      this.stats.lastRun = now;
      this.stats.horizon = r.horizon;
      if (r.removed > 0)
        this.logger.info(
          {
            removed: r.removed,
            bytesFreed: r.bytesFreed,
            horizon: new Date(r.horizon).toISOString(),
          },
          'history retention pruned revisions',
        );
      return r;
    } catch (err) {
      this.stats.runs++;
      this.stats.failures++;
      this.stats.lastRun = now;
      this.stats.lastError = (err as Error).message;
      this.logger.warn({ err: (err as Error).message }, 'history retention failed');
      return undefined;
    }
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
