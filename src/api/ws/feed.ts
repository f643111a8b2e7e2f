// SPDX-License-Identifier: Apache-2.0
// Graph events → subscribers (§2.8). Unfiltered subscribers get each event as it happens, encoded
// once for all of them. Filtered subscribers share one evaluation per distinct filter: events mark
// the filters dirty, and once per tick (less often when evaluations are costly) each filter is
// re-run and the difference with its previous subgraph is sent, then updates of kept elements.
import type { Logger } from 'pino';
import type { Graph } from '../../graph/index.js';
import type { GraphElement, PartialOp } from '../../graph/types.js';
import { GraphMessageType as T } from '../../protocol/index.js';
import { ElementOutgoing, type Outgoing } from './codec.js';
import type { WsConnection } from './connection.js';
import { MIXED, UpdateOut, diffMessages, type TickEntry } from './feed-messages.js';
import type { CompiledFilter, Subgraph } from './filter.js';

/** One subscriber: its connection, update policy and filter group (none: unfiltered). */
export interface Subscription {
  readonly conn: WsConnection;
  readonly partial: boolean;
  group: FilterGroup | undefined;
  /** False while waiting for its first filter evaluation: it receives nothing meanwhile. */
  active: boolean;
}

/** Subscribers sharing one filter query, and the subgraph it selected last time. */
export interface FilterGroup {
  readonly filter: CompiledFilter;
  readonly members: Set<Subscription>;
  current: Subgraph;
  dirty: boolean;
}

/**
 * Fans graph events out to subscribers; one instance per hub graph.
 *
 * Filter evaluations are asynchronous (the Gremlin engine is), so they run one at a time on a job
 * chain: a group's `current` and the diffs sent after it always line up, whenever a member joins.
 * Events are logged for filtered groups while any group exists or is being created.
 */
export class GraphFeed {
  private readonly unfiltered = new Set<Subscription>();
  private readonly groups = new Map<string, FilterGroup>();
  private nodeLog = new Map<string, TickEntry>();
  private edgeLog = new Map<string, TickEntry>();
  private readonly unsubscribe: (() => void)[];
  private source: WsConnection | null = null;
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private flushQueued = false;
  private notBefore = 0;
  private jobs: Promise<void> = Promise.resolve();
  private pendingJobs = 0;
  private closed = false;

  constructor(
    private readonly graph: Graph,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = [
      graph.on('nodeAdded', (n) => this.added(n)),
      graph.on('nodeUpdated', (n, ops) => this.updated(n, ops)),
      graph.on('nodeDeleted', (n) => this.deleted(n)),
      graph.on('edgeAdded', (e) => this.added(e)),
      graph.on('edgeUpdated', (e, ops) => this.updated(e, ops)),
      graph.on('edgeDeleted', (e) => this.deleted(e)),
    ];
  }

  /** Number of subscribers, filtered or not. */
  get size(): number {
    let n = this.unfiltered.size;
    for (const g of this.groups.values()) n += g.members.size;
    return n;
  }

  /** Number of distinct filters in use. */
  get filterCount(): number {
    return this.groups.size;
  }

  /** Registers a subscriber, unfiltered and receiving events at once. */
  subscribe(conn: WsConnection, partial: boolean): Subscription {
    const sub: Subscription = { conn, partial, group: undefined, active: true };
    this.unfiltered.add(sub);
    return sub;
  }

  /**
   * Registers a subscriber that starts filtered: it receives nothing until the filter has been
   * evaluated, then the differences from that result on.
   */
  subscribeFiltered(
    conn: WsConnection,
    partial: boolean,
    filter: CompiledFilter,
  ): { sub: Subscription; ready: Promise<Subgraph | undefined> } {
    const sub: Subscription = { conn, partial, group: undefined, active: false };
    return { sub, ready: this.setFilter(sub, filter) };
  }

  /** Removes a subscriber (on disconnect). */
  unsubscribeConn(sub: Subscription): void {
    sub.active = false;
    this.unfiltered.delete(sub);
    this.leave(sub);
  }

  /**
   * Runs `fn` (a publication by `conn`) so that the events it causes are not echoed to `conn`
   * (pubsub, §2.8).
   */
  withSource<R>(conn: WsConnection, fn: () => R): R {
    const prev = this.source;
    this.source = conn;
    try {
      return fn();
    } finally {
      this.source = prev;
    }
  }

  /**
   * Gives `sub` a filter (or none) and resolves with what it now sees: the filter's subgraph, or
   * undefined for the whole live graph. Send the SyncReply from that value: later diffs are
   * relative to it.
   * @throws (rejects) SkydiveError from the filter; the subscription is then unchanged.
   */
  async setFilter(
    sub: Subscription,
    filter: CompiledFilter | undefined,
  ): Promise<Subgraph | undefined> {
    if (filter === undefined) {
      this.leave(sub);
      this.unfiltered.add(sub);
      sub.active = true;
      return undefined;
    }
    const existing = this.groups.get(filter.query);
    if (existing) return this.join(sub, existing);
    return this.job(async () => {
      const again = this.groups.get(filter.query);
      if (again) return this.join(sub, again);
      const logged = this.nodeLog.size + this.edgeLog.size;
      const current = await filter.run(this.graph);
      const g: FilterGroup = { filter, members: new Set(), current, dirty: false };
      // Events that arrived while it ran are in the log: the next evaluation covers them.
      if (this.nodeLog.size + this.edgeLog.size > logged) {
        g.dirty = true;
        this.schedule();
      }
      // A subscriber gone meanwhile does not create a group.
      if (this.closed || !sub.conn.isOpen) return undefined;
      this.groups.set(filter.query, g);
      return this.join(sub, g);
    });
  }

  private join(sub: Subscription, g: FilterGroup): Subgraph {
    if (sub.group !== g) {
      this.leave(sub);
      this.unfiltered.delete(sub);
      g.members.add(sub);
      sub.group = g;
    }
    sub.active = true;
    return g.current;
  }

  /** What `sub` sees now: its filter's last subgraph, or undefined for the whole live graph. */
  view(sub: Subscription): Subgraph | undefined {
    return sub.group?.current;
  }

  /** Sends a message to every active subscriber that wants its namespace (alerts…). */
  broadcast(out: Outgoing): void {
    for (const s of this.unfiltered) s.conn.enqueue(out);
    for (const g of this.groups.values()) for (const s of g.members) s.conn.enqueue(out);
  }

  private leave(sub: Subscription): void {
    const g = sub.group;
    if (g === undefined) return;
    g.members.delete(sub);
    sub.group = undefined;
    if (g.members.size === 0) this.groups.delete(g.filter.query);
  }

  // ── graph events ─────────────────────────────────────────────────────────

  // Listeners never throw into the graph: a failure here would surface in whoever wrote the change.
  private added(el: GraphElement): void {
    try {
      if (this.unfiltered.size > 0)
        this.fanOut(new ElementOutgoing(el.kind === 'node' ? T.NodeAdded : T.EdgeAdded, el));
      this.log(el, undefined);
    } catch (err) {
      this.failed(err, el);
    }
  }

  private deleted(el: GraphElement): void {
    try {
      if (this.unfiltered.size > 0)
        this.fanOut(new ElementOutgoing(el.kind === 'node' ? T.NodeDeleted : T.EdgeDeleted, el));
      this.log(el, undefined);
    } catch (err) {
      this.failed(err, el);
    }
  }

  private updated(el: GraphElement, ops: readonly PartialOp[]): void {
    try {
      if (this.unfiltered.size > 0) {
        const u = new UpdateOut(el, ops);
        const src = this.source;
        for (const s of this.unfiltered) if (s.conn !== src) s.conn.enqueue(u.get(s.partial));
      }
      this.log(el, ops);
    } catch (err) {
      this.failed(err, el);
    }
  }

  private fanOut(out: Outgoing): void {
    const src = this.source;
    for (const s of this.unfiltered) if (s.conn !== src) s.conn.enqueue(out);
  }

  private failed(err: unknown, el: GraphElement): void {
    this.logger.error(
      { err, id: el.id, kind: el.kind },
      'could not send a graph event to subscribers',
    );
  }

  private log(el: GraphElement, ops: readonly PartialOp[] | undefined): void {
    if (this.groups.size === 0 && this.pendingJobs === 0) return;
    const m = el.kind === 'node' ? this.nodeLog : this.edgeLog;
    const e = m.get(el.id);
    if (e === undefined) {
      m.set(el.id, { ops: ops ? [...ops] : [], updated: ops !== undefined, source: this.source });
    } else {
      if (ops) {
        e.ops.push(...ops);
        e.updated = true;
      }
      if (e.source !== this.source) e.source = MIXED;
    }
    for (const g of this.groups.values()) g.dirty = true;
    this.schedule();
  }

  // ── filtered evaluation ──────────────────────────────────────────────────

  /** Runs `fn` after every job queued before it. */
  private job<R>(fn: () => Promise<R>): Promise<R> {
    this.pendingJobs++;
    const run = this.jobs.then(fn).finally(() => this.pendingJobs--);
    this.jobs = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.flushQueued || this.closed) return;
    const wait = this.notBefore - Date.now();
    this.timer = wait > 0 ? setTimeout(this.queueFlush, wait) : setImmediate(this.queueFlush);
  }

  private readonly queueFlush = (): void => {
    this.timer = undefined;
    void this.flush();
  };

  /** Re-runs every dirty filter (after pending jobs) and sends the differences. */
  flush(): Promise<void> {
    if (this.flushQueued) return this.jobs;
    this.flushQueued = true;
    return this.job(async () => {
      this.flushQueued = false;
      const nodeLog = this.nodeLog;
      const edgeLog = this.edgeLog;
      this.nodeLog = new Map();
      this.edgeLog = new Map();
      const started = Date.now();
      for (const g of [...this.groups.values()]) {
        if (!g.dirty || this.closed) continue;
        g.dirty = false;
        await this.evaluate(g, nodeLog, edgeLog);
      }
      // Evaluations take at most about half of the time: bursts are coalesced further.
      const took = Date.now() - started;
      this.notBefore = took > 1 ? Date.now() + took : 0;
      if (this.nodeLog.size + this.edgeLog.size > 0) this.schedule();
    });
  }

  private async evaluate(
    g: FilterGroup,
    nodeLog: ReadonlyMap<string, TickEntry>,
    edgeLog: ReadonlyMap<string, TickEntry>,
  ): Promise<void> {
    let next: Subgraph;
    try {
      next = await g.filter.run(this.graph);
    } catch (err) {
      this.logger.error(
        { err, filter: g.filter.query },
        'subscriber filter failed; keeping its last result',
      );
      return;
    }
    const prev = g.current;
    g.current = next;
    const msgs = diffMessages(prev, next, nodeLog, edgeLog);
    for (const s of g.members) {
      for (const [m, src] of msgs) {
        if (src === s.conn) continue;
        s.conn.enqueue(m instanceof UpdateOut ? m.get(s.partial) : m);
      }
    }
  }

  /** Stops listening to the graph. */
  close(): void {
    this.closed = true;
    for (const u of this.unsubscribe) u();
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
  }
}
