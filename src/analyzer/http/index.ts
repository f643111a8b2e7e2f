// SPDX-License-Identifier: Apache-2.0
// The analyzer's REST API: error handling, gzip, CORS, body parsers, OpenAPI, authentication and
// every /api route, plus the rule engine that node and edge rules drive.
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { InvalidArgumentError, type Node } from '../../graph/index.js';
import { MemoryResourceStore } from '../../storage/memory/resource-store.js';
import type { ResourceStore } from '../../storage/resource-store.js';
import type { AnalyzerContext } from '../context.js';
import { RuleEngine } from '../rules/engine.js';
import type { RuleQueries } from '../rules/types.js';
import { installAuthHook } from './auth-hook.js';
import { installErrorHandlers } from './errors.js';
import { installParsers } from './parsers.js';
import { elementChecks, elementRoutes } from './routes/elements.js';
import { infoRoutes } from './routes/info.js';
import { loginRoutes } from './routes/login.js';
import { ruleChecks, ruleRoutes } from './routes/rules.js';
import { topologyRoutes } from './routes/topology.js';
import { validatorCompiler } from './validation.js';
import './types.js';

export { STATUS_BY_KIND, HttpErrorCode, mapError, errorBody, type ErrorBody } from './errors.js';
export { applyPatch } from './json-patch.js';

/** Options of registerHttp; everything has a default. */
export interface HttpOptions {
  /** Where rules (and later captures, alerts…) live; default an in-memory store owned by the app. */
  resources?: ResourceStore;
  /** Debounce of rule re-evaluation after graph changes (default 100 ms). */
  rulesDebounceMs?: number;
}

/** What registerHttp started, for the composition root and tests. */
export interface HttpServices {
  resources: ResourceStore;
  rules: RuleEngine;
}

/** Rules read the live graph through the context's Gremlin engine, under the query limits. */
function ruleQueries(ctx: AnalyzerContext): RuleQueries {
  return {
    check: (q) => void ctx.gremlin.parse(q),
    nodes: async (q): Promise<readonly Node[]> => {
      const r = await ctx.gremlin.execute(q, ctx.graph, { limits: ctx.settings.query });
      if (r.kind !== 'nodes')
        throw new InvalidArgumentError(
          'SKY_ERR_INVALID_RULE',
          `query '${q}' returns ${r.kind}, not nodes`,
        );
      return r.nodes;
    },
  };
}

/**
 * Registers the REST API on the root instance. The error and not-found handlers, gzip, CORS and
 * the body parsers apply to the whole app (WS routes included); the auth hook only to the routes
 * registered here. Stops the rule engine (and closes a store it created) when the app closes.
 * @example
 * const app = Fastify({ bodyLimit: ctx.settings.maxBodySize });
 * await registerHttp(app, ctx);
 */
export async function registerHttp(
  app: FastifyInstance,
  ctx: AnalyzerContext,
  opts: HttpOptions = {},
): Promise<HttpServices> {
  installErrorHandlers(app);
  installParsers(app);
  await app.register(formbody);
  await app.register(compress, { global: true, encodings: ['gzip', 'deflate'] });
  await app.register(cors, {
    origin: '*',
    // Skydive's list (§3.7) plus PATCH, which our API serves.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['X-Requested-With', 'Content-Type', 'Authorization', 'X-Auth-Token'],
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Skydive API (skydive-ts)',
        description:
          'Skydive-compatible REST API of the analyzer; see docs/api.md for the differences.',
        version: ctx.settings.version,
      },
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic' },
          authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        },
      },
      security: [{ basicAuth: [] }, { authToken: [] }],
    },
  });

  const resources = opts.resources ?? new MemoryResourceStore();
  const queries = ruleQueries(ctx);
  const rules = new RuleEngine({
    graph: ctx.graph,
    store: resources,
    queries,
    logger: ctx.logger.child({ component: 'rules' }),
    origin: ctx.origin,
    host: ctx.settings.hostID,
    ...(opts.rulesDebounceMs === undefined ? {} : { debounceMs: opts.rulesDebounceMs }),
  });

  await app.register(async (api) => {
    api.setValidatorCompiler(
      validatorCompiler(new Map([...elementChecks, ...ruleChecks(queries)])),
    );
    // Response schemas document the API; bodies are serialised as they are (no field stripping).
    api.setSerializerCompiler(() => (data) => JSON.stringify(data));
    api.addHook('onRoute', (route) => {
      route.bodyLimit ??= ctx.settings.maxBodySize;
    });
    // The API reads JSON, YAML and forms; anything else is 415 rather than a string body.
    api.removeContentTypeParser('text/plain');
    installAuthHook(api, ctx.auth.api, ctx.auth.rbac);
    api.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
      app.swagger(),
    );
    loginRoutes(api, ctx);
    infoRoutes(api, ctx);
    topologyRoutes(api, ctx);
    elementRoutes(api, ctx);
    ruleRoutes(api, resources, queries);
  });

  rules.start();
  app.addHook('onClose', async () => {
    rules.stop();
    if (!opts.resources) await resources.close();
  });
  return { resources, rules };
}
