// SPDX-License-Identifier: Apache-2.0
// `app.swagger()` (the document of /api/openapi.json) built by @fastify/swagger on first use: the
// routes and instances are recorded as they are added, and the plugin, with its YAML and schema
// resolver dependencies, is loaded and fed them only when the document is first asked for.
import { createRequire } from 'node:module';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type * as Swagger from '@fastify/swagger';

type Hook = (...args: unknown[]) => unknown;
type SwaggerFn = FastifyInstance['swagger'];

/** What the plugin does with the instance it is registered on, recorded to be replayed. */
interface Recorder {
  hooks: Map<string, Hook>;
  decorated?: SwaggerFn;
}

/** Runs the real plugin on a recorder standing for `app`, then replays what it would have seen. */
function buildSwagger(
  app: FastifyInstance,
  opts: Swagger.SwaggerOptions,
  routes: readonly RouteOptions[],
  instances: readonly FastifyInstance[],
): SwaggerFn {
  const { fastifySwagger } = createRequire(import.meta.url)('@fastify/swagger') as typeof Swagger;
  const rec: Recorder = { hooks: new Map() };
  const fake = {
    addHook(name: string, fn: Hook) {
      rec.hooks.set(name, fn);
      return fake;
    },
    decorate(_name: string, fn: SwaggerFn) {
      rec.decorated = fn;
      return fake;
    },
    getSchemas: () => app.getSchemas(),
  };
  let failure: unknown;
  fastifySwagger(fake as unknown as FastifyInstance, { ...opts }, (err?: unknown) => {
    failure = err;
  });
  if (failure !== undefined || rec.decorated === undefined) {
    throw failure instanceof Error ? failure : new Error('@fastify/swagger did not set up');
  }
  for (const instance of instances) void rec.hooks.get('onRegister')?.(instance);
  for (const route of routes) rec.hooks.get('onRoute')?.(route);
  rec.hooks.get('onReady')?.call(app, () => {});
  return rec.decorated;
}

/**
 * Decorates `app` with `swagger()` as @fastify/swagger (dynamic mode) would, loading the plugin on
 * the first call. Must be called where the plugin would be registered (on the root instance,
 * before the routes it documents).
 * @example
 * installLazySwagger(app, { openapi: { info: { title: 'API', version: '1' } } });
 */
export function installLazySwagger(app: FastifyInstance, opts: Swagger.SwaggerOptions): void {
  const routes: RouteOptions[] = [];
  const instances: FastifyInstance[] = [];
  let ready = false;
  let swagger: SwaggerFn | undefined;
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onRegister', (instance) => {
    instances.push(instance);
  });
  app.addHook('onReady', (done) => {
    ready = true;
    done();
  });
  const lazy = ((callOpts?: { yaml?: boolean }) => {
    if (!ready) throw new Error('.swagger() must be called after .ready()');
    swagger ??= buildSwagger(app, opts, routes, instances);
    return swagger(callOpts as never);
  }) as SwaggerFn;
  app.decorate('swagger', lazy);
}
