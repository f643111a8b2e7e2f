// SPDX-License-Identifier: Apache-2.0
// The in-memory graph: nodes, edges, adjacency, value indexes, revisions and typed events. Writers
// mutate through its methods; every change emits one event after the graph is consistent again.
import { ConflictError, NotFoundError } from './errors.js';
import { Emitter } from './emitter.js';
import { genID, uuidV5 } from './ids.js';
import { ValueIndex } from './index-store.js';
import { applyOps, deleteDotted, diffMetadata, setDotted } from './ops.js';
import type { DecodedEdge, DecodedElement } from './json.js';
import {
  OP_DEL,
  OP_SET,
  type Edge,
  type GraphElement,
  type GraphView,
  type Metadata,
  type Node,
  type PartialOp,
} from './types.js';

const NO_EDGES: readonly Edge[] = Object.freeze([]);

/** Node keys indexed by default: the lookups Gremlin's V().Has(…) and the probes use most. */
export const DEFAULT_NODE_INDEXES = ['Name', 'Type', 'TID', 'MAC', 'IfIndex', 'Path'] as const;

class NodeRec implements Node {
  out: Edge[] | readonly Edge[] = NO_EDGES;
  in: Edge[] | readonly Edge[] = NO_EDGES;
  deletedAt: number | undefined = undefined;
  constructor(
    readonly id: string,
    public metadata: Metadata,
    public host: string,
    public origin: string,
    public createdAt: number,
    public updatedAt: number,
    public revision: number,
  ) {}
  get kind(): 'node' {
    return 'node';
  }
}

class EdgeRec implements Edge {
  deletedAt: number | undefined = undefined;
  constructor(
    readonly id: string,
    readonly parent: string,
    readonly child: string,
    public metadata: Metadata,
    public host: string,
    public origin: string,
    public createdAt: number,
    public updatedAt: number,
    public revision: number,
  ) {}
  get kind(): 'edge' {
    return 'edge';
  }
}

/** Optional fields when creating an element; defaults come from the graph. */
export interface ElementOptions {
  id?: string | undefined;
  host?: string | undefined;
  origin?: string | undefined;
  createdAt?: number | undefined;
  updatedAt?: number | undefined;
  revision?: number | undefined;
}

/** How an update is stamped: a remote writer passes its own revision and time. */
export interface UpdateOptions {
  revision?: number | undefined;
  updatedAt?: number | undefined;
}

export interface GraphOptions {
  /** Host stamped on elements created without one. */
  host?: string;
  /** Origin stamped on elements created without one, e.g. `analyzer.h1`. */
  origin?: string;
  /** Top-level node metadata keys to index (default DEFAULT_NODE_INDEXES). */
  nodeIndexes?: readonly string[];
  /** Clock in ms (tests inject one). */
  clock?: () => number;
}

function pushEdge(list: Edge[] | readonly Edge[], e: Edge): Edge[] {
  if (list === NO_EDGES) return [e];
  (list as Edge[]).push(e);
  return list as Edge[];
}

function dropEdge(list: Edge[] | readonly Edge[], e: Edge): Edge[] | readonly Edge[] {
  const i = list.indexOf(e);
  if (i < 0) return list;
  if (list.length === 1) return NO_EDGES;
  (list as Edge[]).splice(i, 1);
  return list;
}

/**
 * A live, writable graph.
 * @example
 * const g = new Graph({ host: 'h1', origin: 'analyzer.h1' });
 * const a = g.newNode({ Name: 'eth0', Type: 'device' });
 */
export class Graph extends Emitter implements GraphView {
  readonly host: string;
  readonly origin: string;
  readonly at = undefined;
  private readonly nodeMap = new Map<string, NodeRec>();
  private readonly edgeMap = new Map<string, EdgeRec>();
  private readonly index: ValueIndex<NodeRec>;
  private readonly clock: () => number;

  constructor(opts: GraphOptions = {}) {
    super();
    this.host = opts.host ?? '';
    this.origin = opts.origin ?? '';
    this.index = new ValueIndex(opts.nodeIndexes ?? DEFAULT_NODE_INDEXES);
    this.clock = opts.clock ?? Date.now;
  }

  now(): number {
    return this.clock();
  }

  // ── reads (GraphView) ────────────────────────────────────────────────────

  getNode(id: string): Node | undefined {
    return this.nodeMap.get(id);
  }
  getEdge(id: string): Edge | undefined {
    return this.edgeMap.get(id);
  }
  nodes(): IterableIterator<Node> {
    return this.nodeMap.values();
  }
  edges(): IterableIterator<Edge> {
    return this.edgeMap.values();
  }
  get nodeCount(): number {
    return this.nodeMap.size;
  }
  get edgeCount(): number {
    return this.edgeMap.size;
  }
  outEdges(nodeId: string): readonly Edge[] {
    return this.nodeMap.get(nodeId)?.out ?? NO_EDGES;
  }
  inEdges(nodeId: string): readonly Edge[] {
    return this.nodeMap.get(nodeId)?.in ?? NO_EDGES;
  }
  lookupNodes(key: string, value: unknown): Iterable<Node> | undefined {
    return this.index.lookup(key, value);
  }

  // ── creation ─────────────────────────────────────────────────────────────

  /** Creates and adds a node. Throws ConflictError if the ID exists. */
  newNode(metadata: Metadata, opts: ElementOptions = {}): Node {
    const id = opts.id ?? genID();
    if (this.nodeMap.has(id))
      throw new ConflictError('SKY_ERR_NODE_EXISTS', `Node '${id}' already exists`);
    const now = this.clock();
    const created = opts.createdAt ?? now;
    const n = new NodeRec(
      id,
      metadata,
      opts.host ?? this.host,
      opts.origin ?? this.origin,
      created,
      opts.updatedAt ?? created,
      opts.revision ?? 1,
    );
    this.nodeMap.set(id, n);
    this.index.add(n);
    this.emit('nodeAdded', n);
    return n;
  }

  /**
   * Creates and adds an edge between existing nodes. Without an ID it gets Skydive's
   * v5(parentID + childID). Throws NotFoundError for an unknown end, ConflictError for a known ID.
   */
  newEdge(parent: string, child: string, metadata: Metadata, opts: ElementOptions = {}): Edge {
    const id = opts.id ?? uuidV5(parent + child);
    if (this.edgeMap.has(id))
      throw new ConflictError('SKY_ERR_EDGE_EXISTS', `Edge '${id}' already exists`);
    const p = this.nodeMap.get(parent);
    if (!p)
      throw new NotFoundError(
        'SKY_ERR_NODE_NOT_FOUND',
        `Edge '${id}': parent node '${parent}' does not exist`,
      );
    const c = this.nodeMap.get(child);
    if (!c)
      throw new NotFoundError(
        'SKY_ERR_NODE_NOT_FOUND',
        `Edge '${id}': child node '${child}' does not exist`,
      );
    const now = this.clock();
    const created = opts.createdAt ?? now;
    const e = new EdgeRec(
      id,
      parent,
      child,
      metadata,
      opts.host ?? this.host,
      opts.origin ?? this.origin,
      created,
      opts.updatedAt ?? created,
      opts.revision ?? 1,
    );
    this.edgeMap.set(id, e);
    p.out = pushEdge(p.out, e);
    c.in = pushEdge(c.in, e);
    this.emit('edgeAdded', e);
    return e;
  }

  /** Adds a node decoded from JSON, keeping its stamps. */
  addDecodedNode(d: DecodedElement): Node {
    return this.newNode(d.metadata, {
      id: d.id,
      host: d.host,
      origin: d.origin,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      revision: d.revision,
    });
  }

  /** Adds an edge decoded from JSON, keeping its stamps. */
  addDecodedEdge(d: DecodedEdge): Edge {
    return this.newEdge(d.parent, d.child, d.metadata, {
      id: d.id,
      host: d.host,
      origin: d.origin,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      revision: d.revision,
    });
  }

  // ── updates ──────────────────────────────────────────────────────────────

  private stamp(el: GraphElement, opts: UpdateOptions): void {
    el.revision = opts.revision ?? el.revision + 1;
    el.updatedAt = opts.updatedAt ?? this.clock();
  }

  private emitUpdate(el: GraphElement, ops: readonly PartialOp[]): void {
    if (el.kind === 'node') this.emit('nodeUpdated', el, ops);
    else this.emit('edgeUpdated', el, ops);
  }

  private live(el: GraphElement): NodeRec | EdgeRec {
    const cur = el.kind === 'node' ? this.nodeMap.get(el.id) : this.edgeMap.get(el.id);
    if (cur !== el) {
      const what = el.kind === 'node' ? 'Node' : 'Edge';
      throw new NotFoundError(
        `SKY_ERR_${what.toUpperCase()}_NOT_FOUND`,
        `${what} '${el.id}' does not exist`,
      );
    }
    return cur;
  }

  /** Applies partial ops; emits an update with the ops that changed something. Returns them. */
  updateMetadata(
    el: GraphElement,
    ops: readonly PartialOp[],
    opts: UpdateOptions = {},
  ): PartialOp[] {
    const rec = this.live(el);
    const isNode = rec instanceof NodeRec;
    const before = isNode ? this.indexedValues(rec, ops) : undefined;
    const applied = applyOps(rec.metadata, ops);
    if (applied.length === 0) {
      // Nothing changed: keep a remote revision, but emit no update without ops (skydive-compat §10).
      if (opts.revision !== undefined) rec.revision = opts.revision;
      return applied;
    }
    if (isNode && before) for (const [k, v] of before) this.index.update(rec, k, v);
    this.stamp(rec, opts);
    this.emitUpdate(rec, applied);
    return applied;
  }

  private indexedValues(n: NodeRec, ops: readonly PartialOp[]): Map<string, unknown> {
    const m = new Map<string, unknown>();
    for (const op of ops) {
      const top = op.Key.split('.', 1)[0]!;
      if (this.index.has(top) && !m.has(top)) {
        const v = n.metadata[top];
        m.set(top, Array.isArray(v) ? [...v] : v);
      }
    }
    return m;
  }

  /** Replaces the whole metadata; emits an update with the top-level diff. Returns that diff. */
  setMetadata(el: GraphElement, metadata: Metadata, opts: UpdateOptions = {}): PartialOp[] {
    const rec = this.live(el);
    const ops = diffMetadata(rec.metadata, metadata);
    if (ops.length === 0) {
      if (opts.revision !== undefined) rec.revision = opts.revision;
      return ops;
    }
    const old = rec.metadata;
    rec.metadata = metadata;
    if (rec instanceof NodeRec) for (const k of this.index.keys) this.index.update(rec, k, old[k]);
    this.stamp(rec, opts);
    this.emitUpdate(rec, ops);
    return ops;
  }

  /** Sets one (dotted) key. Returns false when the value was already there. */
  addMetadata(el: GraphElement, key: string, value: unknown, opts: UpdateOptions = {}): boolean {
    return this.updateMetadata(el, [{ Type: OP_SET, Key: key, Value: value }], opts).length > 0;
  }

  /** Deletes one (dotted) key. Returns false when it was absent. */
  delMetadata(el: GraphElement, key: string, opts: UpdateOptions = {}): boolean {
    return this.updateMetadata(el, [{ Type: OP_DEL, Key: key }], opts).length > 0;
  }

  // ── deletion ─────────────────────────────────────────────────────────────

  /** Deletes an edge; returns false when unknown. */
  delEdge(id: string, deletedAt?: number): boolean {
    const e = this.edgeMap.get(id);
    if (!e) return false;
    this.edgeMap.delete(id);
    const p = this.nodeMap.get(e.parent);
    if (p) p.out = dropEdge(p.out, e);
    const c = this.nodeMap.get(e.child);
    if (c) c.in = dropEdge(c.in, e);
    e.deletedAt = deletedAt ?? this.clock();
    this.emit('edgeDeleted', e);
    return true;
  }

  /** Deletes a node and, first, every edge touching it; returns false when unknown. */
  delNode(id: string, deletedAt?: number): boolean {
    const n = this.nodeMap.get(id);
    if (!n) return false;
    const at = deletedAt ?? this.clock();
    for (const e of [...n.out, ...n.in]) this.delEdge(e.id, at);
    this.nodeMap.delete(id);
    this.index.remove(n);
    n.deletedAt = at;
    this.emit('nodeDeleted', n);
    return true;
  }

  /** Deletes every node and edge of an origin (an agent or publisher that went away). */
  deleteByOrigin(origin: string): { nodes: number; edges: number } {
    let edges = 0;
    let nodes = 0;
    for (const e of [...this.edgeMap.values()])
      if (e.origin === origin && this.delEdge(e.id)) edges++;
    for (const n of [...this.nodeMap.values()]) {
      if (n.origin !== origin) continue;
      edges += n.out.length + n.in.length;
      if (this.delNode(n.id)) nodes++;
    }
    return { nodes, edges };
  }

  /** Origins present in the graph with their node counts. */
  origins(): Map<string, number> {
    const m = new Map<string, number>();
    for (const n of this.nodeMap.values()) m.set(n.origin, (m.get(n.origin) ?? 0) + 1);
    return m;
  }

  /** Sets a dotted key on metadata without a graph (for building metadata before insertion). */
  static set(md: Metadata, key: string, value: unknown): void {
    setDotted(md, key, value);
  }

  /** Deletes a dotted key on detached metadata. */
  static unset(md: Metadata, key: string): void {
    deleteDotted(md, key);
  }
}
