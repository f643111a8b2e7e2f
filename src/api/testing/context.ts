// SPDX-License-Identifier: Apache-2.0
// Test helpers shared by every server's tests: API settings with safe defaults (host `testhost`,
// noauth), a capturing logger, a complete ApiContext, and a fastify app with the shared API only.
import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Graph } from '../../graph/index.js';
import { GremlinEngine } from '../../gremlin/index.js';
import { createAuth } from '../auth/index.js';
import type { ApiContext } from '../context.js';
import { registerApi, type ApiOptions } from '../http/index.js';
import type { ApiSettings } from '../settings.js';
import { StatusRegistry } from '../status.js';

/** Host ID of every test context. */
export const TEST_HOST = 'testhost';

/** API settings a test server runs with; every field can be overridden. */
export function testApiSettings(overrides: Partial<ApiSettings> = {}): ApiSettings {
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

/** What a test may replace besides the settings. */
export type ContextOverrides = Partial<Omit<ApiContext, 'settings'>>;

/**
 * A fresh context on `settings`: silent logger, an empty Graph for the settings' host (origin
 * `<service>.<host>`), a GremlinEngine, auth built from the settings (noauth by default).
 * @example
 * const ctx = buildTestContext(testApiSettings(), 'agent');
 */
export function buildTestContext<S extends ApiSettings>(
  settings: S,
  service: string,
  overrides: ContextOverrides = {},
): ApiContext & { settings: S } {
  const origin = overrides.origin ?? `${service}.${settings.hostID}`;
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

/** A fresh context with testApiSettings(overrides.settings) for a service named `test`. */
export function testApiContext(
  overrides: ContextOverrides & { settings?: Partial<ApiSettings> } = {},
): ApiContext {
  return buildTestContext(testApiSettings(overrides.settings), 'test', overrides);
}

/** A fastify app (not listening) with only the shared API; `/api/status` answers `{}`. */
export async function testApiApp(
  ctx: ApiContext,
  opts: Partial<ApiOptions> = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.settings.maxBodySize,
  }) as unknown as FastifyInstance;
  await registerApi(app, ctx, {
    service: 'test',
    title: 'test API',
    description: 'the shared API alone',
    statusSchema: Type.Object({}, { additionalProperties: true }),
    statusSummary: 'test status',
    status: () => ({}),
    ...opts,
  });
  await app.ready();
  return app;
}
