// SPDX-License-Identifier: Apache-2.0
// Replication between analyzers (skydive-compat §2.10): serves /ws/replication, dials every
// address of `analyzers`, keeps one connection per peer host, sends each new peer a Sync of what
// this analyzer owns (not what it got from other peers), then its local changes; applies what
// peers send without sending it on (no loops) and without recording it in history; deletes what a
// peer contributed when its connection is lost. Of two connections between the same pair, the one
// dialed by the lower host ID stays, so both ends agree without talking about it.
import type { Logger } from 'pino';
import type { ConnStatus } from '../../api/status.js';
import { HandshakeError, Outgoing, type Endpoint, type WsConnection } from '../../api/ws/index.js';
import type { Edge, Graph, GraphElement, Node, PartialOp } from '../../graph/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  edgeToJSON,
  newStructMessage,
  nodeToJSON,
  type EdgeJSON,
  type GraphJSON,
  type NodeJSON,
  type StructMessage,
} from '../../protocol/index.js';
import { PeerApplier } from './apply.js';
import { IncomingChannel, type PeerChannel } from './channel.js';
import { OriginLedger } from './ledger.js';
import { PeerLink } from './link.js';
import type { ReplicationSettings } from './settings.js';

/** Counters of replication messages (also the metrics). */
export interface ReplicationStats {
  /** Messages handed to peer connections. */
  sent: number;
  /** Messages received from peers (replies to ours excepted). */
  received: number;
  /**
   * Messages not delivered to a peer (overflow, closed) plus received messages or elements that
   * could not be applied (bad payload, unknown element or edge end, a local Origin or ID).
   */
  dropped: number;
  /** Syncs sent and received. */
  syncsSent: number;
  syncsReceived: number;
  /** Connected peers. */
  peers: number;
}

/** Skydive's `Peers` section of /api/status. */
export interface PeersStatus {
  Incomers: Record<string, ConnStatus>;
  Outgoers: Record<string, ConnStatus>;
}

export interface ReplicationOptions {
  graph: Graph;
  hostID: string;
  settings: ReplicationSettings;
  logger: Logger;
}

/**
 * @example
 * const replication = new Replication({ graph, hostID, settings, logger });
 * // history skips replicated elements: AnalyzerHistory.start(store, graph, { skip: replication.isReplicated })
 * // endpoints: [...,  replication.endpoint()]; once listening: replication.start()
 * await replication.close();
 */
export class Replication {
  readonly ledger: OriginLedger;
  private readonly applier: PeerApplier;
  private readonly channels = new Map<string, PeerChannel>();
  private readonly links: PeerLink[];
  private readonly logger: Logger;
  /** > 0 while a peer's message (or a peer's removal) changes the graph: not sent on. */
  private applying = 0;
  private readonly detach: (() => void)[];
  private readonly c = { sent: 0, received: 0, dropped: 0, syncsSent: 0, syncsReceived: 0 };
  private started = false;
  private closed = false;

  constructor(private readonly opts: ReplicationOptions) {
    this.logger = opts.logger.child({ component: 'replication' });
    const self = opts.hostID;
    // This analyzer's own origins (analyzer.<id>, api.<id>…) are never a peer's. Those of its
    // agents and publishers become local when they add an element here (see local()): an agent
    // connected to several analyzers writes only to its master, the others get it by replication.
    this.ledger = new OriginLedger((origin) => origin.slice(origin.indexOf('.') + 1) === self);
    this.applier = new PeerApplier(opts.graph, this.ledger);
    const g = opts.graph;
    const s = opts.settings;
    this.detach = [
      g.on('nodeAdded', (n) => this.local(n, () => msg(T.NodeAdded, nodeToJSON(n)), true)),
      g.on('nodeDeleted', (n) => this.local(n, () => msg(T.NodeDeleted, nodeToJSON(n)))),
      g.on('edgeAdded', (e) => this.local(e, () => msg(T.EdgeAdded, edgeToJSON(e)), true)),
      g.on('edgeDeleted', (e) => this.local(e, () => msg(T.EdgeDeleted, edgeToJSON(e)))),
      g.on('nodeUpdated', (n, ops) => this.local(n, () => partial(T.NodePartiallyUpdated, n, ops))),
      g.on('edgeUpdated', (e, ops) => this.local(e, () => partial(T.EdgePartiallyUpdated, e, ops))),
    ];
    this.links = s.peers.map(
      (address) =>
        new PeerLink(
          {
            address,
            hostID: self,
            auth: s.auth,
            tls: s.tls,
            tuning: s.tuning,
            logger: this.logger,
          },
          {
            opened: (ch) => this.register(ch),
            message: (ch, m) => this.received(ch, m),
            closed: (ch) => this.unregister(ch),
          },
        ),
    );
  }

  /** The history writer's skip predicate: true for what a peer replicated here. */
  readonly isReplicated = (el: GraphElement): boolean => this.ledger.isReplicated(el);

  /** `/ws/replication`, authenticated by the cluster backend. */
  endpoint(): Endpoint {
    return {
      path: WsPath.Replication,
      auth: 'cluster',
      prepare: (info) => {
        if (this.closed) throw new HandshakeError(503, 'analyzer shutting down');
        if (info.hostID === this.opts.hostID)
          // upgraded, so that the dialer reads our X-Host-ID and stops dialing itself
          return (conn: WsConnection) => conn.close(1000, 'connected to itself');
        const cur = this.channels.get(info.hostID);
        if (cur !== undefined && !prefer(info.hostID, cur))
          throw new HandshakeError(409, `already replicating with '${info.hostID}'`);
        return (conn: WsConnection) => {
          const ch = new IncomingChannel(conn);
          conn.onMessage((m) => this.received(ch, m));
          conn.onClose(() => this.unregister(ch));
          if (!this.register(ch)) conn.close(1000, `already replicating with '${ch.peer}'`);
        };
      },
    };
  }

  /** Dials the configured peers (call once the server listens: it may dial itself). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const l of this.links) l.start();
    if (this.links.length > 0)
      this.logger.info({ peers: this.links.map((l) => l.address) }, 'replication: dialing peers');
  }

  /** Stops dialing, closes every peer connection, stops following the graph. */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.detach.splice(0)) off();
    await Promise.all(this.links.map((l) => l.close()));
    for (const ch of [...this.channels.values()]) ch.close('analyzer shutting down');
  }

  /** Skydive's `Peers` section: connections by peer host ID. */
  peers(): PeersStatus {
    const out: PeersStatus = { Incomers: {}, Outgoers: {} };
    for (const ch of this.channels.values())
      (ch.direction === 'in' ? out.Incomers : out.Outgoers)[ch.peer] = ch.status();
    return out;
  }

  stats(): ReplicationStats {
    return { ...this.c, peers: this.channels.size };
  }

  /** Keeps `ch` as the connection with its peer, or returns false (another one stays). */
  private register(ch: PeerChannel): boolean {
    const cur = this.channels.get(ch.peer);
    if (cur === ch) return true;
    if (cur !== undefined) {
      if (!prefer(ch.dialer, cur)) return false;
      this.channels.set(ch.peer, ch);
      cur.close(`replaced by the connection ${ch.dialer} dialed`);
    } else this.channels.set(ch.peer, ch);
    this.logger.info({ peer: ch.peer, direction: ch.direction }, 'replication peer linked');
    this.sendSync(ch);
    return true;
  }

  /** A connection ended: if it was the one kept with its peer, that peer's subgraph goes. */
  private unregister(ch: PeerChannel): void {
    if (this.channels.get(ch.peer) !== ch) return;
    this.channels.delete(ch.peer);
    this.applying++;
    try {
      const res = this.applier.removePeer(ch.peer);
      this.logger.info({ peer: ch.peer, ...res }, 'replication peer lost; its subgraph deleted');
    } finally {
      this.applying--;
    }
  }

  /**
   * Sends the elements this analyzer owns (not those from peers): one Sync, or, when it would not
   * fit in a peer's message limit, consecutive parts (`Part`/`Parts` in the body, nodes before
   * edges) that the peer applies as one Sync once it has them all.
   */
  private sendSync(ch: PeerChannel): void {
    const budget = Math.max(16 * 1024, Math.floor(this.opts.settings.maxMessageBytes * 0.8));
    const parts: GraphJSON[] = [];
    let cur: GraphJSON = { Nodes: [], Edges: [] };
    let size = 0;
    const add = (list: 'Nodes' | 'Edges', json: NodeJSON | EdgeJSON) => {
      // measured once here and encoded again when sent: a Sync happens once per connection
      const bytes = Buffer.byteLength(JSON.stringify(json)) + 1;
      if (size > 0 && size + bytes > budget) {
        parts.push(cur);
        cur = { Nodes: [], Edges: [] };
        size = 0;
      }
      (cur[list] as (NodeJSON | EdgeJSON)[]).push(json);
      size += bytes;
    };
    for (const n of this.opts.graph.nodes())
      if (!this.ledger.isReplicated(n)) add('Nodes', nodeToJSON(n));
    for (const e of this.opts.graph.edges())
      if (!this.ledger.isReplicated(e)) add('Edges', edgeToJSON(e));
    parts.push(cur);
    this.c.syncsSent++;
    if (parts.length === 1) {
      this.deliver(ch, new Outgoing(msg(T.Sync, cur)));
      return;
    }
    this.logger.info({ peer: ch.peer, parts: parts.length }, 'replication: Sync sent in parts');
    parts.forEach((p, i) =>
      this.deliver(ch, new Outgoing(msg(T.Sync, { ...p, Part: i + 1, Parts: parts.length }))),
    );
  }

  private deliver(ch: PeerChannel, out: Outgoing): void {
    if (ch.send(out)) this.c.sent++;
    else this.c.dropped++;
  }

  /**
   * A graph change not caused by a peer: sent to every peer. An element added here makes its
   * origin local (an agent that elected this analyzer, a publisher): no peer owns it any more.
   * These listeners are subscribed before the history writer's, so the writer records that add.
   */
  private local(el: GraphElement, build: () => StructMessage, added = false): void {
    if (this.applying > 0) return;
    if (added) this.ledger.takeLocal(el.origin);
    if (this.channels.size === 0) return;
    const out = new Outgoing(build());
    if (this.opts.settings.debug) this.logDebug('send', out.message());
    for (const ch of this.channels.values()) this.deliver(ch, out);
  }

  private received(ch: PeerChannel, m: StructMessage): void {
    if (this.channels.get(ch.peer) !== ch) return; // a connection being replaced
    this.c.received++;
    if (this.opts.settings.debug) this.logDebug('receive', m, ch.peer);
    if (m.Type === 'Error' || m.Status >= 400) {
      // the peer refused something we sent: logged, never answered (no ping-pong of errors)
      this.logger.warn(
        { peer: ch.peer, status: m.Status, reason: m.Obj },
        'peer refused a message',
      );
      return;
    }
    if (m.Type === T.Sync || m.Type === T.SyncReply) this.c.syncsReceived++;
    this.applying++;
    try {
      const res = this.applier.apply(ch.peer, m);
      this.c.dropped += res.dropped;
      if (res.dropped > 0)
        this.logger.info(
          { peer: ch.peer, type: m.Type, dropped: res.dropped, reasons: res.reasons },
          'replicated elements not applied',
        );
    } catch (err) {
      this.c.dropped++;
      ch.refuse(m, err);
    } finally {
      this.applying--;
    }
  }

  private logDebug(dir: 'send' | 'receive', m: StructMessage, peer?: string): void {
    const obj = m.Obj as { ID?: unknown } | null;
    this.logger.info(
      { dir, peer, type: m.Type, id: obj && typeof obj === 'object' ? obj.ID : undefined },
      'replication message',
    );
  }
}

/** True when a connection dialed by `dialer` should replace `cur` (lower dialer host ID wins). */
function prefer(dialer: string, cur: PeerChannel): boolean {
  return dialer !== cur.dialer && dialer < cur.dialer;
}

function msg(type: string, obj: unknown): StructMessage {
  // no UUID: these are events, not requests (Skydive puts one; nobody reads it)
  return newStructMessage(Namespace.Graph, type, obj, '');
}

function partial(type: string, el: Node | Edge, ops: readonly PartialOp[]): StructMessage {
  return msg(type, { ID: el.id, UpdatedAt: el.updatedAt, Revision: el.revision, Ops: ops });
}
