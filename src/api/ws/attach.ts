// SPDX-License-Identifier: Apache-2.0
// The WebSocket front door of a server (analyzer or agent): takes over the HTTP server's 'upgrade'
// event, authenticates and checks each handshake (§2.2) before upgrading, and hands accepted peers
// to the endpoint of their path. Which endpoints exist is the caller's choice.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Header, type StructMessage } from '../../protocol/index.js';
import type { HistoryProvider } from '../../gremlin/index.js';
import type { ApiContext } from '../context.js';
import { Outgoing } from './codec.js';
import { WsConnection } from './connection.js';
import type { Endpoint, WsServices } from './endpoint.js';
import { GraphFeed } from './feed.js';
import type { FilterCompiler } from './filter.js';
import { gremlinFilterCompiler } from './gremlin-filter.js';
import { TickFlusher } from './flusher.js';
import { HandshakeError, parseClientInfo, refuseUpgrade, type ClientInfo } from './handshake.js';

/** Default bytes a socket may buffer before a peer's messages wait in its queue. */
export const DEFAULT_HIGH_WATER_MARK = 32 * 1024 * 1024;

/**
 * permessage-deflate as Skydive's gorilla peers do it: no context takeover, so that messages below
 * the threshold (most graph events) go out uncompressed and synchronously, and no connection keeps
 * a zlib window; level 1, because a live feed needs speed more than the last percent of ratio.
 */
const DEFLATE = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  threshold: 1024,
  zlibDeflateOptions: { level: 1 },
} as const;

/** Options beyond settings, mostly for tests and embedding. */
export interface AttachOptions {
  /** Bytes a socket may buffer before messages queue (default DEFAULT_HIGH_WATER_MARK). */
  highWaterMark?: number;
  /** How subscriber filters are compiled (default: the context's Gremlin engine). */
  compileFilter?: FilterCompiler;
  /**
   * The graph at a past time, for SyncRequests with a Time (default: the context's, the same
   * provider as the Gremlin engine's). Without one such requests are answered 400
   * `Backend does not support history`.
   */
  history?: HistoryProvider;
}

/** Serves an upgrade on a path this module does not own (flow, replication…). */
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** What a server serves: its `X-Service-Type` and its endpoints, built on the shared services. */
export interface HubOptions extends AttachOptions {
  /** `X-Service-Type` of every upgrade response: `analyzer`, `agent`. */
  serviceType: string;
  endpoints(svc: WsServices): Endpoint[];
}

/** The running WebSocket side of a server. */
export interface WebSocketHub {
  /** Closes every peer (1001) and detaches from the server and the graph. */
  close(): Promise<void>;
  /** Serves upgrades of another path with `route` (before the 404 for unknown paths). */
  addRoute(path: string, route: UpgradeRoute): void;
  /** Sends a message to every subscriber that wants its namespace (Alert, notifications). */
  broadcast(msg: StructMessage): void;
  /** The connected peer with this host ID on `path`, if any. */
  peer(path: string, hostID: string): WsConnection | undefined;
}

/**
 * Serves the endpoints of `opts` on `server`. Refusals happen before the upgrade: 401 bad credentials, 403 RBAC deny, 404 unknown path, 409
 * duplicate X-Host-ID on the same path, 400 bad parameters (protocol, update policy, a filter that
 * does not parse or does not produce a graph). A missing X-Client-Type is accepted as `unknown`.
 * @example
 * const hub = attachWebSocketHub(httpServer, ctx, {
 *   serviceType: 'agent',
 *   endpoints: (svc) => [subscriberEndpoint(svc)],
 * });
 * // …
 * await hub.close();
 */
export function attachWebSocketHub(
  server: HttpServer | HttpsServer,
  ctx: ApiContext,
  opts: HubOptions,
): WebSocketHub {
  const logger = ctx.logger.child({ component: 'ws' });
  const svc: WsServices = {
    ctx,
    feed: new GraphFeed(ctx.graph, logger),
    compile: opts.compileFilter ?? gremlinFilterCompiler(ctx.gremlin),
    logger,
    history: opts.history ?? ctx.history,
  };
  const endpoints = new Map<string, Endpoint>();
  for (const ep of opts.endpoints(svc)) endpoints.set(ep.path, ep);
  const routes = new Map<string, UpgradeRoute>();
  /** Per path: host ID → connection (or a reservation while the upgrade completes). */
  const peers = new Map<string, Map<string, WsConnection | 'pending'>>();
  const connections = new Set<WsConnection>();
  const flusher = new TickFlusher();
  const extraHeaders = new WeakMap<IncomingMessage, string[]>();
  const { settings } = ctx;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxBodySize,
    perMessageDeflate: settings.ws.writeCompression ? DEFLATE : false,
    clientTracking: false,
  });
  wss.on('headers', (headers, req) => headers.push(...(extraHeaders.get(req) ?? [])));

  function responseHeaders(info: ClientInfo): string[] {
    const h = [
      `${Header.HostID}: ${settings.hostID}`,
      `${Header.ServiceType}: ${opts.serviceType}`,
    ];
    const id = info.identity;
    // Skydive re-sets the login cookies on every websocket upgrade (§3.6).
    if (id.token !== '') h.push(`Set-Cookie: authtoken=${id.token}; Path=/`);
    const perms = Buffer.from(JSON.stringify(ctx.auth.rbac.permissions(id))).toString('base64');
    h.push(`Set-Cookie: permissions=${perms}; Path=/`);
    return h;
  }

  async function handshake(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://analyzer');
    const route = routes.get(url.pathname);
    if (route) return route(req, socket, head);
    const ep = endpoints.get(url.pathname);
    if (ep === undefined) throw new HandshakeError(404, `no websocket endpoint at ${url.pathname}`);
    const backend = ep.auth === 'cluster' ? ctx.auth.cluster : ctx.auth.api;
    const identity = await backend.authenticate(req);
    if (identity === null) throw new HandshakeError(401, 'Wrong credentials');
    if (!ctx.auth.rbac.enforce(identity, 'websocket', ep.path))
      throw new HandshakeError(403, `user '${identity.user}' may not use ${ep.path}`);
    const info = parseClientInfo(req, url, socket, identity);
    const accept = await ep.prepare(info);
    // From here to the upgrade everything is synchronous: the reservation cannot race.
    let hosts = peers.get(ep.path);
    if (hosts === undefined) peers.set(ep.path, (hosts = new Map()));
    if (hosts.has(info.hostID))
      throw new HandshakeError(409, `host ID '${info.hostID}' is already connected to ${ep.path}`);
    if (socket.destroyed) return;
    hosts.set(info.hostID, 'pending');
    const release = (conn?: WsConnection): void => {
      const cur = hosts.get(info.hostID);
      if (cur === 'pending' || cur === conn) hosts.delete(info.hostID);
    };
    socket.once('close', () => {
      if (hosts.get(info.hostID) === 'pending') release();
    });
    extraHeaders.set(req, responseHeaders(info));
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const conn = new WsConnection(ws, socket, info, {
        pingDelayMs: settings.ws.pingDelayMs,
        pongTimeoutMs: settings.ws.pongTimeoutMs,
        queueSize: settings.ws.queueSize,
        highWaterMark: opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
        compressThreshold: DEFLATE.threshold,
        logger: logger.child({ path: ep.path, peer: info.hostID, clientType: info.clientType }),
        flusher,
      });
      hosts.set(info.hostID, conn);
      connections.add(conn);
      conn.onClose(() => {
        release(conn);
        connections.delete(conn);
      });
      conn.logger.info(
        { protocol: info.protocol, user: info.identity.user },
        'websocket peer connected',
      );
      accept(conn);
    });
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => logger.debug({ err: err.message }, 'upgrade socket error'));
    handshake(req, socket, head).catch((err: unknown) => {
      if (err instanceof HandshakeError) {
        logger.info(
          { url: req.url, status: err.status, reason: err.message },
          'websocket handshake refused',
        );
        refuseUpgrade(socket, err.status, err.message);
      } else {
        logger.error({ err, url: req.url }, 'websocket handshake failed');
        refuseUpgrade(socket, 500, 'internal error');
      }
    });
  }

  server.on('upgrade', onUpgrade);

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      svc.feed.close();
      const closing = [...connections].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.onClose(resolve);
            c.close(1001, `${opts.serviceType} shutting down`);
          }),
      );
      await Promise.all(closing);
      wss.close();
    },
    addRoute(path, route) {
      routes.set(path, route);
    },
    broadcast(msg) {
      svc.feed.broadcast(new Outgoing(msg));
    },
    peer(path, hostID) {
      const c = peers.get(path)?.get(hostID);
      return c === 'pending' ? undefined : c;
    },
  };
}
