// SPDX-License-Identifier: Apache-2.0
// What the shared API pieces receive from a composition root (analyzer or agent): settings, logger,
// the graph they serve, the query engine, auth and the connection registry. No module globals.
import type { Logger } from 'pino';
import type { Graph } from '../graph/index.js';
import type { GremlinEngine, HistoryProvider } from '../gremlin/index.js';
import type { AuthSet } from './auth/types.js';
import type { ApiSettings } from './settings.js';
import type { StatusRegistry } from './status.js';

export interface ApiContext {
  settings: ApiSettings;
  logger: Logger;
  /** The graph the API serves: the analyzer's hub graph, or an agent's local graph. */
  graph: Graph;
  /** The Gremlin engine with every extension registered. */
  gremlin: GremlinEngine;
  /**
   * The graph at a past time (the analyzer's history store), behind the engine's At()/Context()
   * and a subscriber's SyncRequest with Time; undefined where there is no history (agents).
   */
  history?: HistoryProvider | undefined;
  auth: AuthSet;
  status: StatusRegistry;
  /** Origin of elements the service itself creates: `analyzer.<host_id>` or `agent.<host_id>`. */
  origin: string;
}
