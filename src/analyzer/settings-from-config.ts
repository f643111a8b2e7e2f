// SPDX-License-Identifier: Apache-2.0
// Resolves the analyzer's settings from the Skydive-style configuration: the listen address, the
// auth sections named by analyzer.auth.*.backend, TLS when certificate and key are set, and limits.
import { InvalidArgumentError } from '../graph/index.js';
import { getConfigValue, parseListen, type SkydiveConfig } from '../config/index.js';
import type { AnalyzerSettings, AuthBackendSettings, TlsSettings } from './settings.js';

/** The version every /api answer reports. */
export const VERSION = '0.1.0';

function authBackend(config: SkydiveConfig, name: string): AuthBackendSettings {
  const section = config.auth[name];
  if (!section)
    throw new InvalidArgumentError(
      'SKY_ERR_AUTH_CONFIG',
      `auth backend '${name}' is not defined under auth:`,
    );
  const type = section.type ?? (name === 'basic' ? 'basic' : 'noauth');
  if (type === 'keystone')
    throw new InvalidArgumentError(
      'SKY_ERR_AUTH_CONFIG',
      `auth backend '${name}': keystone is not supported`,
    );
  return {
    name,
    type,
    file: section.file,
    users: section.users,
    role: section.role ?? 'admin',
  };
}

function tls(config: SkydiveConfig): TlsSettings | undefined {
  const t = config.tls;
  if (!t.server_cert && !t.server_key) return undefined;
  if (!t.server_cert || !t.server_key)
    throw new InvalidArgumentError(
      'SKY_ERR_TLS_CONFIG',
      'tls: server_cert and server_key must be set together',
    );
  return {
    cert: t.server_cert,
    key: t.server_key,
    ca: t.ca_cert,
    requireClientCert: t.require_client_cert,
  };
}

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
    ws: {
      pingDelayMs: config.http.ws.ping_delay * 1000,
      pongTimeoutMs: config.http.ws.pong_timeout * 1000,
      queueSize: config.http.ws.queue_size,
      writeCompression: config.http.ws.enable_write_compression,
    },
    auth: {
      api: authBackend(config, a.auth.api.backend),
      cluster: authBackend(config, a.auth.cluster.backend),
    },
    rbacPolicy: config.rbac.policy,
    tls: tls(config),
    configValue: (key) => redactSecrets(key, getConfigValue(config, key)),
  };
}
