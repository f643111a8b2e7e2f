// SPDX-License-Identifier: Apache-2.0
// Prometheus gauges of interface counters, read from the graph when scraped: the `Metric` metadata
// the netlink probe keeps on interface nodes (RxPackets, TxBytes…), one series per interface.
import { Gauge, type Registry } from 'prom-client';
import type { Graph } from '../graph/index.js';

/** Metadata Metric keys exported, and their metric names. */
const FIELDS: readonly [string, string][] = [
  ['RxPackets', 'rx_packets'],
  ['TxPackets', 'tx_packets'],
  ['RxBytes', 'rx_bytes'],
  ['TxBytes', 'tx_bytes'],
  ['RxErrors', 'rx_errors'],
  ['TxErrors', 'tx_errors'],
  ['RxDropped', 'rx_dropped'],
  ['TxDropped', 'tx_dropped'],
];

/**
 * Registers `skydive_interface_<counter>{host,name,tid,type}` on `registry`, one series per node
 * that has a `Metric` map (the analyzer: every agent's interfaces; an agent: its own).
 */
export function registerInterfaceMetrics(registry: Registry, graph: Graph): void {
  // One pass over the graph fills every gauge: collect() of the first one does it.
  const gauges = FIELDS.map(
    ([key, name], i) =>
      [
        key,
        new Gauge({
          name: `skydive_interface_${name}`,
          help: `Interface counter ${key} from the node's Metric metadata`,
          labelNames: ['host', 'name', 'tid', 'type'] as const,
          registers: [registry],
          ...(i === 0 ? { collect: () => fill() } : {}),
        }),
      ] as const,
  );
  function fill(): void {
    for (const [, g] of gauges) g.reset();
    for (const n of graph.nodes()) {
      const m = n.metadata.Metric;
      if (m === null || typeof m !== 'object') continue;
      const labels = {
        host: n.host,
        name: String(n.metadata.Name ?? ''),
        tid: String(n.metadata.TID ?? ''),
        type: String(n.metadata.Type ?? ''),
      };
      for (const [key, g] of gauges) {
        const v = (m as Record<string, unknown>)[key];
        if (typeof v === 'number') g.set(labels, v);
      }
    }
  }
}
