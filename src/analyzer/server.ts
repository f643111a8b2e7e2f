// SPDX-License-Identifier: Apache-2.0
// Builds the analyzer's HTTP(S) server: the shared server of src/api with the analyzer's REST
// routes and WebSocket endpoints. Listening is separate so tests can build, inject and close.
import { createApiServer, type ApiServer } from '../api/server.js';
import type { AnalyzerContext } from './context.js';
import { registerHttp } from './http/index.js';
import { attachWebSocket } from './ws/index.js';

export type AnalyzerServer = ApiServer;

/** Creates the server with every route and endpoint registered. */
export async function createServer(ctx: AnalyzerContext): Promise<AnalyzerServer> {
  return createApiServer(ctx, {
    http: (app) => registerHttp(app, ctx),
    ws: (server) => attachWebSocket(server, ctx),
  });
}
