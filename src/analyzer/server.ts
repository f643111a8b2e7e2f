// SPDX-License-Identifier: Apache-2.0
// Builds the analyzer's HTTP(S) server: fastify for REST, `ws` on the same server for WebSocket
// endpoints. Listening is separate so tests can build, inject and close without a socket.
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AnalyzerContext } from './context.js';
import { registerHttp } from './http/index.js';
import { attachWebSocket } from './ws/index.js';

export interface AnalyzerServer {
  app: FastifyInstance;
  /** Listens on settings.listen (port 0 picks one); resolves to the bound `host:port`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Creates the server with every route and endpoint registered. */
export async function createServer(ctx: AnalyzerContext): Promise<AnalyzerServer> {
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
  await registerHttp(app, ctx);
  const ws = attachWebSocket(app.server, ctx);
  let closed = false;
  return {
    app,
    async listen() {
      await app.listen({ host: settings.listen.host, port: settings.listen.port });
      const addr = app.server.address();
      if (addr === null || typeof addr === 'string') return String(addr);
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      return `${host}:${addr.port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await ws.close();
      await app.close();
    },
  };
}
