// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of an agent's captures, read when scraped: packets received and dropped per
// capture and interface, flow table size and created/expired/evicted flows, the flow sender, and
// the live flow queries analyzers send (with what their filters let through and what was cut).
import type { Registry } from 'prom-client';
import { scrapedMetric } from '../../api/metrics.js';
import type { AgentCaptures, TableQueryStats } from './index.js';

type CaptureEntry = ReturnType<AgentCaptures['manager']['list']>[number];

/** Registers the capture metrics of `captures` on `registry`. */
export function registerCaptureMetrics(registry: Registry, captures: AgentCaptures): void {
  const per = (name: string, help: string, pick: (c: CaptureEntry) => number | undefined) =>
    scrapedMetric(registry, {
      type: 'gauge',
      name: `skydive_capture_${name}`,
      help,
      labelNames: ['capture', 'interface', 'type'],
      read: () =>
        captures.manager
          .list()
          .map((c) => [{ capture: c.captureID, interface: c.ifName, type: c.type }, pick(c)]),
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
  const s = () => captures.sender.stats();
  const sender = (type: 'gauge' | 'counter', name: string, help: string, read: () => number) =>
    scrapedMetric(registry, { type, name: `skydive_flow_sender_${name}`, help, read });
  sender('counter', 'sent_total', 'Flow updates sent to analyzers', () => s().sent);
  sender(
    'counter',
    'dropped_total',
    'Flow updates dropped while no analyzer took them',
    () => s().dropped,
  );
  sender('gauge', 'queued', 'Flow updates waiting for an analyzer', () => s().queued);
  // live Flows() queries from analyzers (Flow/TableQuery), with their pushed-down filter
  const q = (name: string, help: string, read: (t: TableQueryStats) => number) =>
    scrapedMetric(registry, {
      type: 'counter',
      name: `skydive_agent_flow_query_${name}`,
      help,
      read: () => read(captures.tableQueryStats()),
    });
  q('total', 'Flow table queries answered', (t) => t.queries);
  q('rejected_total', 'Flow table queries refused as malformed', (t) => t.rejected);
  q(
    'flows_scanned_total',
    "Table flows the queries' filters were evaluated on",
    (t) => t.flowsScanned,
  );
  q('flows_sent_total', 'Flows sent in query replies', (t) => t.flowsSent);
  q(
    'captures_skipped_total',
    "Captures a query's filter ruled out by node TID alone",
    (t) => t.capturesSkipped,
  );
  q(
    'replies_truncated_total',
    "Replies cut to fit the analyzers' message limit",
    (t) => t.repliesTruncated,
  );
  q('flows_truncated_total', 'Flows left out of cut replies', (t) => t.flowsTruncated);
}
