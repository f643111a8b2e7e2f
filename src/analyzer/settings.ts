// SPDX-License-Identifier: Apache-2.0
// The slice of configuration the analyzer runs on, already validated and resolved by main.ts from
// the Skydive-style config (host_id, analyzer.listen, auth.*, http.ws.*, tls.*…).

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

export interface AnalyzerSettings {
  hostID: string;
  version: string;
  listen: { host: string; port: number };
  /** Largest accepted request body or WS message, in bytes. */
  maxBodySize: number;
  query: { timeoutMs: number; maxResults: number };
  ws: { pingDelayMs: number; pongTimeoutMs: number; queueSize: number; writeCompression: boolean };
  auth: { api: AuthBackendSettings; cluster: AuthBackendSettings };
  /** Extra casbin-style policy lines (`rbac.policy`), e.g. `p, myrole, capture, read, allow`. */
  rbacPolicy: readonly string[];
  tls?: TlsSettings | undefined;
  /** Every config key, for GET /api/config/{key}. */
  configValue(key: string): unknown;
}
