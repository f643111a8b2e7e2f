// SPDX-License-Identifier: Apache-2.0
// Resolves the analyzer's settings from the Skydive-style configuration: the listen address, the
// auth sections named by analyzer.auth.*.backend, TLS when certificate and key are set, and limits.
import { getConfigValue, parseListen, type SkydiveConfig } from '../config/index.js';
import { VERSION, authBackendSettings, tlsSettings, wsSettings } from '../api/settings.js';
import type { AnalyzerSettings } from './settings.js';

export { VERSION } from '../api/settings.js';

/** Key segments whose values are secrets: never served by GET /api/config/{key}. */
const SECRET = /password|secret|token|^users$/i;

/** The value with every secret replaced by `<redacted>` (Skydive served them in clear). */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key.split('.').some((seg) => SECRET.test(seg)))
    return value === undefined ? value : '<redacted>';
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets('', v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET.test(k) ? '<redacted>' : redactSecrets('', v);
  return out;
}

/** Settings of an analyzer built from a loaded configuration. */
export function settingsFromConfig(config: SkydiveConfig): AnalyzerSettings {
  const a = config.analyzer;
  return {
    hostID: config.host_id,
    version: VERSION,
    listen: parseListen(a.listen),
    maxBodySize: a.max_body_size,
    query: { timeoutMs: a.query.timeout * 1000, maxResults: a.query.max_results },
    ws: wsSettings(config),
    auth: {
      api: authBackendSettings(config, a.auth.api.backend),
      cluster: authBackendSettings(config, a.auth.cluster.backend),
    },
    rbacPolicy: config.rbac.policy,
    tls: tlsSettings(config),
    configValue: (key) => redactSecrets(key, getConfigValue(config, key)),
  };
}
