// SPDX-License-Identifier: Apache-2.0
// The GraphView of a history snapshot, built from revision rows. Eager (all rows given) or lazy: a
// synchronous source answers indexed lookups and single nodes without loading the whole graph.
import { DEFAULT_NODE_INDEXES } from '../../graph/graph.js';
import { ValueIndex } from '../../graph/index-store.js';
import type { Edge, GraphView, Node } from '../../graph/types.js';
import type { RowGroup } from './elements.js';
import { HistoryEdge, HistoryNode } from './elements.js';
import type { RevisionRow } from './rows.js';

const NO_EDGES: readonly Edge[] = Object.freeze([]);

/** Rows of one snapshot, fetched on demand (SQLite: synchronous queries). */
export interface SnapshotSource {
  /** Every node and edge row of the snapshot (one row per element). */
  loadAll(): { nodes: RevisionRow[]; edges: RevisionRow[] };
  /** The node row with this ID, if the source can fetch one alone; `null` when it cannot. */
  loadNode(id: string): RevisionRow | undefined | null;
  /**
   * Nodes that may match `key` = `value` (a superset is fine: the view re-checks metadata where
   * `exact` is false), or undefined when the source cannot push this lookup down.
   */
  lookup(key: string, value: unknown): LookupHits | undefined;
}

/** Index hits as bare IDs; `load` fetches their full rows when a node is first read. */
export interface LookupHits {
  ids: string[];
  /** Per ID: true when the indexed column alone proves the match. */
  exact: boolean[];
  load(): RevisionRow[];
}

/** True when top-level `key` of `n` equals `value` or, for an array, holds it. */
function holds(n: Node, key: string, value: unknown): boolean {
  const v = n.metadata[key];
  return v === value || (Array.isArray(v) && v.includes(value));
}

/** A read-only snapshot; elements are built once and shared by every read. */
export class HistoryView implements GraphView {
  private readonly nodeMap = new Map<string, Node>();
  private readonly edgeMap = new Map<string, Edge>();
  private out = new Map<string, Edge[]>();
  private in = new Map<string, Edge[]>();
  private index: ValueIndex<Node> | undefined;
  private complete = false;
  /** Answers for lookups given up front (a partial view: only these nodes were loaded). */
  private readonly preloaded = new Map<string, Node[]>();

  private constructor(
    readonly at: number,
    private readonly source: SnapshotSource | undefined,
  ) {}

  /** A complete view over rows already selected (one per element). */
  static eager(
    at: number,
    nodes: Iterable<RevisionRow>,
    edges: Iterable<RevisionRow>,
  ): HistoryView {
    const v = new HistoryView(at, undefined);
    v.fill(nodes, edges);
    return v;
  }

  /** A view that loads from `source` on demand. */
  static lazy(at: number, source: SnapshotSource): HistoryView {
    return new HistoryView(at, source);
  }

  /**
   * A partial view holding only the nodes that match some lookups and no edges; each given
   * lookup is answered exactly, every other read sees just those nodes.
   */
  static partial(
    at: number,
    lookups: readonly { key: string; value: unknown; rows: RevisionRow[] }[],
  ): HistoryView {
    const v = new HistoryView(at, undefined);
    for (const l of lookups) {
      const hits: Node[] = [];
      for (const r of l.rows) {
        const n = v.node(r);
        if (holds(n, l.key, l.value)) hits.push(n);
      }
      v.preloaded.set(`${l.key}\0${String(l.value)}`, hits);
    }
    v.complete = true;
    v.index = new ValueIndex<Node>([]);
    return v;
  }

  private node(r: RevisionRow): Node {
    const n = this.nodeMap.get(r.id);
    if (n === undefined) {
      const created = new HistoryNode(r.id, r, this.at, undefined);
      this.nodeMap.set(r.id, created);
      return created;
    }
    if (n instanceof HistoryNode) n.attach(r);
    return n;
  }

  /** Nodes for index hits: existing ones, else bare nodes whose rows load together on first use. */
  private hits(h: LookupHits, key: string, value: unknown): Node[] {
    const out: Node[] = [];
    const bare: HistoryNode[] = [];
    let loaded = false;
    const group: RowGroup = {
      materialize: () => {
        if (loaded) return;
        loaded = true;
        const byId = new Map(bare.map((n) => [n.id, n]));
        for (const r of h.load()) byId.get(r.id)?.attach(r);
      },
    };
    const nodes = h.ids.map((id) => {
      const n = this.nodeMap.get(id);
      if (n !== undefined) return n;
      const b = new HistoryNode(id, undefined, this.at, group);
      bare.push(b);
      this.nodeMap.set(id, b);
      return b;
    });
    // Only once every bare node is known: a metadata check below may materialize the group.
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (h.exact[i] || holds(n, key, value)) out.push(n);
    }
    return out;
  }

  private fill(nodes: Iterable<RevisionRow>, edges: Iterable<RevisionRow>): void {
    for (const r of nodes) this.node(r);
    for (const r of edges) {
      if (this.edgeMap.has(r.id) || r.parent === null || r.child === null) continue;
      if (!this.nodeMap.has(r.parent) || !this.nodeMap.has(r.child)) continue;
      const e = new HistoryEdge(r, this.at);
      this.edgeMap.set(e.id, e);
      push(this.out, e.parent, e);
      push(this.in, e.child, e);
    }
    this.complete = true;
  }

  private load(): this {
    if (!this.complete && this.source) {
      const { nodes, edges } = this.source.loadAll();
      this.fill(nodes, edges);
    }
    return this;
  }

  getNode(id: string): Node | undefined {
    const n = this.nodeMap.get(id);
    if (n !== undefined || this.complete || !this.source) return n;
    const r = this.source.loadNode(id);
    if (r === null) return this.load().nodeMap.get(id);
    return r === undefined ? undefined : this.node(r);
  }
  getEdge(id: string): Edge | undefined {
    return this.load().edgeMap.get(id);
  }
  nodes(): Iterable<Node> {
    return this.load().nodeMap.values();
  }
  edges(): Iterable<Edge> {
    return this.load().edgeMap.values();
  }
  get nodeCount(): number {
    return this.load().nodeMap.size;
  }
  get edgeCount(): number {
    return this.load().edgeMap.size;
  }
  outEdges(nodeId: string): readonly Edge[] {
    return this.load().out.get(nodeId) ?? NO_EDGES;
  }
  inEdges(nodeId: string): readonly Edge[] {
    return this.load().in.get(nodeId) ?? NO_EDGES;
  }

  lookupNodes(key: string, value: unknown): Iterable<Node> | undefined {
    const pre = this.preloaded.get(`${key}\0${String(value)}`);
    if (pre !== undefined) return pre;
    if (!this.complete && this.source) {
      const hits = this.source.lookup(key, value);
      if (hits !== undefined) return this.hits(hits, key, value);
      this.load();
    }
    if (this.index === undefined) {
      this.index = new ValueIndex<Node>(DEFAULT_NODE_INDEXES);
      for (const n of this.nodeMap.values()) this.index.add(n);
    }
    return this.index.lookup(key, value);
  }
}

function push(m: Map<string, Edge[]>, id: string, e: Edge): void {
  const list = m.get(id);
  if (list) list.push(e);
  else m.set(id, [e]);
}
