// SPDX-License-Identifier: Apache-2.0
// The analyzer's on-demand capture controller (skydive-compat §2.11): watches capture resources,
// selects nodes with each capture's Gremlin query, re-evaluates (debounced) as the graph changes,
// and sends OnDemandCapture Start/Stop to the agent owning each node over /ws/agent/topology.
import type { Logger } from 'pino';
import type { Graph, Node } from '../../graph/index.js';
import {
  Namespace,
  OnDemandMessageType as T,
  OnDemandNotificationType as N,
  newStructMessage,
  type OnDemandMsg,
  type StructMessage,
} from '../../protocol/index.js';
import { captureToJSON, captureTypeFor, type Capture } from '../../protocol/capture.js';
import type { ResourceEvent, ResourceStore } from '../../storage/resource-store.js';

/** What the controller needs from the WebSocket side. */
export interface AgentChannel {
  /** The connection of the agent with this host ID, if connected. */
  agent(
    hostID: string,
  ): { request(msg: StructMessage, timeoutMs?: number): Promise<StructMessage> } | undefined;
  /** Sends to every subscriber that wants the namespace (notifications). */
  broadcast(msg: StructMessage): void;
}

export interface OnDemandOptions {
  graph: Graph;
  store: ResourceStore;
  channel: AgentChannel;
  /** Runs a capture's Gremlin query on the live graph; must return nodes. */
  select(query: string): Promise<readonly Node[]>;
  logger: Logger;
  /** Debounce of re-evaluation after graph changes (Skydive: 1 s). */
  debounceMs?: number;
  /** Reply timeout of Start/Stop (default 10 s). */
  requestTimeoutMs?: number;
}

/** Metadata keys whose changes cannot change which nodes a capture selects (counters). */
const QUIET = /^(Captures|Metric|LastUpdateMetric|SFlow|Ovs)(\.|$)/;

interface Registration {
  host: string;
  state: 'starting' | 'started' | 'failed';
}

/** Counters for /api/status and /metrics. */
export interface OnDemandStats {
  captures: number;
  registrations: number;
  starts: number;
  startFailures: number;
  stops: number;
}

/**
 * Keeps agents capturing where the captures say. A node gets a Start once (a failed Start is
 * retried at the next evaluation); a node that stops matching, or a deleted capture, gets a Stop.
 * @example
 * const od = new OnDemandController({ graph, store, channel: hub, select, logger });
 * od.start();
 */
export class OnDemandController {
  private readonly captures = new Map<string, Capture>();
  /** capture UUID → node ID → registration. */
  private readonly regs = new Map<string, Map<string, Registration>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly notified = new Set<string>();
  /** `nodeID/captureID` of orphan captures already sent a Stop. */
  private readonly orphans = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly logger: Logger;
  readonly stats: OnDemandStats = {
    captures: 0,
    registrations: 0,
    starts: 0,
    startFailures: 0,
    stops: 0,
  };

  constructor(private readonly opts: OnDemandOptions) {
    this.logger = opts.logger.child({ component: 'ondemand' });
  }

  /** Follows the capture resources and the graph. */
  start(): void {
    const g = this.opts.graph;
    const poke = () => this.schedule();
    this.unsubscribe.push(
      this.opts.store.watch('capture', (e) => this.onResource(e), { replay: true }),
      g.on('nodeAdded', poke),
      g.on('nodeUpdated', (n, ops) => {
        if (ops.some((op) => op.Key.startsWith('Captures'))) this.notifyActive(n);
        if (ops.some((op) => !QUIET.test(op.Key))) poke();
      }),
      g.on('edgeAdded', poke),
      g.on('nodeDeleted', (n) => this.forgetNode(n.id)),
    );
  }

  /** Stops following; running captures are left to the agents (they stop when the link drops). */
  async close(): Promise<void> {
    this.closed = true;
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** The nodes where a capture was started (for status and tests). */
  nodesOf(captureID: string): string[] {
    return [...(this.regs.get(captureID)?.entries() ?? [])]
      .filter(([, r]) => r.state === 'started')
      .map(([id]) => id);
  }

  private onResource(e: ResourceEvent): void {
    const c = e.resource as unknown as Capture;
    if (e.type === 'created') {
      this.captures.set(c.UUID, c);
      this.opts.channel.broadcast(
        newStructMessage(Namespace.OnDemandCaptureNotification, N.Added, captureToJSON(c)),
      );
      this.schedule(0);
    } else {
      this.captures.delete(c.UUID);
      const regs = this.regs.get(c.UUID);
      this.regs.delete(c.UUID);
      for (const [nodeID, r] of regs ?? []) this.stop(c, nodeID, r.host);
      this.opts.channel.broadcast(
        newStructMessage(Namespace.OnDemandCaptureNotification, N.Deleted, captureToJSON(c)),
      );
    }
    this.stats.captures = this.captures.size;
  }

  /** Tells subscribers the first time a node reports a capture active (NodeUpdated). */
  private notifyActive(n: Node): void {
    const caps = n.metadata.Captures;
    if (!Array.isArray(caps)) return;
    for (const m of caps as { ID?: unknown; State?: unknown }[]) {
      const c = typeof m?.ID === 'string' ? this.captures.get(m.ID) : undefined;
      const key = `${n.id}/${String(m?.ID)}`;
      if (!c || m.State !== 'active' || this.notified.has(key)) continue;
      this.notified.add(key);
      this.opts.channel.broadcast(
        newStructMessage(Namespace.OnDemandCaptureNotification, N.NodeUpdated, captureToJSON(c)),
      );
    }
  }

  private forgetNode(nodeID: string): void {
    for (const key of [...this.orphans]) if (key.startsWith(`${nodeID}/`)) this.orphans.delete(key);
    for (const key of [...this.notified])
      if (key.startsWith(`${nodeID}/`)) this.notified.delete(key);
    for (const regs of this.regs.values()) regs.delete(nodeID);
    this.count();
  }

  private count(): void {
    let n = 0;
    for (const r of this.regs.values()) n += r.size;
    this.stats.registrations = n;
  }

  /** Evaluates soon; several changes within the debounce make one evaluation. */
  schedule(delay = this.opts.debounceMs ?? 1000): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.evaluate()
        .catch((err: unknown) => this.logger.error({ err }, 'capture evaluation failed'))
        .finally(() => {
          this.running = undefined;
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    }, delay);
    this.timer.unref?.();
  }

  /** One pass over every capture. */
  async evaluate(): Promise<void> {
    for (const c of [...this.captures.values()]) {
      let nodes: readonly Node[];
      try {
        nodes = await this.opts.select(c.GremlinQuery);
      } catch (err) {
        this.logger.info({ capture: c.UUID, err: (err as Error).message }, 'capture query failed');
        continue;
      }
      if (!this.captures.has(c.UUID)) continue;
      let regs = this.regs.get(c.UUID);
      if (!regs) this.regs.set(c.UUID, (regs = new Map()));
      const wanted = new Set<string>();
      for (const n of nodes) {
        if (n.host === '' || wanted.has(n.id)) continue;
        const type = n.metadata.Type;
        if (typeof type !== 'string' || captureTypeFor(type, c.Type ?? '') === undefined) continue;
        wanted.add(n.id);
        const r = regs.get(n.id);
        if (r === undefined || r.state === 'failed') this.startOn(c, n, regs);
      }
      for (const [nodeID, r] of [...regs])
        if (!wanted.has(nodeID) && r.state !== 'starting') {
          regs.delete(nodeID);
          // A failed start may have left an error entry on the node: Stop clears it too.
          this.stop(c, nodeID, r.host);
        }
    }
    await this.stopOrphans();
    this.count();
  }

  /**
   * Stops captures that agents still run for a capture that no longer exists (deleted while the
   * analyzer was down, or lost with an in-memory store): a `Captures` entry whose ID the store
   * does not know gets a Stop, once per node.
   */
  private async stopOrphans(): Promise<void> {
    for (const n of this.opts.graph.nodes()) {
      const caps = n.metadata.Captures;
      if (!Array.isArray(caps) || n.host === '') continue;
      for (const m of caps as { ID?: unknown }[]) {
        const id = m?.ID;
        const key = `${n.id}/${String(id)}`;
        if (typeof id !== 'string' || this.captures.has(id) || this.orphans.has(key)) continue;
        if (await this.opts.store.get('capture', id)) continue;
        this.orphans.add(key);
        this.logger.info({ capture: id, node: n.id, host: n.host }, 'stopping an orphan capture');
        this.stop({ UUID: id, GremlinQuery: '' } as Capture, n.id, n.host);
      }
    }
  }

  private startOn(c: Capture, n: Node, regs: Map<string, Registration>): void {
    const conn = this.opts.channel.agent(n.host);
    if (!conn) return;
    const reg: Registration = { host: n.host, state: 'starting' };
    regs.set(n.id, reg);
    const obj: OnDemandMsg = { NodeID: n.id, Resource: { ...captureToJSON(c) } };
    this.stats.starts++;
    conn
      .request(
        newStructMessage(Namespace.OnDemandCapture, T.Start, obj),
        this.opts.requestTimeoutMs,
      )
      .then((reply) => {
        if (reply.Status === 200) {
          reg.state = 'started';
          this.logger.info({ capture: c.UUID, node: n.id, host: n.host }, 'capture started');
          return;
        }
        throw new Error(`agent answered ${reply.Status}: ${JSON.stringify(reply.Obj)}`);
      })
      .catch((err: unknown) => {
        this.stats.startFailures++;
        reg.state = 'failed';
        this.logger.warn(
          { capture: c.UUID, node: n.id, host: n.host, err: (err as Error).message },
          'capture start failed; retried at the next evaluation',
        );
      });
  }

  private stop(c: Capture, nodeID: string, host: string): void {
    const conn = this.opts.channel.agent(host);
    if (!conn) return;
    this.stats.stops++;
    const obj: OnDemandMsg = { NodeID: nodeID, Resource: { ...captureToJSON(c) } };
    conn
      .request(newStructMessage(Namespace.OnDemandCapture, T.Stop, obj), this.opts.requestTimeoutMs)
      .then((reply) => {
        if (reply.Status !== 200 && reply.Status !== 404)
          this.logger.warn({ capture: c.UUID, node: nodeID, status: reply.Status }, 'stop refused');
      })
      .catch((err: unknown) =>
        this.logger.info({ capture: c.UUID, node: nodeID, err: (err as Error).message }, 'stop'),
      );
  }
}
