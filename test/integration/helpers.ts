// SPDX-License-Identifier: Apache-2.0
// Starts a real analyzer on 127.0.0.1:0 for integration tests: noauth by default, basic auth from
// an htpasswd file (bcrypt) or TLS from a certificate made by openssl, logs captured in memory.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after } from 'node:test';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import pino, { type Logger } from 'pino';
import { startAnalyzer } from '../../src/analyzer/main.js';
import type { AnalyzerContext } from '../../src/analyzer/context.js';
import {
  SkydiveClient,
  type SkydiveClientOptions,
  type TlsOptions,
  type WsClientOptions,
} from '../../src/client/index.js';
import { loadConfig } from '../../src/config/index.js';

const run = promisify(execFile);

/** Something a test registers for teardown: node:test's TestContext, or `{ after }` of a suite. */
export interface Teardown {
  after(fn: () => unknown): void;
}

/** Log lines an analyzer wrote, parsed. */
export interface LogCapture {
  logger: Logger;
  lines(): Record<string, unknown>[];
  /** Lines whose `msg` equals `msg` (and whose fields include `fields`, compared loosely). */
  find(msg: string, fields?: Record<string, unknown>): Record<string, unknown>[];
}

/** A pino logger at debug level that keeps every line in memory. */
export function captureLogger(): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return {
    logger,
    lines: () => [...lines],
    find: (msg, fields = {}) =>
      lines.filter((l) => l['msg'] === msg && Object.entries(fields).every(([k, v]) => l[k] === v)),
  };
}

/** A private temporary directory, removed at teardown. */
export function tempDir(t: Teardown, prefix = 'skydive-it-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes an htpasswd file with bcrypt hashes (cost 8: real bcrypt, quick enough for tests). */
export function writeHtpasswd(dir: string, users: Record<string, string>): string {
  const file = path.join(dir, 'htpasswd');
  const lines = Object.entries(users).map(([u, p]) => `${u}:${bcrypt.hashSync(p, 8)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A self-signed certificate (its own CA) for 127.0.0.1 and localhost. */
export interface Certificate {
  cert: string;
  key: string;
  /** The file to trust: the certificate itself. */
  ca: string;
}

/** Makes a self-signed certificate with `openssl req -x509` in `dir`. */
export async function makeCertificate(dir: string): Promise<Certificate> {
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=skydive-it',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key, ca: cert };
}

/** Options of startTestAnalyzer. */
export interface TestAnalyzerOptions {
  /** Dotted config keys (loadConfig overrides), applied last. */
  overrides?: Record<string, unknown>;
  /**
   * Basic auth for the API listener: user → password, written to an htpasswd file. `guests` are
   * bound to role guest by `rbac.policy`; everyone else gets the default role admin.
   */
  basicAuth?: { users: Record<string, string>; guests?: string[] };
  /** Serve https/wss with a fresh self-signed certificate. */
  tls?: boolean;
  /** Keep logs (default) or drop them. */
  logs?: 'capture' | 'silent';
  /** host_id (default `it-analyzer`). */
  hostId?: string;
}

/** A running analyzer and what tests need to talk to it. */
export interface TestAnalyzer {
  /** `host:port` it listens on. */
  address: string;
  context: AnalyzerContext;
  logs: LogCapture;
  /** Its temporary directory (htpasswd, certificate). */
  dir: string;
  /** The certificate when started with `tls`. */
  certificate: Certificate | undefined;
  /** TLS options a client needs (the CA), when started with `tls`. */
  tls: TlsOptions | undefined;
  /** A REST client of this analyzer (TLS set up); credentials in `opts`. */
  client(opts?: SkydiveClientOptions): SkydiveClient;
  /** Options of a WsClient (or subscribe()) to this analyzer, TLS set up, `opts` added. */
  ws<O extends WsClientOptions>(opts?: O): O & WsClientOptions;
  /** Stops it (idempotent); registered for teardown already. */
  close(): Promise<void>;
}

/**
 * Starts an analyzer on 127.0.0.1:0 and registers its close with `t` before returning.
 * @example
 * const an = await startTestAnalyzer(t, { basicAuth: { users: { admin: 'pw' } } });
 * await an.client({ username: 'admin', password: 'pw' }).status();
 */
export async function startTestAnalyzer(
  t: Teardown,
  opts: TestAnalyzerOptions = {},
): Promise<TestAnalyzer> {
  const dir = tempDir(t, 'skydive-analyzer-');
  const overrides: Record<string, unknown> = {
    'analyzer.listen': '127.0.0.1:0',
    host_id: opts.hostId ?? 'it-analyzer',
    // the embedded SQLite stores (the default backend) live in this test's directory
    'storage.sqlite.data_dir': dir,
  };
  if (opts.basicAuth) {
    overrides['auth.it-basic'] = { type: 'basic', file: writeHtpasswd(dir, opts.basicAuth.users) };
    overrides['analyzer.auth.api.backend'] = 'it-basic';
    overrides['rbac.policy'] = (opts.basicAuth.guests ?? []).map((u) => `g, ${u}, guest`);
  }
  let certificate: Certificate | undefined;
  if (opts.tls) {
    certificate = await makeCertificate(dir);
    overrides['tls.server_cert'] = certificate.cert;
    overrides['tls.server_key'] = certificate.key;
    overrides['tls.ca_cert'] = certificate.ca;
  }
  Object.assign(overrides, opts.overrides);
  const config = loadConfig({ overrides, env: {}, hostname: 'it-host' });
  const logs = opts.logs === 'silent' ? silentCapture() : captureLogger();
  const handle = await startAnalyzer(config, { logger: logs.logger });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= handle.close());
  t.after(close);
  const tls: TlsOptions | undefined = certificate
    ? { ca: readFileSync(certificate.ca) }
    : undefined;
  return {
    address: handle.address,
    context: handle.context,
    logs,
    dir,
    certificate,
    tls,
    client: (o = {}) => new SkydiveClient({ analyzer: handle.address, tls, ...o }),
    ws: <O extends WsClientOptions>(o?: O) => ({ analyzer: handle.address, tls, ...o }) as O,
    close,
  };
}

function silentCapture(): LogCapture {
  return { logger: pino({ level: 'silent' }), lines: () => [], find: () => [] };
}

/**
 * Retries `check` until it stops throwing, then returns its value; after `timeoutMs` (default
 * 10 s) rethrows its last error. For state that settles asynchronously (rules, filtered feeds,
 * cleanup on disconnect): the assertion is about the state, never about how long it took.
 * Give `assert.ok` a message inside `check`: without one, node:assert re-reads and parses the
 * test's source on every failed try, which can starve the in-process servers for seconds.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Registers `close` of each WS client or subscription with `t`; returns the first. */
export function closeLater<C extends { close(): Promise<unknown> }>(t: Teardown, ...c: C[]): C {
  for (const x of c) t.after(() => x.close());
  return c[0] as C;
}

/**
 * A Teardown for a whole test file or suite: call it at module (or describe) level; what is
 * registered runs in reverse order in that level's `after` hook.
 */
export function suiteTeardown(): Teardown {
  const fns: (() => unknown)[] = [];
  after(async () => {
    for (const fn of fns.reverse()) await fn();
  });
  return { after: (fn) => void fns.push(fn) };
}

/**
 * Options of a test that waits for messages: a generous limit so that a message that never comes
 * fails the test instead of hanging the run (not a speed requirement).
 */
export const WAITS = { timeout: 30_000 } as const;
