// SPDX-License-Identifier: Apache-2.0
// Test helpers shared by the analyzer's tests: a complete AnalyzerContext with safe defaults (host
// `testhost`, noauth, silent or capturing logger) and a fastify app with the REST API registered.
import Fastify, { type FastifyInstance } from 'fastify';
import {
  buildTestContext,
  testApiSettings,
  type ContextOverrides,
} from '../../api/testing/context.js';
import type { AnalyzerContext } from '../context.js';
import { registerHttp, type HttpOptions, type HttpServices } from '../http/index.js';
import type { AnalyzerSettings } from '../settings.js';

export { TEST_HOST, captureLogger } from '../../api/testing/context.js';

/** Settings a test analyzer runs with; every field can be overridden. */
export function testSettings(overrides: Partial<AnalyzerSettings> = {}): AnalyzerSettings {
  const api = testApiSettings(overrides);
  const config: Record<string, unknown> = {
    host_id: api.hostID,
    'analyzer.listen': '127.0.0.1:0',
    'http.ws.ping_delay': 2,
  };
  return { ...api, configValue: (key) => config[key], ...overrides };
}

/** What a test may replace; `settings` is merged over testSettings(). */
export type TestContextOverrides = ContextOverrides & { settings?: Partial<AnalyzerSettings> };

/**
 * A fresh analyzer context: settings defaults, silent logger, an empty Graph for host `testhost`
 * (origin `analyzer.testhost`), a GremlinEngine, auth built from the settings (noauth by default).
 * @example
 * const ctx = testContext({ settings: { auth: { api: basic, cluster: noauth } } });
 */
export function testContext(overrides: TestContextOverrides = {}): AnalyzerContext {
  return buildTestContext(testSettings(overrides.settings), 'analyzer', overrides);
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
