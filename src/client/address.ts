// SPDX-License-Identifier: Apache-2.0
// Turns an analyzer address such as `127.0.0.1:8082`, `[::1]:8082`, `:8082` or `8082` into the
// base URLs of its HTTP and WebSocket endpoints (https/wss when TLS is in use).

import { ClientError } from './errors.js';

/** The default analyzer address of Skydive's CLI. */
export const DEFAULT_ANALYZER = '127.0.0.1:8082';

/** A parsed `host:port`; `host` keeps IPv6 brackets off. */
export interface AnalyzerAddress {
  host: string;
  port: number;
}

/**
 * Parses an analyzer address. A missing host means localhost, a bare number is a port.
 *
 * @example
 * parseAddress('[::1]:8082') // { host: '::1', port: 8082 }
 */
export function parseAddress(address: string): AnalyzerAddress {
  const a = address
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '');
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(a);
  if (v6) {
    host = v6[1] ?? '';
    portText = v6[2] ?? '';
  } else if (/^\d+$/.test(a)) {
    host = '';
    portText = a;
  } else {
    const i = a.lastIndexOf(':');
    if (i < 0 || a.indexOf(':') !== i) {
      throw new ClientError('SKY_ERR_CLIENT_USAGE', `invalid analyzer address '${address}'`);
    }
    host = a.slice(0, i);
    portText = a.slice(i + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new ClientError('SKY_ERR_CLIENT_USAGE', `invalid port in analyzer address '${address}'`);
  }
  return { host: host === '' ? 'localhost' : host, port };
}

/** `scheme://host:port` for an address; `scheme` is `http` or `ws`, upgraded to the TLS form. */
export function baseUrl(address: string, scheme: 'http' | 'ws', tls: boolean): string {
  const { host, port } = parseAddress(address);
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}${tls ? 's' : ''}://${h}:${port}`;
}
