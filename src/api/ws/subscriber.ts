// SPDX-License-Identifier: Apache-2.0
// `/ws/subscriber` (§2.8): live graph events from the moment of connection, SyncRequest → SyncReply
// with the live graph or the Gremlin-filtered subgraph, filter set/kept/reset per request.
import { InvalidArgumentError } from '../../graph/errors.js';
import type { GraphView } from '../../graph/types.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  edgeToJSON,
  nodeToJSON,
  type GraphJSON,
  type StructMessage,
} from '../../protocol/index.js';
import type { WsConnection } from './connection.js';
import { answerError, ERR_WS_UNKNOWN_MESSAGE, type Endpoint, type WsServices } from './endpoint.js';
import type { Subscription } from './feed.js';
import type { CompiledFilter, Subgraph } from './filter.js';
import { HandshakeError } from './handshake.js';
import { decodeSyncRequest, type SyncRequest } from './payloads.js';

/** Code of a SyncRequest at a point in time while no history backend is configured (as Gremlin's). */
export const ERR_NO_HISTORY = 'SKY_ERR_NO_HISTORY';

/** The JSON of a subgraph, or of the whole live view when `sub` is undefined. */
export function graphJSON(view: GraphView, sub: Subgraph | undefined): GraphJSON {
  const nodes = sub ? sub.nodes.values() : view.nodes();
  const edges = sub ? sub.edges.values() : view.edges();
  return { Nodes: Array.from(nodes, nodeToJSON), Edges: Array.from(edges, edgeToJSON) };
}

/** The subscriber half of a connection (also used by `/ws/pubsub`). */
export class SubscriberSession {
  readonly sub: Subscription;
  /** SyncRequests are answered one at a time, in order, after the handshake filter is applied. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly svc: WsServices,
    readonly conn: WsConnection,
    filter: CompiledFilter | undefined,
  ) {
    const partial = conn.info.updatePolicy === 'partial';
    if (filter === undefined) this.sub = svc.feed.subscribe(conn, partial);
    else {
      const { sub, ready } = svc.feed.subscribeFiltered(conn, partial, filter);
      this.sub = sub;
      this.queue = ready.then(
        () => undefined,
        (err: unknown) => {
          // It ran at handshake time; the graph changed since in a way the query cannot handle.
          conn.logger.info(
            { err: (err as Error).message },
            'subscriber filter failed after upgrade',
          );
          conn.close(1011, `X-Gremlin-Filter failed: ${(err as Error).message}`);
        },
      );
    }
    svc.ctx.status.add('Subscribers', conn.info.hostID, conn);
    conn.onClose(() => {
      svc.feed.unsubscribeConn(this.sub);
      svc.ctx.status.remove('Subscribers', conn.info.hostID, conn);
    });
  }

  /** Answers a SyncRequest (§2.6, §2.8). `Time` is honoured whenever present and non-zero. */
  syncRequest(msg: StructMessage): void {
    this.queue = this.queue.then(() => this.answer(msg));
  }

  private async answer(msg: StructMessage): Promise<void> {
    const { feed, ctx } = this.svc;
    try {
      const req = decodeSyncRequest(msg.Obj);
      if (req.time !== 0) return await this.answerAt(msg, req);
      // Re-run dirty filters first: the reply must include writes applied before the request
      // (a pubsub peer's own writes are never sent back to it as diffs).
      await feed.flush();
      let view: Subgraph | undefined;
      if (req.filter === undefined) view = feed.view(this.sub);
      else if (req.filter === '') view = await feed.setFilter(this.sub, undefined);
      else view = await feed.setFilter(this.sub, this.svc.compile(req.filter));
      this.conn.reply(msg, T.SyncReply, graphJSON(ctx.graph, view));
    } catch (err) {
      answerError(this.conn, msg, err);
    }
  }

  /**
   * A SyncRequest at a point in time: the graph as it was then, through the request's filter (or
   * the current one). The live subscription is left as it is, as in Skydive.
   */
  private async answerAt(msg: StructMessage, req: SyncRequest): Promise<void> {
    const history = this.svc.history;
    if (history === undefined)
      throw new InvalidArgumentError(ERR_NO_HISTORY, 'Backend does not support history');
    let filter: CompiledFilter | undefined = this.sub.group?.filter;
    if (req.filter !== undefined)
      filter = req.filter === '' ? undefined : this.svc.compile(req.filter);
    const view = await history.at(req.time);
    const sub = filter ? await filter.run(view) : undefined;
    this.conn.reply(msg, T.SyncReply, graphJSON(view, sub));
  }
}

/** Refusal of a message a pure subscriber does not take. */
export function notForSubscribers(conn: WsConnection, msg: StructMessage): void {
  answerError(
    conn,
    msg,
    new InvalidArgumentError(
      ERR_WS_UNKNOWN_MESSAGE,
      `a subscriber only sends Graph/SyncRequest, got ${msg.Namespace}/${msg.Type}`,
    ),
  );
}

/**
 * Compiles and test-runs the filter named at handshake time (`X-Gremlin-Filter`), so that a bad one
 * is refused with 400 before the upgrade.
 */
export async function handshakeFilter(
  svc: WsServices,
  query: string,
): Promise<CompiledFilter | undefined> {
  if (query === '') return undefined;
  try {
    const f = svc.compile(query);
    await f.run(svc.ctx.graph);
    return f;
  } catch (err) {
    throw new HandshakeError(400, `invalid X-Gremlin-Filter: ${(err as Error).message}`);
  }
}

/** `/ws/subscriber`. */
export function subscriberEndpoint(svc: WsServices): Endpoint {
  return {
    path: WsPath.Subscriber,
    auth: 'api',
    async prepare(info) {
      const filter = await handshakeFilter(svc, info.gremlinFilter);
      return (conn) => {
        const s = new SubscriberSession(svc, conn, filter);
        conn.onMessage((msg) => {
          if (msg.Namespace === Namespace.Graph && msg.Type === T.SyncRequest) s.syncRequest(msg);
          else notForSubscribers(conn, msg);
        });
      };
    },
  };
}
