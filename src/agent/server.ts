// SPDX-License-Identifier: Apache-2.0
// The agent's HTTP(S) server on agent.listen (skydive-compat §3.2): the shared surface of src/api,
// `/api` (Service agent), `/login`, `/api/status` (§3.5), `/api/topology` on the local graph and
// `/ws/subscriber`, with agent.auth.api.backend.
import type { Registry } from 'prom-client';
import type { ApiContext } from '../api/context.js';
import { metricsRoute } from '../api/metrics.js';
import { registerApi } from '../api/http/index.js';
import { createApiServer, type ApiServer } from '../api/server.js';
import { attachWebSocketHub, subscriberEndpoint } from '../api/ws/index.js';
import { AgentStatusSchema, ServiceType, type AgentStatus } from '../protocol/index.js';

/**
 * Builds the agent's server (not listening yet).
 * @example
 * const server = await createAgentServer(ctx, () => status);
 * const address = await server.listen();
 */
export async function createAgentServer(
  ctx: ApiContext,
  status: () => AgentStatus,
  metrics?: Registry,
): Promise<ApiServer> {
  return createApiServer(ctx, {
    http: (app) =>
      registerApi(app, ctx, {
        service: ServiceType.Agent,
        title: 'Skydive agent API (skydive-ts)',
        description: "The agent's local topology, status and login; see docs/agent.md.",
        statusSchema: AgentStatusSchema,
        statusSummary: 'Analyzers, subscribers and topology probes of the agent',
        status,
        ...(metrics ? { routes: (api) => metricsRoute(api, metrics) } : {}),
      }),
    ws: (server) =>
      attachWebSocketHub(server, ctx, {
        serviceType: ServiceType.Agent,
        endpoints: (svc) => [subscriberEndpoint(svc)],
      }),
  });
}
