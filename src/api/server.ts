// SPDX-License-Identifier: Apache-2.0
// The HTTP(S) server a service runs its API on: fastify for REST, `ws` on the same server for the
// WebSocket endpoints. Listening is separate so tests can build, inject and close without a socket.
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ApiContext } from './context.js';
import { registerStaticUi } from './http/static-ui.js';

/** A built server. */
export interface ApiServer {
  app: FastifyInstance;
  /** Listens on settings.listen (port 0 picks one); resolves to the bound `host:port`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** What a service plugs into its server. */
export interface ApiServerParts {
  /** Registers the REST routes (registerApi and the service's own). */
  http(app: FastifyInstance): Promise<unknown>;
  /** Attaches the WebSocket side to the HTTP server; closed before the app. */
  ws(server: HttpServer | HttpsServer): { close(): Promise<void> };
}

/** The bound address of a listening server as `host:port` (IPv6 in brackets). */
export function boundAddress(app: FastifyInstance): string {
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') return String(addr);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `${host}:${addr.port}`;
}

/**
 * Creates the server of `ctx` (HTTPS when settings.tls is set) with the parts registered.
 * @example
 * const server = await createApiServer(ctx, { http: (app) => registerApi(app, ctx, opts), ws });
 * const address = await server.listen();
 */
export async function createApiServer(ctx: ApiContext, parts: ApiServerParts): Promise<ApiServer> {
  const { settings } = ctx;
  const tls = settings.tls;
  const app = Fastify({
    loggerInstance: ctx.logger,
    // Requests are not logged one by one; errors are, by the error handler (docs/api.md).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.maxBodySize,
    ...(tls
      ? {
          https: {
            cert: readFileSync(tls.cert),
            key: readFileSync(tls.key),
            ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
            requestCert: tls.requireClientCert,
            rejectUnauthorized: tls.requireClientCert,
          },
        }
      : {}),
  }) as unknown as FastifyInstance;
  await parts.http(app);
  registerStaticUi(app); // the web UI at `/` (docs/ui.md)
  const ws = parts.ws(app.server);
  let closed = false;
  return {
    app,
    async listen() {
      await app.listen({ host: settings.listen.host, port: settings.listen.port });
      return boundAddress(app);
    },
    async close() {
      if (closed) return;
      closed = true;
      await ws.close();
      await app.close();
    },
  };
}
