// SPDX-License-Identifier: Apache-2.0
// Writers of the hub graph: `/ws/publisher` and `/ws/pubsub` (§2.9) and `/ws/agent/topology`
// (§2.7). Each message is applied or answered with an error; DeleteOnDisconnect removes the peer's
// origin on close once it has written something.
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  type StructMessage,
} from '../../protocol/index.js';
import type { StatusSection } from '../../api/status.js';
import type { WsConnection } from '../../api/ws/connection.js';
import {
  answerError,
  ERR_WS_UNKNOWN_MESSAGE,
  type Endpoint,
  type WsServices,
} from '../../api/ws/endpoint.js';
import { GraphWriter } from './graph-writer.js';
import { InvalidArgumentError } from '../../graph/errors.js';
import { graphJSON, handshakeFilter, SubscriberSession } from '../../api/ws/subscriber.js';

/** Handler of agent messages outside the Graph namespace (on-demand replies, flow results…). */
export type AgentMessageHandler = (conn: WsConnection, msg: StructMessage) => void;

/** The writing half of a connection. */
export class PublisherSession {
  private authored = false;
  private readonly writer: GraphWriter;

  constructor(
    private readonly svc: WsServices,
    readonly conn: WsConnection,
    private readonly section: StatusSection,
    strict: boolean,
    private readonly agentHandlers: ReadonlyMap<string, AgentMessageHandler> = new Map(),
  ) {
    this.writer = new GraphWriter(svc.ctx.graph, { origin: conn.origin, strict });
    svc.ctx.status.add(section, conn.info.hostID, conn);
    conn.onClose(() => this.closed());
  }

  /** Applies one message, or answers why not. */
  handle(msg: StructMessage): void {
    if (msg.Namespace !== Namespace.Graph) {
      if (this.section !== 'Agents') {
        const err = new InvalidArgumentError(
          ERR_WS_UNKNOWN_MESSAGE,
          `unknown namespace '${msg.Namespace}'`,
        );
        answerError(this.conn, msg, err);
        return;
      }
      // Agents: on-demand replies that arrive after their timeout land here too, so no answer.
      const h = this.agentHandlers.get(msg.Namespace);
      if (h) h(this.conn, msg);
      else
        this.conn.logger.info(
          { ns: msg.Namespace, type: msg.Type },
          'agent message without handler',
        );
      return;
    }
    this.authored = true;
    try {
      const res = this.svc.feed.withSource(this.conn, () => this.writer.apply(msg));
      if (res.kind === 'sync')
        this.conn.logger.info(
          { added: res.added, updated: res.updated, deleted: res.deleted },
          'graph sync applied',
        );
    } catch (err) {
      answerError(this.conn, msg, err);
    }
  }

  /** Whole-graph SyncReply (publishers and agents; pubsub answers as a subscriber). */
  syncRequest(msg: StructMessage): void {
    this.conn.reply(msg, T.SyncReply, graphJSON(this.svc.ctx.graph, undefined));
  }

  private closed(): void {
    const { ctx } = this.svc;
    ctx.status.remove(this.section, this.conn.info.hostID, this.conn);
    if (!this.authored || !this.conn.info.deleteOnDisconnect) return;
    const res = ctx.graph.deleteByOrigin(this.conn.origin);
    this.conn.logger.info(
      { origin: this.conn.origin, ...res },
      'deleted the subgraph of a gone peer',
    );
  }
}

function isSyncRequest(msg: StructMessage): boolean {
  return msg.Namespace === Namespace.Graph && msg.Type === T.SyncRequest;
}

/** `/ws/publisher`: validated writes, Origin forced to the peer's. */
export function publisherEndpoint(svc: WsServices): Endpoint {
  return {
    path: WsPath.Publisher,
    auth: 'api',
    prepare: () => (conn: WsConnection) => {
      const p = new PublisherSession(svc, conn, 'Publishers', true);
      conn.onMessage((msg) => (isSyncRequest(msg) ? p.syncRequest(msg) : p.handle(msg)));
    },
  };
}

/** `/ws/agent/topology`: an agent's Sync then incremental events, Origin as sent. */
export function agentEndpoint(
  svc: WsServices,
  handlers: ReadonlyMap<string, AgentMessageHandler>,
): Endpoint {
  return {
    path: WsPath.AgentTopology,
    auth: 'cluster',
    prepare: () => (conn: WsConnection) => {
      const p = new PublisherSession(svc, conn, 'Agents', false, handlers);
      conn.onMessage((msg) => (isSyncRequest(msg) ? p.syncRequest(msg) : p.handle(msg)));
    },
  };
}

/** `/ws/pubsub`: both halves; a peer's own publications are not echoed back to it. */
export function pubsubEndpoint(svc: WsServices): Endpoint {
  return {
    path: WsPath.PubSub,
    auth: 'api',
    async prepare(info) {
      const filter = await handshakeFilter(svc, info.gremlinFilter);
      return (conn) => {
        const s = new SubscriberSession(svc, conn, filter);
        const p = new PublisherSession(svc, conn, 'Publishers', true);
        conn.onMessage((msg) => (isSyncRequest(msg) ? s.syncRequest(msg) : p.handle(msg)));
      };
    },
  };
}
