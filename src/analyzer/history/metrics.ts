// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of the history pipeline: writer backlog and counters, retention passes, the
// horizon. Values are read from the running service when Prometheus scrapes (no timers here).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StorageStatus } from '../../protocol/index.js';

/** Registers the history metrics on `registry`; `read` returns the current storage status. */
export function registerHistoryMetrics(
  registry: Registry,
  read: () => StorageStatus | Promise<StorageStatus>,
): void {
  const labelNames = ['backend'] as const;
  const gauge = (name: string, help: string, pick: (s: StorageStatus) => number | undefined) =>
    new Gauge({
      name: `skydive_history_${name}`,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await read();
        const v = pick(s);
        this.reset();
        if (v !== undefined) this.set({ backend: s.Backend }, v);
      },
    });
  // Counters kept by the service; a scrape copies them (reset, then add the current total).
  const counter = (name: string, help: string, pick: (s: StorageStatus) => number) =>
    new Counter({
      name: `skydive_history_${name}`,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await read();
        this.reset();
        this.inc({ backend: s.Backend }, pick(s));
      },
    });
  gauge('backlog', 'Graph changes waiting to be written to the history store', (s) => s.Backlog);
  counter('written_total', 'Graph changes written to the history store', (s) => s.Written);
  counter('dropped_total', 'Graph changes dropped because the backlog was full', (s) => s.Dropped);
  counter('write_failures_total', 'Failed history write attempts', (s) => s.Failures);
  counter(
    'writer_restarts_total',
    'SQLite history writer threads started again after one died',
    (s) => s.WriterRestarts ?? 0,
  );
  counter('retention_runs_total', 'History retention passes', (s) => s.Retention.Runs);
  counter('retention_removed_total', 'Revisions removed by retention', (s) => s.Retention.Removed);
  gauge('horizon_seconds', 'Earliest time history answers (Unix seconds)', (s) =>
    s.Horizon === undefined ? undefined : s.Horizon / 1000,
  );
}
