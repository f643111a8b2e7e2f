// SPDX-License-Identifier: Apache-2.0
// What every part of the analyzer receives from the composition root: settings, logger, the hub
// graph, the query engine, auth and the connection registry. Nothing here is a module global.
import type { Logger } from 'pino';
import type { Graph } from '../graph/index.js';
import type { GremlinEngine } from '../gremlin/index.js';
import type { AuthBackend, Rbac } from './auth/types.js';
import type { AnalyzerSettings } from './settings.js';
import type { StatusRegistry } from './status.js';

export interface AnalyzerContext {
  settings: AnalyzerSettings;
  logger: Logger;
  /** The hub graph, merged from agents, publishers and the API. */
  graph: Graph;
  /** The Gremlin engine with every extension registered. */
  gremlin: GremlinEngine;
  auth: { api: AuthBackend; cluster: AuthBackend; rbac: Rbac };
  status: StatusRegistry;
  /** Origin of elements the analyzer itself creates: `analyzer.<host_id>`. */
  origin: string;
}
