// SPDX-License-Identifier: Apache-2.0
// The client globals of `skydive client` (--analyzer, --username, --password, --cacert, --cert,
// --key, --insecure, with SKYDIVE_* defaults) turned into REST and WebSocket client options.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  DEFAULT_ANALYZER,
  SkydiveClient,
  type TlsOptions,
  type WsClientOptions,
} from '../client/index.js';
import type { CliIO } from './io.js';
import { UsageError } from './errors.js';

/** Parsed client globals. */
export interface ClientGlobals {
  analyzer?: string;
  username?: string;
  password?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
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

/** A context reading the globals of `clientCmd` when a command first needs a client. */
export function createContext(io: CliIO, clientCmd: Command): CliContext {
  let client: SkydiveClient | undefined;
  let tls: TlsOptions | undefined;
  let tlsRead = false;
  const globals = () => clientCmd.opts<ClientGlobals>();
  const getTls = () => {
    if (!tlsRead) {
      tls = tlsOptions(globals());
      tlsRead = true;
    }
    return tls;
  };
  return {
    io,
    client() {
      const g = globals();
      client ??= new SkydiveClient({
        analyzer: g.analyzer,
        username: g.username,
        password: g.password,
        tls: getTls(),
      });
      return client;
    },
    wsOptions() {
      const g = globals();
      return {
        analyzer: g.analyzer,
        username: g.username,
        password: g.password,
        tls: getTls(),
        hostId: io.hostname,
      };
    },
  };
}
