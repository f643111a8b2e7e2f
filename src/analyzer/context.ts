// SPDX-License-Identifier: Apache-2.0
// What every part of the analyzer receives from the composition root: the shared API context
// (settings, logger, hub graph, query engine, auth, connection registry) with analyzer settings.
import type { Registry } from 'prom-client';
import type { ApiContext } from '../api/context.js';
import type { AnalyzerHistory } from './history/service.js';
import type { AnalyzerSettings } from './settings.js';
import type { OpenedStores } from '../storage/open.js';
import type { Replication } from './replication/index.js';

export interface AnalyzerContext extends ApiContext {
  settings: AnalyzerSettings;
  /** The history store, its writer and retention (`history` is its provider). */
  historyService?: AnalyzerHistory | undefined;
  /** Prometheus registry served at `/metrics`; parts of the analyzer add their metrics to it. */
  metrics?: Registry | undefined;
  /** The configured stores (resources, flows behind their writer, history) and their health. */
  stores?: OpenedStores | undefined;
  /** Replication with the other analyzers (`analyzers`): /ws/replication and the Peers status. */
  replication?: Replication | undefined;
}
