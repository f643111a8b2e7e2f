// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of the flow writer and the resource store: flows queued, written, dropped,
// refused, failed writes, the buffer, and whether the resource store reaches its database.
import type { Registry } from 'prom-client';
import { scrapedMetric } from '../api/metrics.js';
import type { StoresStatus } from '../storage/open.js';

/** Registers the store metrics on `registry`; `read` returns the current status of the stores. */
export function registerStorageMetrics(registry: Registry, read: () => StoresStatus): void {
  const metric = (
    type: 'gauge' | 'counter',
    name: string,
    help: string,
    pick: (s: StoresStatus) => readonly [backend: string, value: number],
  ) =>
    scrapedMetric(registry, {
      type,
      name,
      help,
      labelNames: ['backend'],
      read: () => {
        const [backend, value] = pick(read());
        return [[{ backend }, value]];
      },
    });
  const flows = (name: string, help: string, pick: (f: StoresStatus['flows']) => number) =>
    metric('counter', `skydive_flow_store_${name}`, help, (s) => [s.flows.backend, pick(s.flows)]);
  flows('queued_total', 'Flows handed to the flow store', (f) => f.queued);
  flows('written_total', 'Flows written by the flow store', (f) => f.written);
  flows('dropped_total', 'Flows dropped because the flow buffer was full', (f) => f.dropped);
  flows('rejected_total', 'Flows refused (no UUID, Start or Last)', (f) => f.rejected);
  flows(
    'raw_packets_rejected_total',
    'Raw packets of flows refused (malformed, or beyond the per-flow bound)',
    (f) => f.rawPacketsRejected,
  );
  flows('write_failures_total', 'Failed flow write attempts', (f) => f.failures);
  metric('gauge', 'skydive_flow_store_buffered', 'Flows waiting to be written', (s) => [
    s.flows.backend,
    s.flows.buffered,
  ]);
  metric(
    'gauge',
    'skydive_resource_store_up',
    '1 when the resource store reaches its database, else 0',
    (s) => [s.resources.backend, s.resources.healthy ? 1 : 0],
  );
}
