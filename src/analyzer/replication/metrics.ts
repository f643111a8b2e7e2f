// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of replication between analyzers, read from the service when scraped:
// messages sent, received and dropped, Syncs, connected peers.
import type { Registry } from 'prom-client';
import { scrapedMetric } from '../../api/metrics.js';
import type { ReplicationStats } from './service.js';

/** Registers the replication metrics on `registry`; `read` returns the current counters. */
export function registerReplicationMetrics(registry: Registry, read: () => ReplicationStats): void {
  scrapedMetric<'outcome'>(registry, {
    type: 'counter',
    name: 'skydive_replication_messages_total',
    help: 'Replication messages by outcome: sent to peers, received from peers, dropped (not delivered, or not applied)',
    labelNames: ['outcome'],
    read: () => {
      const s = read();
      return [
        [{ outcome: 'sent' }, s.sent],
        [{ outcome: 'received' }, s.received],
        [{ outcome: 'dropped' }, s.dropped],
      ];
    },
  });
  scrapedMetric<'direction'>(registry, {
    type: 'counter',
    name: 'skydive_replication_syncs_total',
    help: 'Whole-graph Syncs exchanged with peer analyzers',
    labelNames: ['direction'],
    read: () => {
      const s = read();
      return [
        [{ direction: 'sent' }, s.syncsSent],
        [{ direction: 'received' }, s.syncsReceived],
      ];
    },
  });
  scrapedMetric(registry, {
    type: 'gauge',
    name: 'skydive_replication_peers',
    help: 'Peer analyzers connected for replication',
    read: () => read().peers,
  });
}
