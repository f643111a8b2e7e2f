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
  opts: { logger?: Logger } = {},
): Promise<AnalyzerHandle> {
  const settings = settingsFromConfig(config);
  const logger = opts.logger ?? createLogger(config);
  const origin = `analyzer.${settings.hostID}`;
  const context: AnalyzerContext = {
    settings,
    logger,
    graph: new Graph({ host: settings.hostID, origin }),
    gremlin: new GremlinEngine(),
    auth: createAuth(settings),
    status: new StatusRegistry(),
    origin,
  };
  const server = await createServer(context);
  const address = await server.listen();
  logger.info({ address, tls: Boolean(settings.tls) }, 'analyzer listening');
  return { address, context, close: () => server.close() };
}
