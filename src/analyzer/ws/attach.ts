// SPDX-License-Identifier: Apache-2.0
// The analyzer's WebSocket side: the shared front door (src/api/ws) with the analyzer's endpoints,
// `/ws/subscriber`, `/ws/publisher`, `/ws/pubsub` and `/ws/agent/topology`, and agent lookups.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Endpoint, WsServices } from '../../api/ws/endpoint.js';
import {
  attachWebSocketHub,
  subscriberEndpoint,
  type AttachOptions,
  type WebSocketHub,
  type WsConnection,
} from '../../api/ws/index.js';
import { ServiceType, WsPath } from '../../protocol/index.js';
import type { AnalyzerContext } from '../context.js';
import {
  agentEndpoint,
  publisherEndpoint,
  pubsubEndpoint,
  type AgentMessageHandler,
} from './publisher.js';

/** The running WebSocket side of the analyzer. */
export interface AnalyzerWebSocketHub extends WebSocketHub {
  /** The connected agent with this host ID (for on-demand requests), if any. */
  agent(hostID: string): WsConnection | undefined;
  /** Handles agent messages of a namespace other than Graph (replies excepted). */
  onAgentMessage(namespace: string, handler: AgentMessageHandler): void;
}

/**
 * Serves `/ws/subscriber`, `/ws/publisher`, `/ws/pubsub` and `/ws/agent/topology` on `server`.
 * Refusals happen before the upgrade (see attachWebSocketHub).
 * @example
 * const hub = attachWebSocket(httpServer, ctx);
 * // …
 * await hub.close();
 */
export function attachWebSocket(
  server: HttpServer | HttpsServer,
  ctx: AnalyzerContext,
  opts: AttachOptions & { endpoints?: (svc: WsServices) => Endpoint[] } = {},
): AnalyzerWebSocketHub {
  const agentHandlers = new Map<string, AgentMessageHandler>();
  const hub = attachWebSocketHub(server, ctx, {
    ...opts,
    serviceType: ServiceType.Analyzer,
    endpoints: (svc) => [
      subscriberEndpoint(svc),
      publisherEndpoint(svc),
      pubsubEndpoint(svc),
      agentEndpoint(svc, agentHandlers),
      ...(opts.endpoints?.(svc) ?? []),
    ],
  });
  return Object.assign(hub, {
    agent: (hostID: string) => hub.peer(WsPath.AgentTopology, hostID),
    onAgentMessage(namespace: string, handler: AgentMessageHandler) {
      agentHandlers.set(namespace, handler);
    },
  });
}
