// SPDX-License-Identifier: Apache-2.0
// A private PostgreSQL 15 server for tests: initdb into a temporary directory owned by the postgres
// user, listening on a Unix socket only (no port to collide on), one fresh database per caller.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

/** Connection settings of one database on the test server (pg.Pool/Client options). */
export interface PgConnection {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** A running test server. */
export interface PgServer {
  /** The socket directory (pg's `host`). */
  readonly host: string;
  readonly port: number;
  /** Creates an empty database with a unique name and returns how to reach it. */
  createDatabase(prefix?: string): Promise<PgConnection>;
  /** Stops the server without removing its data (a later start() brings it back). */
  stop(): void;
  /** Starts it again after stop(). */
  start(): void;
  /** Stops the server and removes its directory. */
  destroy(): void;
}

let shared: PgServer | undefined;
let counter = 0;

/** True when PostgreSQL 15's binaries are installed (scripts/setup --test installs them). */
export function postgresAvailable(): boolean {
  return existsSync(join(BIN, 'initdb'));
}

function asPostgres(cmd: string, args: string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
}

/**
 * Starts a server for this process (once; later calls return the same one). It is stopped and
 * removed when the process exits.
 */
export function startPostgres(): PgServer {
  if (shared) return shared;
  const dir = mkdtempSync(join(tmpdir(), 'sktest-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const port = 5432; // only names the socket file inside `dir`; nothing listens on TCP
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off -c max_connections=200`;
  let running = false;
  const start = (): void => {
    asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
    running = true;
  };
  const stop = (): void => {
    if (!running) return;
    running = false;
    spawnSync(
      'runuser',
      ['-u', 'postgres', '--', join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'],
      {
        stdio: 'ignore',
      },
    );
  };
  start();
  const destroy = (): void => {
    stop();
    rmSync(dir, { recursive: true, force: true });
    if (shared === server) shared = undefined;
  };
  const server: PgServer = {
    host: dir,
    port,
    async createDatabase(prefix = 'sktest') {
      const name = `${prefix}_${process.pid}_${++counter}`
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_');
      const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return { host: dir, port, user: 'postgres', database: name };
    },
    stop,
    start,
    destroy,
  };
  process.once('exit', destroy);
  shared = server;
  return server;
}
