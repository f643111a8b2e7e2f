// SPDX-License-Identifier: Apache-2.0
// The agent → analyzer topology stream (§2.7): one link per analyzer, the first connected one is
// the master and the only one the topology goes to. A new master gets a full Graph/Sync, then the
// coalesced changes of the local graph once per tick (NodeAdded, NodePartiallyUpdated, NodeDeleted
// and the Edge ones). A slow master holds changes in a bounded log; an overflow is replaced by a
// full Sync once the socket drains. While no analyzer is connected nothing is kept: the Sync that
// every new connection begins with carries the whole graph (the analyzer dropped this agent's
// subgraph when the previous connection ended, DeleteOnDisconnect).
import type { Logger } from 'pino';
import type { AuthOptions, TlsOptions } from '../../client/index.js';
import type { Graph } from '../../graph/index.js';
import {
  GraphMessageType as T,
  Namespace,
  edgeToJSON,
  newStructMessage,
  nodeToJSON,
  type GraphJSON,
  type StructMessage,
} from '../../protocol/index.js';
import type { ConnStatus } from '../../api/status.js';
import { ChangeLog } from './changes.js';
import { AnalyzerLink, DEFAULT_HANDSHAKE_TIMEOUT_MS, type LinkTuning } from './link.js';

/** Tuning of the uplink; every field has a default. */
export interface UplinkTuning extends LinkTuning {
  /** Most pending changes before they are dropped for a full Sync (http.ws.queue_size). */
  maxQueue: number;
  /** Messages handed to the socket and not yet written before the uplink holds back. */
  maxPendingWrites: number;
}

/** Defaults: Skydive's 1 s reconnect period as the first backoff step, its 7 s liveness window. */
export const DEFAULT_UPLINK_TUNING: UplinkTuning = {
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  heartbeatMs: 7000,
  handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  random: Math.random,
  maxQueue: 10_000,
  maxPendingWrites: 1000,
};

export interface UplinkOptions {
  /** The agent's local graph. */
  graph: Graph;
  /** host_id: X-Host-ID of every connection. */
  hostID: string;
  /** `host:port` of each analyzer, in order of preference for the master. */
  analyzers: readonly string[];
  /** Cluster credentials (agent.auth.cluster.*) and cookies (http.cookie). */
  auth?: AuthOptions;
  /** Dial wss:// with these when set. */
  tls?: TlsOptions | undefined;
  logger: Logger;
  tuning?: Partial<UplinkTuning>;
}

/** One analyzer in the agent's status (§3.5 `Analyzers`), with our counters. */
export interface AnalyzerLinkStatus extends ConnStatus {
  IsMaster: boolean;
  /** Changes waiting for this master (0 on other links). */
  QueueDepth: number;
  /** Changes dropped (replaced by a full Sync) while this link was master. */
  Dropped: number;
  /** Full Syncs sent on this link: on connection, on election, and resyncs. */
  Syncs: number;
  /** Syncs sent because changes were dropped or the analyzer missed one (a 404 answer). */
  Resyncs: number;
  ConnectAttempts: number;
  /** Attempts given up because the analyzer did not answer the WebSocket handshake in time. */
  HandshakeTimeouts: number;
  LastError?: string;
}

interface Counters {
  dropped: number;
  syncs: number;
  resyncs: number;
}

type SyncReason = 'connected' | 'elected' | 'overflow' | 'divergence';

/**
 * Handles a request an analyzer sent (OnDemandCapture, Flow…); `reply` answers it on the same
 * link (same Namespace and UUID).
 */
export type UplinkRequestHandler = (
  msg: StructMessage,
  reply: (type: string, obj: unknown, status?: number) => void,
) => void;

/**
 * Keeps the master analyzer's copy of the local graph current.
 * @example
 * const uplink = new Uplink({ graph, hostID: 'node1', analyzers: ['10.0.0.1:8082'], logger });
 * uplink.start();
 * // …
 * await uplink.close();
 */
export class Uplink {
  private readonly links: AnalyzerLink[];
  private readonly counters = new Map<AnalyzerLink, Counters>();
  private readonly log: ChangeLog;
  private readonly tuning: UplinkTuning;
  private readonly logger: Logger;
  private master: AnalyzerLink | undefined;
  private needSync: SyncReason | undefined;
  private scheduled = false;
  private closed = false;
  private unsubscribe: (() => void)[] = [];
  private readonly handlers = new Map<string, UplinkRequestHandler>();

  constructor(private readonly opts: UplinkOptions) {
    this.tuning = { ...DEFAULT_UPLINK_TUNING, ...opts.tuning };
    this.logger = opts.logger.child({ component: 'uplink' });
    this.log = new ChangeLog(this.tuning.maxQueue);
    const events = {
      open: (l: AnalyzerLink) => this.opened(l),
      lost: (l: AnalyzerLink) => this.lost(l),
      message: (l: AnalyzerLink, m: StructMessage) => this.received(l, m),
    };
    this.links = [...new Set(opts.analyzers)].map((address) => {
      const link = new AnalyzerLink(
        {
          address,
          hostID: opts.hostID,
          ...opts.auth,
          tls: opts.tls,
          logger: this.logger,
          tuning: this.tuning,
        },
        events,
      );
      this.counters.set(link, { dropped: 0, syncs: 0, resyncs: 0 });
      return link;
    });
  }

  /** Starts following the graph and connecting to every analyzer. */
  start(): void {
    const g = this.opts.graph;
    const log = this.log;
    this.unsubscribe = [
      g.on('nodeAdded', (n) => this.record(() => log.added(n))),
      g.on('nodeUpdated', (n, ops) => this.record(() => log.updated(n, ops))),
      g.on('nodeDeleted', (n) => this.record(() => log.deleted(n))),
      g.on('edgeAdded', (e) => this.record(() => log.added(e))),
      g.on('edgeUpdated', (e, ops) => this.record(() => log.updated(e, ops))),
      g.on('edgeDeleted', (e) => this.record(() => log.deleted(e))),
    ];
    if (this.links.length === 0) this.logger.info('no analyzer configured: standalone agent');
    for (const l of this.links) l.start();
  }

  /** Routes the analyzers' messages of `namespace` (below 400) to `handler`. */
  onRequest(namespace: string, handler: UplinkRequestHandler): void {
    this.handlers.set(namespace, handler);
  }

  /** The analyzer the topology goes to, if one is connected. */
  get masterAddress(): string | undefined {
    return this.master?.address;
  }

  /** Totals over every link (connection attempts, Syncs, resyncs, dropped changes). */
  get totals(): { attempts: number; syncs: number; resyncs: number; dropped: number } {
    const t = { attempts: 0, syncs: 0, resyncs: 0, dropped: 0 };
    for (const l of this.links) {
      const c = this.counters.get(l)!;
      t.attempts += l.attempts;
      t.syncs += c.syncs;
      t.resyncs += c.resyncs;
      t.dropped += c.dropped;
    }
    return t;
  }

  /** Changes waiting for the master. */
  get queueDepth(): number {
    return this.log.size;
  }

  /** The `Analyzers` section of the agent status, by address. */
  status(): Record<string, AnalyzerLinkStatus> {
    const out: Record<string, AnalyzerLinkStatus> = {};
    for (const l of this.links) {
      const c = this.counters.get(l)!;
      const isMaster = l === this.master;
      out[l.address] = {
        ...l.status(),
        IsMaster: isMaster,
        QueueDepth: isMaster ? this.log.size : 0,
        Dropped: c.dropped,
        Syncs: c.syncs,
        Resyncs: c.resyncs,
        ConnectAttempts: l.attempts,
        HandshakeTimeouts: l.handshakeTimeouts,
        ...(l.lastError ? { LastError: l.lastError } : {}),
      };
    }
    return out;
  }

  /** Stops following the graph and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe.splice(0)) u();
    this.master = undefined;
    await Promise.all(this.links.map((l) => l.close()));
  }

  // ── changes ─────────────────────────────────────────────────────────────

  /**
   * Logs a change for the master, counts an overflow it caused and schedules a flush. Without a
   * master nothing is logged: the next one gets a Sync of the whole graph instead.
   */
  private record(logChange: () => number): void {
    if (this.master === undefined) return;
    const dropped = logChange();
    if (dropped > 0) {
      this.counters.get(this.master)!.dropped += dropped;
      this.needSync ??= 'overflow';
      this.logger.warn(
        { analyzer: this.master.address, dropped, maxQueue: this.tuning.maxQueue },
        'too many pending changes: dropping them for a full Sync',
      );
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Sends what is pending to the master, unless its socket is backed up. */
  private readonly flush = (): void => {
    this.scheduled = false;
    const m = this.master;
    if (m === undefined || !m.connected) return;
    if (m.pendingWrites >= this.tuning.maxPendingWrites) return; // resumed by `written`
    if (this.needSync !== undefined) {
      this.sync(m, this.needSync);
      return;
    }
    const msgs = this.log.drain();
    if (msgs.length === 0) return;
    for (const msg of msgs) m.send(msg, this.written);
    if (this.logger.isLevelEnabled('debug'))
      this.logger.debug({ analyzer: m.address, messages: msgs.map((x) => x.Type) }, 'changes sent');
  };

  /** A message left the socket: resume a held-back flush once half the backlog is gone. */
  private readonly written = (): void => {
    const m = this.master;
    if (m === undefined) return;
    const waiting = this.log.size > 0 || this.needSync !== undefined;
    if (waiting && m.pendingWrites <= this.tuning.maxPendingWrites / 2) this.schedule();
  };

  /** Sends the whole graph to `link`; what was pending is part of it. */
  private sync(link: AnalyzerLink, reason: SyncReason): void {
    const g = this.opts.graph;
    const body: GraphJSON = {
      Nodes: Array.from(g.nodes(), nodeToJSON),
      Edges: Array.from(g.edges(), edgeToJSON),
    };
    if (!link.send(newStructMessage(Namespace.Graph, T.Sync, body), this.written)) return;
    this.log.reset();
    this.needSync = undefined;
    const c = this.counters.get(link)!;
    c.syncs++;
    if (reason === 'overflow' || reason === 'divergence') c.resyncs++;
    this.logger.info(
      { analyzer: link.address, reason, nodes: body.Nodes.length, edges: body.Edges.length },
      'topology synced',
    );
  }

  // ── links ───────────────────────────────────────────────────────────────

  private opened(link: AnalyzerLink): void {
    if (this.closed || this.master !== undefined) return;
    this.master = link;
    this.logger.info({ analyzer: link.address }, 'master analyzer');
    this.sync(link, 'connected');
  }

  private lost(link: AnalyzerLink): void {
    if (link !== this.master) return;
    this.master = this.links.find((l) => l !== link && l.connected);
    this.log.reset();
    this.needSync = undefined;
    if (this.master === undefined) {
      this.logger.warn('no analyzer connected: changes wait for the next Sync');
      return;
    }
    this.logger.info({ analyzer: this.master.address }, 'master analyzer');
    this.sync(this.master, 'elected');
  }

  private received(link: AnalyzerLink, msg: StructMessage): void {
    const handler = this.handlers.get(msg.Namespace);
    if (handler && msg.Status < 400) {
      try {
        handler(msg, (type, obj, status = 200) =>
          link.send({
            Namespace: msg.Namespace,
            Type: type,
            UUID: msg.UUID,
            Status: status,
            Obj: obj,
          }),
        );
      } catch (err) {
        this.logger.error({ err, namespace: msg.Namespace, type: msg.Type }, 'request failed');
        link.send({ ...msg, Type: `${msg.Type}Reply`, Status: 500, Obj: String(err) });
      }
      return;
    }
    if (msg.Status < 400) return;
    const reason = typeof msg.Obj === 'string' ? msg.Obj : JSON.stringify(msg.Obj);
    this.logger.warn(
      { analyzer: link.address, type: msg.Type, status: msg.Status, reason },
      'analyzer refused a message',
    );
    // The analyzer lacks an element we update or delete: our copies diverged, start over.
    if (link === this.master && msg.Namespace === Namespace.Graph && msg.Status === 404) {
      this.needSync ??= 'divergence';
      this.schedule();
    }
  }
}
