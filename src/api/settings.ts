// SPDX-License-Identifier: Apache-2.0
// The settings every server of ours (analyzer, agent) runs its API on, and their resolution from
// the Skydive-style configuration: auth sections named by *.auth.*.backend, TLS, WS tuning.
import { readFileSync } from 'node:fs';
import type { SkydiveConfig } from '../config/index.js';
import { InvalidArgumentError } from '../graph/errors.js';

/** The version every /api answer reports (analyzer and agent alike). */
export const VERSION = '0.1.0';

/** One `auth.<name>` section, resolved. */
export interface AuthBackendSettings {
  /** The section name (`analyzer.auth.api.backend` value). */
  name: string;
  type: 'noauth' | 'basic';
  /** htpasswd file (bcrypt, SHA1 `{SHA}`, or plain lines) for `basic`. */
  file?: string | undefined;
  /** Inline users for `basic`: user → password (plain or bcrypt hash `$2…`). */
  users?: Readonly<Record<string, string>> | undefined;
  /** Role given to users of this backend that have no binding (default `admin`). */
  role: string;
}

export interface TlsSettings {
  cert: string;
  key: string;
  ca?: string | undefined;
  requireClientCert: boolean;
}

/** WebSocket tuning (`http.ws.*`), in ms and messages. */
export interface WsSettings {
  pingDelayMs: number;
  pongTimeoutMs: number;
  queueSize: number;
  writeCompression: boolean;
}

/** What the shared REST and WebSocket surface needs to run. */
export interface ApiSettings {
  hostID: string;
  version: string;
  listen: { host: string; port: number };
  /** Largest accepted request body or WS message, in bytes. */
  maxBodySize: number;
  query: { timeoutMs: number; maxResults: number };
  ws: WsSettings;
  /** `api` authenticates REST and /ws/subscriber…; `cluster` the peers of /ws/agent/… */
  auth: { api: AuthBackendSettings; cluster: AuthBackendSettings };
  /** Extra casbin-style policy lines (`rbac.policy`), e.g. `p, myrole, capture, read, allow`. */
  rbacPolicy: readonly string[];
  tls?: TlsSettings | undefined;
}

/**
 * The `auth.<name>` section named `name`, resolved.
 * @throws InvalidArgumentError SKY_ERR_AUTH_CONFIG when it is missing or of an unsupported type.
 */
export function authBackendSettings(config: SkydiveConfig, name: string): AuthBackendSettings {
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

/**
 * TLS of the server, when `tls.server_cert` and `tls.server_key` are set.
 * @throws InvalidArgumentError SKY_ERR_TLS_CONFIG when only one of them is.
 */
export function tlsSettings(config: SkydiveConfig): TlsSettings | undefined {
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

/** PEM material for a connection to an analyzer (the shape of the client's TlsOptions). */
export interface ClientTlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function pem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InvalidArgumentError(
      'SKY_ERR_TLS_CONFIG',
      `tls: cannot read the ${what} ${file}: ${(err as Error).message}`,
    );
  }
}

/**
 * TLS toward analyzers (an agent's uplink, an analyzer's replication dials): on when a client
 * certificate and key are set (Skydive's rule), or when a CA or a server certificate is (a cluster
 * whose analyzers serve HTTPS).
 * @throws InvalidArgumentError SKY_ERR_TLS_CONFIG when a configured PEM file cannot be read.
 */
export function clusterClientTls(config: SkydiveConfig): ClientTlsSettings | undefined {
  const t = config.tls;
  const withCert = Boolean(t.client_cert && t.client_key);
  if (!t.ca_cert && !withCert && !t.server_cert) return undefined;
  return {
    ...(t.ca_cert ? { ca: pem(t.ca_cert, 'CA certificate') } : {}),
    ...(withCert
      ? { cert: pem(t.client_cert!, 'client certificate'), key: pem(t.client_key!, 'client key') }
      : {}),
  };
}

/** `http.ws.*` in ms. */
export function wsSettings(config: SkydiveConfig): WsSettings {
  return {
    pingDelayMs: config.http.ws.ping_delay * 1000,
    pongTimeoutMs: config.http.ws.pong_timeout * 1000,
    queueSize: config.http.ws.queue_size,
    writeCompression: config.http.ws.enable_write_compression,
  };
}
