// SPDX-License-Identifier: Apache-2.0
// High-level WebSocket helpers: subscribe() to the graph (§2.8: SyncRequest → SyncReply, then live
// events) and publish() graph messages to /ws/publisher (§2.9) the way `topology import` does.

import {
  GraphMessageType,
  Namespace,
  PersistencePolicy,
  UpdatePolicy,
  WsPath,
  newStructMessage,
  type GraphJSON,
  type StructMessage,
  type SyncRequestMsg,
} from '../protocol/index.js';
import { ApiError, ClientError } from './errors.js';
import { MessageStream } from './message-stream.js';
import { WsClient, type WsClientOptions } from './ws-client.js';

/** Options of subscribe(). */
export interface SubscribeOptions extends WsClientOptions {
  /** Gremlin filter returning a graph (`X-Gremlin-Filter`), e.g. `G.V().Has('Type','host').SubGraph()`. */
  filter?: string | undefined;
  /** Ask for `*PartiallyUpdated` messages instead of full updates (`X-Update-Policy: partial`). */
  partial?: boolean | undefined;
  /** Ask for the graph at this time (ms); needs a history backend on the server. */
  time?: number | undefined;
}

/** A live subscription: the initial graph and the events that follow it. */
export interface Subscription {
  /** The graph of the first SyncReply. */
  graph: GraphJSON;
  /**
   * Messages after the SyncReply. After a reconnection (option `reconnect`), a fresh
   * `Graph/SyncReply` message is pushed first: consumers replace their graph with its Obj.
   */
  events: MessageStream<StructMessage>;
  client: WsClient;
  close(): Promise<void>;
}

/** Sends `Graph/SyncRequest` and returns the graph of the reply; a non-200 reply throws ApiError. */
export async function syncRequest(
  client: WsClient,
  req: SyncRequestMsg = {},
  onReply?: (reply: StructMessage) => void,
): Promise<GraphJSON> {
  const reply = await client.request(
    newStructMessage(Namespace.Graph, GraphMessageType.SyncRequest, req),
    undefined,
    onReply,
  );
  if (reply.Status !== 200 && reply.Status !== 0) {
    const text = typeof reply.Obj === 'string' ? reply.Obj : JSON.stringify(reply.Obj);
    throw new ApiError(reply.Status, '', text, { operation: 'sync' });
  }
  if (reply.Type !== GraphMessageType.SyncReply || !reply.Obj || typeof reply.Obj !== 'object') {
    throw new ClientError(
      'SKY_ERR_CLIENT_PROTOCOL',
      `unexpected reply ${reply.Type} to SyncRequest`,
    );
  }
  const g = reply.Obj as Partial<GraphJSON>;
  return { Nodes: g.Nodes ?? [], Edges: g.Edges ?? [] };
}

/** What the analyzer did with published messages. */
export interface PublishResult {
  sent: number;
  /** The analyzer's answers to refused messages (Status ≥ 400, Obj the reason), in order. */
  refused: StructMessage[];
}

/**
 * Subscribes to the graph: connects to `/ws/subscriber`, asks for the current graph, then streams
 * the events that follow it. Graph events that arrive before the reply are already in it and are
 * dropped.
 *
 * @example
 * const sub = await subscribe({ analyzer: '127.0.0.1:8082', filter: "G.V().Has('Type', 'host').SubGraph()" })
 * console.log(sub.graph.Nodes.length)
 * for await (const m of sub.events) if (m.Type === 'NodeAdded') console.log(m.Obj)
 */
export async function subscribe(opts: SubscribeOptions = {}): Promise<Subscription> {
  const client = new WsClient({
    ...opts,
    path: opts.path ?? WsPath.Subscriber,
    gremlinFilter: opts.filter ?? opts.gremlinFilter,
    updatePolicy: opts.partial ? UpdatePolicy.Partial : opts.updatePolicy,
  });
  const req: SyncRequestMsg =
    opts.time === undefined ? {} : { Time: opts.time, GremlinFilter: opts.filter ?? '' };
  let synced = false;
  const onMessage = (m: StructMessage) => {
    if (synced || m.Namespace !== Namespace.Graph) events.push(m);
  };
  const onClose = () => {
    if (!opts.reconnect) events.end();
  };
  // The reply marks the point from which events are new: `synced` flips synchronously when it is
  // decoded, so events in the same network chunk right after it are kept.
  const resync = () => {
    synced = false; // events before the new reply are in it
    syncRequest(client, req, (reply) => {
      if (reply.Status !== 200 && reply.Status !== 0) return;
      const g = (reply.Obj ?? {}) as Partial<GraphJSON>;
      const graph = { Nodes: g.Nodes ?? [], Edges: g.Edges ?? [] };
      events.push(newStructMessage(Namespace.Graph, GraphMessageType.SyncReply, graph));
      synced = true;
    }).catch((err: Error) => events.fail(err));
  };
  const events = new MessageStream<StructMessage>(() => {
    client.off('message', onMessage);
    client.off('close', onClose);
    client.off('open', resync);
  });
  client.on('message', onMessage);
  client.on('close', onClose);
  try {
    await client.connect();
    const graph = await syncRequest(client, req, () => (synced = true));
    client.on('open', resync);
    const close = async () => {
      await client.close();
      events.end();
    };
    return { graph, events, client, close };
  } catch (err) {
    events.end();
    await client.close();
    throw err;
  }
}

/**
 * Publishes graph messages on `/ws/publisher` (persistent by default, as `skydive client topology
 * import`): connects, sends them in order, then waits for the analyzer to have handled them all
 * and returns the refusals it answered (invalid element, unknown node, duplicate ID…).
 *
 * @example
 * await publish({ analyzer: '127.0.0.1:8082' }, [newStructMessage('Graph', 'NodeAdded', node)])
 */
export async function publish(
  opts: WsClientOptions,
  messages: Iterable<StructMessage>,
): Promise<PublishResult> {
  const client = new WsClient({
    persistencePolicy: PersistencePolicy.Persistent,
    ...opts,
    path: opts.path ?? WsPath.Publisher,
  });
  const refused: StructMessage[] = [];
  const onMessage = (m: StructMessage) => {
    if (m.Status >= 400) refused.push(m);
  };
  client.on('message', onMessage);
  await client.connect();
  try {
    let sent = 0;
    for (const m of messages) {
      await client.send(m);
      sent++;
    }
    // The publisher answers messages in order, so once a SyncRequest is answered every refusal of
    // what was sent before it has arrived.
    await syncRequest(client);
    return { sent, refused };
  } finally {
    client.off('message', onMessage);
    await client.close();
  }
}
