// SPDX-License-Identifier: Apache-2.0
// Watches the graph for interface nodes (an IfIndex and a Name) and adds what ethtool knows.
// Work is coalesced per node, grouped per namespace into batches, run by a few workers, and
// cached per (namespace node, IfIndex): a burst of 500 interfaces costs ~500/batch processes,
// at most `workers` at a time.
import {
  OP_DEL,
  OP_SET,
  type Edge,
  type Graph,
  type Node,
  type PartialOp,
} from '../../graph/index.js';
import type { EthtoolInfo } from './parse.js';
import type { EthtoolRunner } from './runner.js';

export interface EnricherOptions {
  /** Batches running at once. */
  workers: number;
  /** Interfaces per batch (one child process). */
  batch: number;
  /** Called with batch failures (the interfaces are retried on their next change). */
  onError?: (err: unknown, nsPath: string | undefined) => void;
}

/** Where an interface lives: its namespace node, and the path to enter it (none: ours). */
interface Place {
  nsNode: string;
  path: string | undefined;
}

const OWN_KEYS = new Set(['Driver', 'BusInfo', 'Speed', 'Features']);
// Changes that may change ethtool's answers (a renamed or re-created link, a carrier change).
const RELEVANT = new Set(['IfIndex', 'Name', 'State', 'LinkFlags']);

/** An interface node: a numeric IfIndex and a Name. */
export function isInterface(n: Node): boolean {
  return typeof n.metadata['IfIndex'] === 'number' && typeof n.metadata['Name'] === 'string';
}

/** Enriches interface nodes of one graph. */
export class EthtoolEnricher {
  private readonly pending = new Map<string, boolean>(); // node ID → forced
  private readonly inflight = new Set<string>(); // cache keys
  private readonly cache = new Map<string, { name: string; info: EthtoolInfo }>();
  private scheduled = false;
  private running = 0;
  private stopped = false;
  /** Counters for status(). */
  readonly stats = { batches: 0, queried: 0, cached: 0, failures: 0 };

  constructor(
    private readonly graph: Graph,
    private readonly root: Node,
    private readonly runner: EthtoolRunner,
    private readonly opts: EnricherOptions,
  ) {}

  /** Subscribes to the graph and queues the interfaces already there; returns the unsubscriber. */
  watch(): () => void {
    this.stopped = false;
    const offs = [
      this.graph.on('nodeAdded', (n) => {
        if (isInterface(n)) this.schedule(n.id);
      }),
      this.graph.on('nodeUpdated', (n, ops) => {
        if (isInterface(n) && ops.some((o) => RELEVANT.has(o.Key.split('.', 1)[0]!)))
          this.schedule(n.id, true);
      }),
      this.graph.on('edgeAdded', (e: Edge) => {
        if (e.metadata['RelationType'] !== 'ownership') return;
        const child = this.graph.getNode(e.child);
        if (child && isInterface(child)) this.schedule(child.id);
      }),
      this.graph.on('nodeDeleted', (n) => this.evict(n)),
    ];
    for (const n of this.graph.nodes()) if (isInterface(n)) this.schedule(n.id);
    return () => {
      this.stopped = true;
      this.pending.clear();
      for (const off of offs) off();
    };
  }

  /** Queues a node; `force` ignores the cache. Bursts are coalesced until the next turn. */
  schedule(id: string, force = false): void {
    this.pending.set(id, (this.pending.get(id) ?? false) || force);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Interfaces waiting or running. */
  get backlog(): number {
    return this.pending.size + this.inflight.size;
  }

  private evict(n: Node): void {
    this.pending.delete(n.id);
    if (n.metadata['Type'] === 'netns')
      for (const k of this.cache.keys()) if (k.startsWith(`${n.id}#`)) this.cache.delete(k);
  }

  /** The namespace an interface lives in, up its ownership chain; undefined until linked. */
  private placeOf(n: Node): Place | undefined {
    let cur = n;
    for (let depth = 0; depth < 8; depth++) {
      const up = this.graph.inEdges(cur.id).find((e) => e.metadata['RelationType'] === 'ownership');
      const parent = up && this.graph.getNode(up.parent);
      if (!parent) return undefined;
      if (parent.id === this.root.id || parent.metadata['Type'] === 'host')
        return { nsNode: parent.id, path: undefined };
      if (parent.metadata['Type'] === 'netns') {
        const path = parent.metadata['Path'];
        return typeof path === 'string' && path !== '' ? { nsNode: parent.id, path } : undefined;
      }
      cur = parent;
    }
    return undefined;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.opts.workers && this.pending.size > 0) {
      const batch = this.take();
      if (!batch) return;
      this.running++;
      this.stats.batches++;
      void this.run(batch.place, batch.items).finally(() => {
        this.running--;
        for (const it of batch.items) this.inflight.delete(it.key);
        this.pump();
      });
    }
  }

  /** Takes up to `batch` pending interfaces of one namespace, answering cached ones on the way. */
  private take(): { place: Place; items: { id: string; name: string; key: string }[] } | undefined {
    let place: Place | undefined;
    const items: { id: string; name: string; key: string }[] = [];
    for (const [id, force] of this.pending) {
      if (items.length >= this.opts.batch) break;
      const n = this.graph.getNode(id);
      if (!n || !isInterface(n)) {
        this.pending.delete(id);
        continue;
      }
      const where = this.placeOf(n);
      if (!where) {
        this.pending.delete(id); // queued again when its ownership edge arrives
        continue;
      }
      if (place && where.nsNode !== place.nsNode) continue;
      const name = n.metadata['Name'] as string;
      const key = `${where.nsNode}#${n.metadata['IfIndex'] as number}`;
      if (this.inflight.has(key)) continue; // after the running batch, from the cache
      const hit = this.cache.get(key);
      if (!force && hit && hit.name === name) {
        this.pending.delete(id);
        this.stats.cached++;
        this.apply(n, hit.info);
        continue;
      }
      this.pending.delete(id);
      this.inflight.add(key);
      place ??= where;
      items.push({ id, name, key });
    }
    return place && items.length > 0 ? { place, items } : undefined;
  }

  private async run(place: Place, items: { id: string; name: string; key: string }[]) {
    let results: Map<string, EthtoolInfo>;
    try {
      results = await this.runner.query(
        place.path,
        items.map((i) => i.name),
      );
    } catch (err) {
      this.stats.failures++;
      this.opts.onError?.(err, place.path);
      return;
    }
    if (this.stopped) return;
    for (const it of items) {
      const info = results.get(it.name);
      if (!info) continue; // gone from its namespace: nothing to say
      this.stats.queried++;
      this.cache.set(it.key, { name: it.name, info });
      const n = this.graph.getNode(it.id);
      if (n && n.metadata['Name'] === it.name) this.apply(n, info);
    }
  }

  /** Sets what ethtool said; drops a Speed that became unknown. */
  private apply(n: Node, info: EthtoolInfo): void {
    const ops: PartialOp[] = [];
    for (const [k, v] of Object.entries(info))
      if (OWN_KEYS.has(k) && v !== undefined) ops.push({ Type: OP_SET, Key: k, Value: v });
    if (info.Speed === undefined && n.metadata['Speed'] !== undefined)
      ops.push({ Type: OP_DEL, Key: 'Speed' });
    if (ops.length > 0) this.graph.updateMetadata(n, ops);
  }
}
