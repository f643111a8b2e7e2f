// SPDX-License-Identifier: Apache-2.0
// The REST surface every server of ours shares: error handling, gzip, CORS, body parsers, OpenAPI,
// authentication, `/login`, `/api`, `/api/status` and `/api/topology`. A service adds its own
// routes inside the same authenticated scope.
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { installAuthHook } from './auth-hook.js';
import { installErrorHandlers } from './errors.js';
import { installLazySwagger } from './openapi.js';
import { installParsers } from './parsers.js';
import { infoRoutes, type InfoOptions } from './routes/info.js';
import { loginRoutes } from './routes/login.js';
import { topologyRoutes } from './routes/topology.js';
import { validatorCompiler, type CustomCheck } from './validation.js';
import './types.js';

export {
  STATUS_BY_KIND,
  HttpErrorCode,
  mapError,
  errorBody,
  installErrorHandlers,
  type ErrorBody,
} from './errors.js';
export { ErrorResponses, JSON_TYPE, sendEmpty, sendJSON } from './reply.js';
export { validatorCompiler, type CustomCheck } from './validation.js';
export type { InfoOptions } from './routes/info.js';

/** What a service puts on the shared surface. */
export interface ApiOptions extends InfoOptions {
  /** OpenAPI title and description. */
  title: string;
  description: string;
  /** Hand-written body checks keyed by schema object (see validatorCompiler). */
  checks?: ReadonlyMap<unknown, CustomCheck>;
  /** Registers the service's own routes, authenticated like the shared ones. */
  routes?: (api: FastifyInstance) => void;
}

/**
 * Registers the API on the root instance. The error and not-found handlers, gzip, CORS and the
 * body parsers apply to the whole app (WS routes included); the auth hook only to the routes
 * registered here and by `opts.routes`.
 * @example
 * const app = Fastify({ bodyLimit: ctx.settings.maxBodySize });
 * await registerApi(app, ctx, { service: 'agent', title: 'Skydive agent API', … });
 */
export async function registerApi(
  app: FastifyInstance,
  ctx: ApiContext,
  opts: ApiOptions,
): Promise<void> {
  installErrorHandlers(app);
  installParsers(app);
  await app.register(formbody);
  await app.register(compress, { global: true, encodings: ['gzip', 'deflate'] });
  await app.register(cors, {
    origin: '*',
    // Skydive's list (§3.7) plus PATCH, which our API serves.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['X-Requested-With', 'Content-Type', 'Authorization', 'X-Auth-Token'],
    // a browser client may read why a query's answer is incomplete (routes/topology.ts)
    exposedHeaders: ['X-Skydive-Warning'],
  });
  // @fastify/swagger itself is loaded with the first request for the document
  installLazySwagger(app, {
    openapi: {
      openapi: '3.0.3',
      info: { title: opts.title, description: opts.description, version: ctx.settings.version },
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic' },
          authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        },
      },
      security: [{ basicAuth: [] }, { authToken: [] }],
    },
  });

  await app.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler(opts.checks ?? new Map()));
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
    infoRoutes(api, ctx, opts);
    topologyRoutes(api, ctx);
    opts.routes?.(api);
  });
}
