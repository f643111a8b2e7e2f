// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of the flow writer and the resource store: flows queued, written, dropped,
// refused, failed writes, the buffer, and whether the resource store reaches its database.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StoresStatus } from '../storage/open.js';

/** Registers the store metrics on `registry`; `read` returns the current status of the stores. */
export function registerStorageMetrics(registry: Registry, read: () => StoresStatus): void {
  const labelNames = ['backend'] as const;
  const counter = (name: string, help: string, pick: (s: StoresStatus) => number) =>
    new Counter({
      name: `skydive_flow_store_${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        const s = read();
        this.reset();
        this.inc({ backend: s.flows.backend }, pick(s));
      },
    });
  counter('queued_total', 'Flows handed to the flow store', (s) => s.flows.queued);
  counter('written_total', 'Flows written by the flow store', (s) => s.flows.written);
  counter(
    'dropped_total',
    'Flows dropped because the flow buffer was full',
    (s) => s.flows.dropped,
  );
  counter('rejected_total', 'Flows refused (no UUID, Start or Last)', (s) => s.flows.rejected);
  counter(
    'raw_packets_rejected_total',
    'Raw packets of flows refused (malformed, or beyond the per-flow bound)',
    (s) => s.flows.rawPacketsRejected,
  );
  counter('write_failures_total', 'Failed flow write attempts', (s) => s.flows.failures);
  new Gauge({
    name: 'skydive_flow_store_buffered',
    help: 'Flows waiting to be written',
    labelNames,
    registers: [registry],
    collect() {
      const s = read();
      this.reset();
      this.set({ backend: s.flows.backend }, s.flows.buffered);
    },
  });
  new Gauge({
    name: 'skydive_resource_store_up',
    help: '1 when the resource store reaches its database, else 0',
    labelNames,
    registers: [registry],
    collect() {
      const s = read();
      this.reset();
      this.set({ backend: s.resources.backend }, s.resources.healthy ? 1 : 0);
    },
  });
}
