// SPDX-License-Identifier: Apache-2.0
// The client globals of `skydive client` (--analyzer, --username, --password, --cacert, --cert,
// --key, --insecure, with SKYDIVE_* defaults) turned into REST and WebSocket client options. As in
// Skydive, the configuration (-c) supplies tls.* when the flags do not, and the http.cookie map.

import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import {
  DEFAULT_ANALYZER,
  SkydiveClient,
  type TlsOptions,
  type WsClientOptions,
} from '../client/index.js';
import type { CliIO } from './io.js';
import { UsageError } from './errors.js';

/** Skydive reads this file when no -c is given and it exists. */
export const DEFAULT_CONFIG_FILE = '/etc/skydive/skydive.yml';

/** The configuration files of a run: the -c flags, else the default file when it exists. */
export function configFiles(conf: readonly string[]): string[] {
  if (conf.length > 0) return [...conf];
  return existsSync(DEFAULT_CONFIG_FILE) ? [DEFAULT_CONFIG_FILE] : [];
}

/** Parsed client globals. */
export interface ClientGlobals {
  analyzer?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  cacert?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  insecure?: boolean | undefined;
}

/** What every client command uses: the IO, and clients built from the globals. */
export interface CliContext {
  io: CliIO;
  /** The REST client (built once per run). */
  client(): SkydiveClient;
  /** Options for a WsClient to the same analyzer with the same credentials. */
  wsOptions(): WsClientOptions;
}

/** Adds the client globals to `cmd`, defaults taken from the environment. */
export function addClientGlobals(cmd: Command, env: CliIO['env']): Command {
  return cmd
    .option('--analyzer <host:port>', 'analyzer address', env.SKYDIVE_ANALYZER || DEFAULT_ANALYZER)
    .option('--username <name>', 'username auth parameter', env.SKYDIVE_USERNAME || undefined)
    .option('--password <password>', 'password auth parameter', env.SKYDIVE_PASSWORD || undefined)
    .option('--cacert <file>', 'certificate file to verify the peer')
    .option('--cert <file>', 'client certificate file')
    .option('--key <file>', 'private key file name')
    .option('--insecure', "do not check server's certificate");
}

function readPem(file: string | undefined, what: string): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** TLS options when any TLS flag is given (then the client speaks https/wss). */
export function tlsOptions(g: ClientGlobals): TlsOptions | undefined {
  if (!g.cacert && !g.cert && !g.key && !g.insecure) return undefined;
  if (Boolean(g.cert) !== Boolean(g.key)) throw new UsageError('--cert and --key go together');
  return {
    ca: readPem(g.cacert, 'CA certificate'),
    cert: readPem(g.cert, 'certificate'),
    key: readPem(g.key, 'key'),
    insecure: Boolean(g.insecure),
  };
}

/** Client globals completed from the configuration, plus the cookies it asks clients to send. */
function resolveGlobals(
  io: CliIO,
  root: Command,
  clientCmd: Command,
): ClientGlobals & { cookies: Record<string, string> } {
  const g = clientCmd.opts<ClientGlobals>();
  const conf = root.opts<{ conf?: string[] }>().conf ?? [];
  const config = loadConfig({ files: configFiles(conf), env: io.env, hostname: io.hostname });
  const pick = (flag: string | undefined, key: string | undefined) => flag ?? key;
  return {
    ...g,
    cacert: pick(g.cacert, config.tls.ca_cert),
    cert: pick(g.cert, config.tls.client_cert),
    key: pick(g.key, config.tls.client_key),
    cookies: { ...config.http.cookie },
  };
}

/**
 * A context reading the globals of `clientCmd` (and the configuration named by `root`'s -c) when a
 * command first needs a client.
 */
export function createContext(io: CliIO, root: Command, clientCmd: Command): CliContext {
  let client: SkydiveClient | undefined;
  type Resolved = ClientGlobals & { cookies: Record<string, string>; tls: TlsOptions | undefined };
  let resolved: Resolved | undefined;
  const globals = (): Resolved => {
    if (!resolved) {
      const g = resolveGlobals(io, root, clientCmd);
      resolved = { ...g, tls: tlsOptions(g) };
    }
    return resolved;
  };
  const common = () => {
    const g = globals();
    return {
      analyzer: g.analyzer,
      username: g.username,
      password: g.password,
      cookies: g.cookies,
      tls: g.tls,
    };
  };
  return {
    io,
    client() {
      client ??= new SkydiveClient(common());
      return client;
    },
    wsOptions() {
      return { ...common(), hostId: io.hostname };
    },
  };
}
