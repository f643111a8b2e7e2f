// SPDX-License-Identifier: Apache-2.0
// Analyzers that replicate with each other for integration tests: each gets a port chosen before
// any starts (every one lists all of them in `analyzers`, itself included, as deployments do),
// fast redials, and a restart on the same port and host ID.
import { createServer } from 'node:net';
import { startAnalyzer, type AnalyzerHandle } from '../../src/analyzer/main.js';
import type { Replication, ReplicationTuning } from '../../src/analyzer/replication/index.js';
import { SkydiveClient, type SkydiveClientOptions } from '../../src/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import { captureLogger, tempDir, type LogCapture, type Teardown } from './helpers.js';

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** One analyzer of a replicating set. */
export interface PeerAnalyzer {
  hostID: string;
  address: string;
  handle: AnalyzerHandle;
  replication: Replication;
  logs: LogCapture;
  client(): SkydiveClient;
  /** Stops it (its peers see the link go). */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same host ID and configuration. */
  restart(): Promise<void>;
}

/**
 * Starts one analyzer per host ID, each listing every address (itself included) in `analyzers`.
 * Everything is stopped at teardown.
 */
export async function startMesh(
  t: Teardown,
  hostIDs: string[],
  opts: {
    analyzers?: (all: string[], self: string) => string[];
    /** More dotted config keys per analyzer (TLS, auth…). */
    overrides?: (hostID: string) => Record<string, unknown>;
    /** Options of the REST clients (TLS). */
    client?: SkydiveClientOptions;
    /** Replication tuning beyond the fast redials. */
    tuning?: Partial<ReplicationTuning>;
  } = {},
): Promise<PeerAnalyzer[]> {
  const ports = await Promise.all(hostIDs.map(() => freePort()));
  const addresses = ports.map((p) => `127.0.0.1:${p}`);
  const out: PeerAnalyzer[] = [];
  for (const [i, hostID] of hostIDs.entries()) {
    const address = addresses[i]!;
    const dir = tempDir(t, `sktest-repl-${hostID}-`);
    const config = loadConfig({
      overrides: {
        'analyzer.listen': address,
        host_id: hostID,
        'storage.sqlite.data_dir': dir,
        analyzers: opts.analyzers ? opts.analyzers(addresses, address) : addresses,
        ...opts.overrides?.(hostID),
      },
      env: {},
      hostname: 'it-host',
    });
    const logs = captureLogger();
    const start = () =>
      startAnalyzer(config, {
        logger: logs.logger,
        replication: { minDelayMs: 20, maxDelayMs: 300, ...opts.tuning },
      });
    let handle = await start();
    let running = true;
    const peer: PeerAnalyzer = {
      hostID,
      address,
      handle,
      logs,
      get replication() {
        return handle.context.replication!;
      },
      client: () => new SkydiveClient({ analyzer: address, ...opts.client }),
      async stop() {
        if (!running) return;
        running = false;
        await handle.close();
      },
      async restart() {
        await peer.stop();
        handle = await start();
        peer.handle = handle;
        running = true;
      },
    };
    t.after(() => peer.stop());
    out.push(peer);
  }
  return out;
}
