// SPDX-License-Identifier: Apache-2.0
// What every part of the analyzer receives from the composition root: the shared API context
// (settings, logger, hub graph, query engine, auth, connection registry) with analyzer settings.
import type { ApiContext } from '../api/context.js';
import type { AnalyzerSettings } from './settings.js';

export interface AnalyzerContext extends ApiContext {
  settings: AnalyzerSettings;
}
