// SPDX-License-Identifier: Apache-2.0
// The ethtool probe: adds Driver, BusInfo, Speed (Mb/s) and Features to every interface node
// another probe (netlink, ovsdb…) puts in the graph, running ethtool inside its namespace.
import type { Probe } from '../sdk.js';
import { EthtoolEnricher } from './enricher.js';
import { ethtoolRunner, type EthtoolRunner } from './runner.js';

export { EthtoolEnricher, isInterface, type EnricherOptions } from './enricher.js';
export {
  parseBatch,
  parseDriverInfo,
  parseFeatures,
  parseSpeed,
  type EthtoolInfo,
} from './parse.js';
export { batchCommand, ethtoolRunner, type EthtoolRunner, type RunnerOptions } from './runner.js';

/** Options of the ethtool probe (`agent.topology.ethtool`). */
export interface EthtoolOptions {
  ethtool_path: string;
  nsenter_path: string;
  /** ethtool batches running at once. */
  workers: number;
  /** Interfaces per batch (one child process each). */
  batch_size: number;
  /** Seconds after which a batch is killed. */
  timeout: number;
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Builds the probe around a runner (tests pass a recorded one). */
export function makeEthtoolProbe(
  runnerFor: (o: EthtoolOptions) => EthtoolRunner = (o) =>
    ethtoolRunner({
      ethtoolPath: o.ethtool_path,
      nsenterPath: o.nsenter_path,
      timeoutMs: o.timeout * 1000,
    }),
): Probe<EthtoolOptions> {
  return {
    name: 'ethtool',
    description: 'driver, bus, speed and features of interface nodes, from ethtool',
    defaults: {
      ethtool_path: 'ethtool',
      nsenter_path: 'nsenter',
      workers: 2,
      batch_size: 16,
      timeout: 10,
    },
    create(ctx) {
      const o = ctx.options;
      const enricher = new EthtoolEnricher(ctx.graph, ctx.root, runnerFor(o), {
        workers: Math.max(1, o.workers),
        batch: Math.max(1, o.batch_size),
        onError: (err, ns) =>
          ctx.logger.warn(
            { err: (err as Error).message, netns: ns ?? 'host' },
            'ethtool batch failed',
          ),
      });
      return {
        async run(signal) {
          const unwatch = enricher.watch();
          try {
            await untilAborted(signal);
          } finally {
            unwatch();
          }
        },
        status: () => ({
          Batches: enricher.stats.batches,
          Interfaces: enricher.stats.queried,
          CacheHits: enricher.stats.cached,
          Failures: enricher.stats.failures,
          Backlog: enricher.backlog,
        }),
      };
    },
  };
}

/** The ethtool probe, running the system's ethtool. */
export const ethtoolProbe = makeEthtoolProbe();
