// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of the analyzer's flow side, read when scraped: flow server counters (received,
// stored, dropped…), live flows, per-capture statistics the agents report, on-demand counters.
import type { Registry } from 'prom-client';
import { scrapedMetric } from '../../api/metrics.js';
import type { FlowServices } from './index.js';

/** Registers the flow metrics of `flows` on `registry`. */
export function registerFlowMetrics(registry: Registry, flows: FlowServices): void {
  const server = flows.server;
  const metric = (type: 'gauge' | 'counter') => (name: string, help: string, read: () => number) =>
    scrapedMetric(registry, { type, name: `skydive_flow_${name}`, help, read });
  const counter = metric('counter');
  const gauge = metric('gauge');
  const c = server.counters;
  counter('received_total', 'Flow updates received from agents and pcap uploads', () => c.received);
  counter('stored_total', 'Flow updates handed to the flow store', () => c.stored);
  counter(
    'dropped_total',
    'Flow updates dropped: analyzer.flow.max_buffer_size reached',
    () => c.dropped,
  );
  counter('store_errors_total', 'Flow updates whose storage failed', () => c.storeErrors);
  counter('published_total', 'Flow updates sent to /ws/subscriber/flow', () => c.published);
  counter('bad_messages_total', 'Flow messages that could not be decoded', () => c.badMessages);
  gauge('buffered', 'Flow updates waiting to be stored', () => server.stats().buffered);
  gauge(
    'live',
    'Live flows known to the analyzer (Flows() without a time)',
    () => server.live.size,
  );
  counter(
    'live_evicted_total',
    'Live flows forgotten because too many were live',
    () => server.live.evicted,
  );
  scrapedMetric(registry, {
    type: 'counter',
    name: 'skydive_flow_live_query_partial_total',
    help: "Agents' parts of live flow queries that were incomplete: reply cut to fit analyzer.max_body_size (truncated), no answer within 2 s (no_answer), or refused",
    labelNames: ['reason'],
    read: () => Object.entries(flows.partial).map(([reason, n]) => [{ reason }, n]),
  });
  const od = () => flows.ondemand?.stats;
  gauge('captures', 'Capture resources', () => od()?.captures ?? 0);
  gauge(
    'capture_nodes',
    'Nodes a capture was started or is starting on',
    () => od()?.registrations ?? 0,
  );
  counter('capture_starts_total', 'Capture Start requests sent to agents', () => od()?.starts ?? 0);
  counter(
    'capture_start_failures_total',
    'Capture Start requests that failed',
    () => od()?.startFailures ?? 0,
  );

  const perCapture = (name: string, help: string, pick: (s: Record<string, number>) => number) =>
    scrapedMetric(registry, {
      type: 'gauge',
      name: `skydive_capture_${name}`,
      help,
      labelNames: ['capture'],
      read: () =>
        Array.from(server.statsByCapture(), ([id, s]) => [
          { capture: id },
          pick(s as unknown as Record<string, number>),
        ]),
    });
  perCapture(
    'packets_received',
    'Packets captured (last Stats of the capture)',
    (s) => s.PacketsReceived ?? 0,
  );
  perCapture(
    'packets_dropped',
    'Packets dropped by the kernel (last Stats)',
    (s) => s.PacketsDropped ?? 0,
  );
  perCapture('flows', 'Flows in the capture flow tables (last Stats)', (s) => s.FlowCount ?? 0);
  perCapture(
    'flows_dropped',
    'Flows evicted from full tables in the last Stats period',
    (s) => s.FlowDropped ?? 0,
  );
}
