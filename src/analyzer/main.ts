// SPDX-License-Identifier: Apache-2.0
// Composition root of an analyzer: resolves settings, builds the hub graph, the Gremlin engine,
// auth and the server, and starts listening. The only place that picks concrete implementations.
import type { Logger } from 'pino';
import type { SkydiveConfig } from '../config/index.js';
import { Graph } from '../graph/index.js';
import { GremlinEngine } from '../gremlin/index.js';
import { createAuth } from '../api/auth/index.js';
import { createLogger as createServiceLogger } from '../api/logger.js';
import type { AnalyzerContext } from './context.js';
import { createServer } from './server.js';
import { settingsFromConfig } from './settings-from-config.js';
import { StatusRegistry } from '../api/status.js';
import { createMetricsRegistry } from '../api/metrics.js';
import type { HistoryStore } from '../storage/history-store.js';
import { openStores } from '../storage/open.js';
import { storageSettingsFromConfig } from './storage-from-config.js';
import { registerStorageMetrics } from './storage-metrics.js';
import { registerHistoryMetrics } from './history/metrics.js';
import { AnalyzerHistory } from './history/service.js';
import {
  Replication,
  registerReplicationMetrics,
  replicationSettingsFromConfig,
  type ReplicationTuning,
} from './replication/index.js';

export interface AnalyzerHandle {
  /** The bound `host:port`. */
  address: string;
  context: AnalyzerContext;
  close(): Promise<void>;
}

/** A pino logger at the configured level, writing JSON lines to stderr. */
export function createLogger(config: SkydiveConfig): Logger {
  return createServiceLogger(config, 'analyzer');
}

/** Starts an analyzer from a loaded configuration. */
export async function startAnalyzer(
  config: SkydiveConfig,
  opts: {
    logger?: Logger;
    historyStore?: HistoryStore;
    /** Replication redial and flow-control tuning (tests shorten the delays). */
    replication?: Partial<ReplicationTuning>;
  } = {},
): Promise<AnalyzerHandle> {
  const settings = settingsFromConfig(config);
  const logger = opts.logger ?? createLogger(config);
  const origin = `analyzer.${settings.hostID}`;
  const graph = new Graph({ host: settings.hostID, origin });
  const storeLog = logger.child({ component: 'storage' });
  const stores = await openStores(storageSettingsFromConfig(config), {
    onFlowWriteError: (err) =>
      storeLog.warn({ err: String(err) }, 'storing flows failed; will retry'),
    onResourceHealth: (ok, err) =>
      ok
        ? storeLog.info('resource store reachable again')
        : storeLog.error({ err: String(err) }, 'resource store unavailable; retrying'),
    onRetentionError: (err) => storeLog.warn({ err: String(err) }, 'flow retention failed'),
  });
  // before the history: its graph listeners must run before the history writer's (service.ts)
  const replication = new Replication({
    graph,
    hostID: settings.hostID,
    settings: replicationSettingsFromConfig(config, opts.replication),
    logger,
  });
  const store = opts.historyStore ?? stores.history;
  const kept = stores.historyBackend.retention;
  const history = await AnalyzerHistory.start(store, graph, {
    logger: logger.child({ component: 'history' }),
    // what another analyzer replicated here is recorded by that analyzer
    skip: replication.isReplicated,
    // 0 means "no bound" in the configuration
    retention: {
      maxAgeMs: kept.maxAgeMs > 0 ? kept.maxAgeMs : undefined,
      maxBytes: kept.maxBytes > 0 ? kept.maxBytes : undefined,
    },
  });
  const metrics = createMetricsRegistry('analyzer');
  registerHistoryMetrics(metrics, () => history.status());
  registerStorageMetrics(metrics, () => stores.status());
  registerReplicationMetrics(metrics, () => replication.stats());
  const context: AnalyzerContext = {
    settings,
    logger,
    graph,
    gremlin: new GremlinEngine({ history: history.provider }),
    history: history.provider,
    historyService: history,
    metrics,
    auth: createAuth(settings),
    status: new StatusRegistry(),
    origin,
    stores,
    replication,
  };
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  let address: string;
  try {
    server = await createServer(context, {
      resources: stores.resources,
      flows: { store: stores.flows },
    });
    address = await server.listen();
  } catch (err) {
    await replication.close();
    await server?.close();
    await history.close();
    await stores.close();
    throw err;
  }
  const started = server;
  logger.info({ address, tls: Boolean(settings.tls) }, 'analyzer listening');
  replication.start();
  return {
    address,
    context,
    async close() {
      await replication.close();
      await started.close();
      await history.close();
      await stores.close();
    },
  };
}
