// SPDX-License-Identifier: Apache-2.0
// Applies node and edge rules to the hub graph. Rules arrive through the ResourceStore watch (so
// rules created on another analyzer or replayed at boot apply too); graph changes schedule one
// debounced re-evaluation of the query-based rules. Changes the engine makes itself are ignored,
// so two rules setting one key cannot ping-pong: the later rule in creation order wins.
import type { Logger } from 'pino';
import {
  OP_DEL,
  OP_SET,
  deepEqual,
  linkID,
  type Graph,
  type GraphEventName,
  type Node,
  type PartialOp,
} from '../../graph/index.js';
import type { ResourceEvent, ResourceStore } from '../../storage/resource-store.js';
import type { EdgeRule, NodeRule, RuleQueries } from './types.js';
import { nodeRuleNodeID } from './validate.js';

export interface RuleEngineOptions {
  graph: Graph;
  store: ResourceStore;
  queries: RuleQueries;
  logger: Logger;
  /** Origin and Host stamped on created nodes and edges (`analyzer.<host>`, host id). */
  origin: string;
  host: string;
  /** Delay that groups bursts of graph events into one re-evaluation (default 100 ms). */
  debounceMs?: number;
}

const GRAPH_EVENTS: GraphEventName[] = [
  'nodeAdded',
  'nodeUpdated',
  'nodeDeleted',
  'edgeAdded',
  'edgeUpdated',
  'edgeDeleted',
];

/**
 * Lifecycle: `start()` subscribes (existing rules are replayed and applied), `stop()` unsubscribes
 * and leaves the graph as it is. `flush()` runs any pending re-evaluation now (tests, shutdown).
 */
export class RuleEngine {
  private readonly o: RuleEngineOptions;
  private readonly nodeRules = new Map<string, NodeRule>();
  private readonly edgeRules = new Map<string, EdgeRule>();
  /** update rule UUID → IDs of the nodes it merged its metadata into. */
  private readonly updated = new Map<string, Set<string>>();
  /** edge rule UUID → ID of the edge it made. */
  private readonly linked = new Map<string, string>();
  private readonly offs: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private applying = 0;

  constructor(opts: RuleEngineOptions) {
    this.o = opts;
  }

  start(): void {
    const onGraph = () => this.graphChanged();
    for (const ev of GRAPH_EVENTS) this.offs.push(this.o.graph.on(ev, onGraph));
    const guard = (fn: (e: ResourceEvent) => void) => (e: ResourceEvent) => {
      try {
        fn(e);
      } catch (err) {
        this.o.logger.error({ err, rule: e.resource.UUID }, 'applying a rule failed');
      }
    };
    this.offs.push(
      this.o.store.watch(
        'noderule',
        guard((e) => this.onNodeRule(e)),
        { replay: true },
      ),
    );
    this.offs.push(
      this.o.store.watch(
        'edgerule',
        guard((e) => this.onEdgeRule(e)),
        { replay: true },
      ),
    );
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs the pending re-evaluation, if any, and waits for it. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.dirty = true;
    }
    while (this.running || this.dirty) {
      if (!this.running) {
        this.dirty = false;
        this.running = this.evaluate().finally(() => {
          this.running = undefined;
        });
      }
      await this.running;
    }
  }

  /** Mutates the graph without triggering our own re-evaluation. */
  private quietly<T>(fn: () => T): T {
    this.applying++;
    try {
      return fn();
    } finally {
      this.applying--;
    }
  }

  private graphChanged(): void {
    if (this.applying > 0) return;
    if (this.edgeRules.size === 0 && this.updated.size === 0) return;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.offs.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dirty = true;
      void this.flush();
    }, this.o.debounceMs ?? 100);
    this.timer.unref();
  }

  private async evaluate(): Promise<void> {
    try {
      for (const r of [...this.nodeRules.values()])
        if (r.Action === 'update') await this.applyUpdate(r);
      for (const r of [...this.edgeRules.values()]) await this.applyEdge(r);
    } catch (err) {
      this.o.logger.error({ err }, 'rule evaluation failed');
    }
  }

  // ── node rules ───────────────────────────────────────────────────────────

  private onNodeRule(e: ResourceEvent): void {
    const rule = e.resource as unknown as NodeRule;
    if (e.type === 'created') {
      this.nodeRules.set(rule.UUID, rule);
      if (rule.Action === 'create') this.createNode(rule);
      else {
        this.updated.set(rule.UUID, new Set());
        this.dirty = true;
        void this.flush();
      }
      return;
    }
    this.nodeRules.delete(rule.UUID);
    if (rule.Action === 'create') {
      this.quietly(() => this.o.graph.delNode(nodeRuleNodeID(rule)));
    } else this.unmerge(rule);
  }

  private createNode(rule: NodeRule): void {
    const id = nodeRuleNodeID(rule);
    const md = structuredClone(rule.Metadata);
    md['TID'] = id;
    if (md['Type'] === 'fabric') md['Probe'] = 'fabric';
    this.quietly(() => {
      const g = this.o.graph;
      const existing = g.getNode(id);
      if (existing) g.setMetadata(existing, { ...existing.metadata, ...md });
      else g.newNode(md, { id, origin: this.o.origin, host: this.o.host });
    });
    // A new node may be what an edge rule or an update rule waits for.
    this.schedule();
  }

  private async applyUpdate(rule: NodeRule): Promise<void> {
    let nodes: readonly Node[];
    try {
      nodes = await this.o.queries.nodes(rule.Query);
    } catch (err) {
      this.o.logger.warn({ rule: rule.UUID, err }, 'node rule query failed');
      return;
    }
    if (!this.nodeRules.has(rule.UUID)) return;
    const applied = this.updated.get(rule.UUID) ?? new Set<string>();
    this.updated.set(rule.UUID, applied);
    const ops: PartialOp[] = Object.entries(rule.Metadata).map(([Key, Value]) => ({
      Type: OP_SET,
      Key,
      Value: structuredClone(Value),
    }));
    const now = new Set<string>();
    this.quietly(() => {
      for (const n of nodes) {
        const live = this.o.graph.getNode(n.id);
        if (!live) continue;
        now.add(n.id);
        this.o.graph.updateMetadata(
          live,
          ops.filter((op) => !deepEqual(live.metadata[op.Key], (op as { Value: unknown }).Value)),
        );
      }
    });
    for (const id of applied) if (!now.has(id)) this.removeKeys(rule, id);
    this.updated.set(rule.UUID, now);
  }

  /** Deletes the rule's keys from a node, where they still hold the rule's values. */
  private removeKeys(rule: NodeRule, nodeID: string): void {
    const n = this.o.graph.getNode(nodeID);
    if (!n) return;
    const ops: PartialOp[] = Object.entries(rule.Metadata)
      .filter(([k, v]) => deepEqual(n.metadata[k], v))
      .map(([Key]) => ({ Type: OP_DEL, Key }));
    if (ops.length > 0) this.quietly(() => this.o.graph.updateMetadata(n, ops));
  }

  private unmerge(rule: NodeRule): void {
    for (const id of this.updated.get(rule.UUID) ?? []) this.removeKeys(rule, id);
    this.updated.delete(rule.UUID);
  }

  // ── edge rules ───────────────────────────────────────────────────────────

  private onEdgeRule(e: ResourceEvent): void {
    const rule = e.resource as unknown as EdgeRule;
    if (e.type === 'created') {
      this.edgeRules.set(rule.UUID, rule);
      this.dirty = true;
      void this.flush();
      return;
    }
    this.edgeRules.delete(rule.UUID);
    const id = this.linked.get(rule.UUID);
    this.linked.delete(rule.UUID);
    if (id !== undefined) this.quietly(() => this.o.graph.delEdge(id));
  }

  private async first(query: string, rule: EdgeRule): Promise<Node | undefined> {
    try {
      return (await this.o.queries.nodes(query))[0];
    } catch (err) {
      this.o.logger.warn({ rule: rule.UUID, err }, 'edge rule query failed');
      return undefined;
    }
  }

  private async applyEdge(rule: EdgeRule): Promise<void> {
    const src = await this.first(rule.Src, rule);
    const dst = await this.first(rule.Dst, rule);
    if (!this.edgeRules.has(rule.UUID)) return;
    const g = this.o.graph;
    const old = this.linked.get(rule.UUID);
    // ownership and layer2 use Skydive's link ID; any other type GenID(src+dst+type): the same v5.
    const id =
      src && dst && g.getNode(src.id) && g.getNode(dst.id)
        ? linkID(src.id, dst.id, rule.Metadata.RelationType)
        : undefined;
    this.quietly(() => {
      if (old !== undefined && old !== id) g.delEdge(old);
      if (id === undefined || !src || !dst) {
        this.linked.delete(rule.UUID);
        return;
      }
      const edge = g.getEdge(id);
      if (!edge)
        g.newEdge(src.id, dst.id, structuredClone(rule.Metadata), {
          id,
          origin: this.o.origin,
          host: this.o.host,
        });
      else if (!deepEqual(edge.metadata, rule.Metadata))
        g.setMetadata(edge, structuredClone(rule.Metadata));
      this.linked.set(rule.UUID, id);
    });
  }
}
