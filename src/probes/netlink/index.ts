// SPDX-License-Identifier: Apache-2.0
// The netlink probe: interfaces, addresses, routes, neighbours and FDB of the host namespace and
// of every namespace the netns probe reports, from one dump each and then rtnetlink multicast
// events (no polling of the topology); interface counters every metrics_update seconds.
import type { Probe, ProbeContext, ProbeInstance } from '../sdk.js';
import type { NetnsAPI } from '../netns/api.js';
import { NetlinkRun } from './run.js';

/** `agent.topology.netlink` options. */
export interface NetlinkOptions {
  /** Seconds between two rounds of interface counters. */
  metrics_update: number;
  /** Receive buffer of each namespace's event socket, bytes (capped by net.core.rmem_max). */
  event_buffer_size: number;
}

const defaults: NetlinkOptions = { metrics_update: 30, event_buffer_size: 4 * 1024 * 1024 };

function create(ctx: ProbeContext<NetlinkOptions>): ProbeInstance {
  const netns = ctx.deps['netns'] as NetnsAPI | undefined;
  if (!netns) throw new Error('the netlink probe needs the netns probe');
  let run: NetlinkRun | undefined;
  return {
    async run(signal) {
      const r = new NetlinkRun({
        graph: ctx.graph,
        root: ctx.root,
        hostID: ctx.hostID,
        logger: ctx.logger,
        netns,
        socketOptions: { eventBufferSize: ctx.options.event_buffer_size, timeoutMs: 10_000 },
        retryMs: 1000,
      });
      run = r;
      r.start();
      const timer = setInterval(
        () =>
          void r.metricsRound().catch((err) => ctx.logger.warn({ err }, 'metrics round failed')),
        Math.max(1, ctx.options.metrics_update) * 1000,
      );
      try {
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        clearInterval(timer);
        r.stop();
      }
    },
    status() {
      if (!run) return {};
      const c = run.counters;
      const s: Record<string, unknown> = {
        Namespaces: run.namespaces,
        Interfaces: run.topology.size,
        Events: c.events,
        Batches: c.batches,
        Resyncs: c.resyncs,
        Errors: c.errors,
        MetricRounds: run.metricRounds,
      };
      if (c.lastError) s['LastError'] = c.lastError;
      return s;
    },
  };
}

/** The netlink probe. */
export const netlinkProbe: Probe<NetlinkOptions> = {
  name: 'netlink',
  description: 'Interfaces, addresses, routes, neighbours and FDB of every network namespace',
  dependencies: ['netns'],
  defaults,
  create,
};
