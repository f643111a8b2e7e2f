// SPDX-License-Identifier: Apache-2.0
// Builds the analyzer's HTTP(S) server: the shared server of src/api with the analyzer's REST
// routes and WebSocket endpoints, and its flow side (flow server, captures, Flows()). Listening is
// separate so tests can build, inject and close.
import { createApiServer, type ApiServer } from '../api/server.js';
import type { AnalyzerContext } from './context.js';
import { FlowServices, type FlowServicesOptions } from './flow/index.js';
import { registerHttp, type HttpServices } from './http/index.js';
import type { ResourceStore } from '../storage/resource-store.js';
import { attachWebSocket } from './ws/index.js';

export type AnalyzerServer = ApiServer & { flows: FlowServices };

/** Options of createServer (tests shorten delays). */
export interface AnalyzerServerOptions {
  flows?: FlowServicesOptions;
  /** Where rules, captures… live (the configured store); default an in-memory one. */
  resources?: ResourceStore | undefined;
}

/** Creates the server with every route and endpoint registered. */
export async function createServer(
  ctx: AnalyzerContext,
  opts: AnalyzerServerOptions = {},
): Promise<AnalyzerServer> {
  const flows = new FlowServices(ctx, opts.flows);
  let services: HttpServices | undefined;
  const server = await createApiServer(ctx, {
    http: async (app) => {
      services = await registerHttp(app, ctx, {
        flowStatus: () => flows.status(),
        extraRoutes: (api) => flows.routes(api),
        ...(opts.resources ? { resources: opts.resources } : {}),
      });
    },
    ws: (srv) => {
      const hub = attachWebSocket(srv, ctx, {
        endpoints: (svc) => [
          ...flows.endpoints(svc),
          ...(ctx.replication ? [ctx.replication.endpoint()] : []),
        ],
      });
      flows.attach(hub, services!.resources);
      return {
        async close() {
          await flows.close();
          await hub.close();
        },
      };
    },
  });
  const listen = server.listen.bind(server);
  return Object.assign(server, {
    flows,
    async listen() {
      const bound = await listen();
      await flows.listenUdp(bound);
      return bound;
    },
  });
}
