// SPDX-License-Identifier: Apache-2.0
// The flow WebSocket endpoints of the analyzer (skydive-compat §2.1, §2.13, §5.5):
// `/ws/agent/flow`, where agents push bare protobuf flow.Message frames (no envelope, so it is
// served beside the StructMessage front door, with the same cluster auth), and
// `/ws/subscriber/flow`, the JSON stream of stored flow bulks and capture stats.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiContext } from '../../api/context.js';
import type { Endpoint, WsServices } from '../../api/ws/endpoint.js';
import { HandshakeError, parseClientInfo, refuseUpgrade } from '../../api/ws/handshake.js';
import { Header, ServiceType, WsPath } from '../../protocol/index.js';
import { decodeFlowMessage } from '../../protocol/flow.js';
import type { FlowServer } from './flow-server.js';

/** The running `/ws/agent/flow` side. */
export interface AgentFlowRoute {
  route(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Connected agents (host ID → connect time), for status. */
  peers(): ReadonlyMap<string, Date>;
  close(): Promise<void>;
}

/** Serves `/ws/agent/flow` for `server` (attach with hub.addRoute). */
export function agentFlowRoute(ctx: ApiContext, server: FlowServer): AgentFlowRoute {
  const logger = ctx.logger.child({ component: 'flow-ws' });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: ctx.settings.maxBodySize,
    clientTracking: true,
  });
  const peers = new Map<string, Date>();
  wss.on('headers', (headers) =>
    headers.push(
      `${Header.HostID}: ${ctx.settings.hostID}`,
      `${Header.ServiceType}: ${ServiceType.Analyzer}`,
    ),
  );

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://analyzer');
    const identity = await ctx.auth.cluster.authenticate(req);
    if (identity === null) throw new HandshakeError(401, 'Wrong credentials');
    if (!ctx.auth.rbac.enforce(identity, 'websocket', WsPath.AgentFlow))
      throw new HandshakeError(403, `user '${identity.user}' may not use ${WsPath.AgentFlow}`);
    const info = parseClientInfo(req, url, socket, identity);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      peers.set(info.hostID, new Date());
      logger.info({ peer: info.hostID }, 'flow peer connected');
      const ping = setInterval(() => ws.ping(), ctx.settings.ws.pingDelayMs).unref();
      ws.on('message', (data: Buffer) => {
        try {
          const msg = decodeFlowMessage(new Uint8Array(data.buffer, data.byteOffset, data.length));
          server.ingest(msg.Flows);
          if (msg.Stats) server.ingestStats(msg.Stats);
        } catch (err) {
          server.badMessage();
          logger.info({ peer: info.hostID, err: (err as Error).message }, 'bad flow message');
        }
      });
      ws.on('error', (err) => logger.info({ err: err.message }, 'flow peer error'));
      ws.on('close', () => {
        clearInterval(ping);
        peers.delete(info.hostID);
      });
    });
  }

  return {
    route(req, socket, head) {
      socket.on('error', () => {});
      upgrade(req, socket, head).catch((err: unknown) => {
        const status = err instanceof HandshakeError ? err.status : 500;
        refuseUpgrade(socket, status, err instanceof Error ? err.message : 'internal error');
      });
    },
    peers: () => peers,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * `/ws/subscriber/flow`: every accepted peer receives `flow` (and `flow/<CaptureID>`) bulks and
 * `stats`, filtered by the namespaces of its X-Websocket-Namespace header (default all).
 */
export function subscriberFlowEndpoint(server: FlowServer): (svc: WsServices) => Endpoint {
  return () => ({
    path: WsPath.SubscriberFlow,
    auth: 'api',
    prepare: () => (conn) => {
      // Without X-Websocket-Namespace a peer gets `flow` and `stats`, not the per-capture copies.
      const all = conn.info.namespaces === null;
      const off = server.subscribe((msg) => {
        if (all && msg.Namespace.includes('/')) return;
        conn.send(msg);
      });
      conn.onMessage(() => {});
      conn.onClose(off);
    },
  });
}
