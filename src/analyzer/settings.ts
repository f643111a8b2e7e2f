// SPDX-License-Identifier: Apache-2.0
// The slice of configuration the analyzer runs on, already validated and resolved by main.ts from
// the Skydive-style config: the shared API settings (src/api) plus what only the analyzer serves.
import type { ApiSettings } from '../api/settings.js';

export type { AuthBackendSettings, TlsSettings, WsSettings } from '../api/settings.js';

export interface AnalyzerSettings extends ApiSettings {
  /** Every config key, for GET /api/config/{key}. */
  configValue(key: string): unknown;
}
