// SPDX-License-Identifier: Apache-2.0
// Test helpers shared by the analyzer's tests: a complete AnalyzerContext with safe defaults (host
// `testhost`, noauth, silent or capturing logger) and a fastify app with the REST API registered.
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Graph } from '../../graph/index.js';
import { GremlinEngine } from '../../gremlin/index.js';
import { createAuth } from '../auth/index.js';
import type { AnalyzerContext } from '../context.js';
import { registerHttp, type HttpOptions, type HttpServices } from '../http/index.js';
import type { AnalyzerSettings } from '../settings.js';
import { StatusRegistry } from '../status.js';

/** Host ID of every test context. */
export const TEST_HOST = 'testhost';

/** Settings a test analyzer runs with; every field can be overridden. */
export function testSettings(overrides: Partial<AnalyzerSettings> = {}): AnalyzerSettings {
  const config: Record<string, unknown> = {
    host_id: TEST_HOST,
    'analyzer.listen': '127.0.0.1:0',
    'http.ws.ping_delay': 2,
  };
  return {
    hostID: TEST_HOST,
    version: '0.0.0-test',
    listen: { host: '127.0.0.1', port: 0 },
    maxBodySize: 1024 * 1024,
    query: { timeoutMs: 10_000, maxResults: 100_000 },
    ws: { pingDelayMs: 2000, pongTimeoutMs: 7000, queueSize: 10_000, writeCompression: false },
    auth: {
      api: { name: 'noauth', type: 'noauth', role: 'admin' },
      cluster: { name: 'noauth', type: 'noauth', role: 'admin' },
    },
    rbacPolicy: [],
    configValue: (key) => config[key],
    ...overrides,
  };
}

/** A logger whose JSON lines land in `lines` (for asserting what was logged and at which level). */
export function captureLogger(level: pino.LevelWithSilent = 'debug'): {
  logger: Logger;
  lines: Array<Record<string, unknown> & { level: number; msg: string }>;
} {
  const lines: Array<Record<string, unknown> & { level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

/** What a test may replace; `settings` is merged over testSettings(). */
export type TestContextOverrides = Partial<Omit<AnalyzerContext, 'settings'>> & {
  settings?: Partial<AnalyzerSettings>;
};

/**
 * A fresh analyzer context: settings defaults, silent logger, an empty Graph for host `testhost`
 * (origin `analyzer.testhost`), a GremlinEngine, auth built from the settings (noauth by default).
 * @example
 * const ctx = testContext({ settings: { auth: { api: basic, cluster: noauth } } });
 */
export function testContext(overrides: TestContextOverrides = {}): AnalyzerContext {
  const settings = testSettings(overrides.settings);
  const origin = overrides.origin ?? `analyzer.${settings.hostID}`;
  return {
    settings,
    logger: overrides.logger ?? pino({ level: 'silent' }),
    graph: overrides.graph ?? new Graph({ host: settings.hostID, origin }),
    gremlin: overrides.gremlin ?? new GremlinEngine(),
    auth: overrides.auth ?? createAuth(settings),
    status: overrides.status ?? new StatusRegistry(),
    origin,
  };
}

/** A fastify app (not listening) with registerHttp applied, and its services. */
export async function testApp(
  ctx: AnalyzerContext,
  opts: HttpOptions = {},
): Promise<FastifyInstance & { services: HttpServices }> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.settings.maxBodySize,
  }) as unknown as FastifyInstance;
  const services = await registerHttp(app, ctx, { rulesDebounceMs: 1, ...opts });
  await app.ready();
  return Object.assign(app, { services });
}
