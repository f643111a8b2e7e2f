// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of the history pipeline: writer backlog and counters, retention passes, the
// horizon. Values are read from the running service when Prometheus scrapes (no timers here).
import type { Registry } from 'prom-client';
import { scrapedMetric } from '../../api/metrics.js';
import type { StorageStatus } from '../../protocol/index.js';

/** Registers the history metrics on `registry`; `read` returns the current storage status. */
export function registerHistoryMetrics(
  registry: Registry,
  read: () => StorageStatus | Promise<StorageStatus>,
): void {
  const metric = (
    type: 'gauge' | 'counter',
    name: string,
    help: string,
    pick: (s: StorageStatus) => number | undefined,
  ) =>
    scrapedMetric(registry, {
      type,
      name: `skydive_history_${name}`,
      help,
      labelNames: ['backend'],
      read: async () => {
        const s = await read();
        return [[{ backend: s.Backend }, pick(s)]];
      },
    });
  const gauge = metric.bind(null, 'gauge');
  const counter = metric.bind(null, 'counter');
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
