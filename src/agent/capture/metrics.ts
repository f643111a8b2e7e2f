// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of an agent's captures, read when scraped: packets received and dropped per
// capture and interface, flow table size and created/expired/evicted flows, the flow sender.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AgentCaptures } from './index.js';

/** Registers the capture metrics of `captures` on `registry`. */
export function registerCaptureMetrics(registry: Registry, captures: AgentCaptures): void {
  const labelNames = ['capture', 'interface', 'type'] as const;
  const per = (
    name: string,
    help: string,
    pick: (c: ReturnType<AgentCaptures['manager']['list']>[number]) => number | undefined,
  ) =>
    new Gauge({
      name: `skydive_capture_${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of captures.manager.list()) {
          const v = pick(c);
          if (v !== undefined)
            this.set({ capture: c.captureID, interface: c.ifName, type: c.type }, v);
        }
      },
    });
  per('packets_received', 'Packets captured', (c) => c.counters.PacketsReceived);
  per(
    'packets_dropped',
    'Packets the kernel dropped before the capture read them',
    (c) => c.counters.PacketsDropped,
  );
  per('flows', 'Flows in the capture flow table', (c) => c.table?.size);
  per('flows_created', 'Flows created by the capture flow table', (c) => c.table?.flowsCreated);
  per('flows_expired', 'Flows expired by the capture flow table', (c) => c.table?.flowsExpired);
  per(
    'flows_evicted',
    'Flows evicted because the table was full (flow.max_entries)',
    (c) => c.table?.flowsEvicted,
  );
  const sender = (name: string, help: string, read: () => number) =>
    new Counter({
      name: `skydive_flow_sender_${name}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const s = () => captures.sender.stats();
  sender('sent_total', 'Flow updates sent to analyzers', () => s().sent);
  sender('dropped_total', 'Flow updates dropped while no analyzer took them', () => s().dropped);
  new Gauge({
    name: 'skydive_flow_sender_queued',
    help: 'Flow updates waiting for an analyzer',
    registers: [registry],
    collect() {
      this.set(s().queued);
    },
  });
}
