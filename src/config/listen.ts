// SPDX-License-Identifier: Apache-2.0
// Listen addresses as Skydive reads them (graffiti/service AddressFromString): "host:port",
// "[v6]:port", ":port" and a bare port both meaning localhost.

import { ConfigError } from './errors.js';

/** A host and a port. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `analyzer.listen`-style addresses. No name resolution is done.
 * @example parseListen(':8082') // { host: 'localhost', port: 8082 }
 * @throws ConfigError on a malformed address or a port outside 0–65535.
 */
export function parseListen(value: string | number): ListenAddress {
  let s = String(value).trim();
  if (!/[.:]/.test(s)) s = `localhost:${s}`;
  else if (s.startsWith(':')) s = `localhost${s}`;
  let host: string;
  let port: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') throw bad(value, 'missing port after IPv6 address');
    host = s.slice(1, close);
    port = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon < 0) throw bad(value, 'missing port');
    host = s.slice(0, colon);
    port = s.slice(colon + 1);
    if (host.includes(':'))
      throw bad(value, 'too many colons (write IPv6 addresses as [addr]:port)');
  }
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw bad(value, `invalid port "${port}"`);
  return { host, port: Number(port) };
}

function bad(value: string | number, why: string): ConfigError {
  return new ConfigError(`invalid listen address ${JSON.stringify(String(value))}: ${why}`);
}
