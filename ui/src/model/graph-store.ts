// SPDX-License-Identifier: Apache-2.0
// The graph the UI shows: a graphology graph (what sigma draws) fed by SyncReplies and live events
// in batches, with ownership groups, positions that never move once placed, interface counter
// history for sparklines, and the view state (selection, highlight, removed-since).
import Graph from 'graphology';
import type { EdgeJSON, GraphJSON, NodeJSON } from '../../../src/protocol/messages.js';
import type { StructMessage } from '../../../src/protocol/ws-message.js';
import { Groups } from './groups.js';
import { SpatialIndex, layoutAll, placeNew, type Point, type Positions } from './layout.js';
import { edgeStyle, typeStyle } from './style.js';

/** Attributes of a drawn node. */
export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  json: NodeJSON;
  down: boolean;
}

/** Attributes of a drawn edge. */
export interface EdgeAttrs {
  size: number;
  color: string;
  json: EdgeJSON;
}

/** One counter sample of an interface. */
export interface MetricSample {
  t: number;
  values: Record<string, number>;
}

const SAMPLES = 60;
/** A graph larger than this starts with its big groups collapsed. */
export const LARGE_GRAPH = 400;
/** …those with more descendants than this. */
export const LARGE_GROUP = 24;

/** True when `e` groups its child under its parent (ownership; OVS bridge → port). */
function groupsChild(e: EdgeJSON, types: (id: string) => unknown): boolean {
  const rel = e.Metadata['RelationType'];
  if (rel === 'ownership') return true;
  return rel === 'layer2' && types(e.Parent) === 'ovsbridge' && types(e.Child) === 'ovsport';
}

/** The graph shown, and what the views need to know about it. */
export class GraphStore {
  readonly graph = new Graph<NodeAttrs, EdgeAttrs>({
    multi: true,
    type: 'directed',
    allowSelfLoops: true,
  });
  readonly groups = new Groups();
  readonly metrics = new Map<string, MetricSample[]>();
  private index = new SpatialIndex();
  private listeners = new Set<(kind: 'data' | 'view') => void>();
  /** Nodes placed with no parent known yet: moved near their parent when its edge arrives. */
  private provisional = new Set<string>();
  selected: { kind: 'node' | 'edge'; id: string } | undefined;
  highlight: Set<string> | undefined;
  /** Nodes of a past graph that are gone now (time travel). */
  removedSince = new Set<string>();
  /** Monotonic change counter, for React. */
  version = 0;
  collapseThreshold = LARGE_GROUP;

  private positions: Positions = {
    get: (id) => {
      if (!this.graph.hasNode(id)) return undefined;
      const a = this.graph.getNodeAttributes(id);
      return Number.isNaN(a.x) ? undefined : { x: a.x, y: a.y };
    },
    set: (id, p) => {
      if (this.graph.hasNode(id)) this.graph.mergeNodeAttributes(id, { x: p.x, y: p.y });
    },
  };

  /**
   * Calls `fn` after every change with its kind: `data` when only elements changed (sigma follows
   * the graph's own events), `view` when what is shown changed (selection, highlight, groups).
   * Returns the unsubscribe function.
   */
  subscribe(fn: (kind: 'data' | 'view') => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(kind: 'data' | 'view' = 'view'): void {
    this.version++;
    for (const fn of this.listeners) fn(kind);
  }

  private typeOf = (id: string): unknown =>
    this.graph.hasNode(id) ? this.graph.getNodeAttribute(id, 'json').Metadata['Type'] : undefined;

  private nodeAttrs(n: NodeJSON, at: Point | undefined): NodeAttrs {
    const md = n.Metadata;
    const style = typeStyle(md['Type']);
    const down = md['State'] === 'DOWN';
    return {
      x: at?.x ?? Number.NaN,
      y: at?.y ?? Number.NaN,
      size:
        md['Type'] === 'host' ? 9 : md['Type'] === 'netns' || md['Type'] === 'ovsbridge' ? 6 : 4,
      color: style.color,
      label: `${style.glyph} ${String(md['Name'] ?? n.ID)}`,
      json: n,
      down,
    };
  }

  private recordMetric(n: NodeJSON): void {
    const m = n.Metadata['Metric'] as Record<string, unknown> | undefined;
    if (!m || typeof m !== 'object') return;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(m))
      if (typeof v === 'number' && k !== 'Start' && k !== 'Last') values[k] = v;
    const t = typeof m['Last'] === 'number' ? m['Last'] : (n.UpdatedAt ?? Date.now());
    let l = this.metrics.get(n.ID);
    if (!l) this.metrics.set(n.ID, (l = []));
    if (l.length > 0 && l[l.length - 1]?.t === t) return;
    l.push({ t, values });
    if (l.length > SAMPLES) l.shift();
  }

  private upsertNode(n: NodeJSON, fresh: Set<string>): void {
    if (this.graph.hasNode(n.ID)) {
      const old = this.graph.getNodeAttributes(n.ID);
      const a = this.nodeAttrs(n, { x: old.x, y: old.y });
      if (this.groups.collapsed.has(n.ID)) a.label = this.collapsedLabel(n.ID, a.label);
      this.graph.replaceNodeAttributes(n.ID, a);
    } else {
      this.graph.addNode(n.ID, this.nodeAttrs(n, undefined));
      fresh.add(n.ID);
    }
    this.recordMetric(n);
  }

  private upsertEdge(e: EdgeJSON): boolean {
    if (!this.graph.hasNode(e.Parent) || !this.graph.hasNode(e.Child)) return false;
    const attrs: EdgeAttrs = { ...edgeStyle(e.Metadata['RelationType']), json: e };
    if (this.graph.hasEdge(e.ID)) this.graph.replaceEdgeAttributes(e.ID, attrs);
    else this.graph.addDirectedEdgeWithKey(e.ID, e.Parent, e.Child, attrs);
    if (groupsChild(e, this.typeOf) && this.groups.link(e.ID, e.Parent, e.Child)) {
      if (this.provisional.delete(e.Child)) this.moveNear(e.Child, e.Parent);
      return true;
    }
    return false;
  }

  private moveNear(id: string, parent: string): void {
    const p = this.positions.get(parent);
    if (!p) return;
    const r = 2 + Math.sqrt(this.groups.children(parent).length);
    const a = Math.random() * 2 * Math.PI;
    this.positions.set(id, { x: p.x + r * Math.cos(a), y: p.y + r * Math.sin(a) });
  }

  private dropNode(id: string): void {
    if (!this.graph.hasNode(id)) return;
    for (const e of this.graph.edges(id)) this.groups.unlink(e);
    this.graph.dropNode(id);
    this.groups.drop(id);
    this.metrics.delete(id);
    this.provisional.delete(id);
  }

  private extent(): { maxX: number; minY: number; maxY: number } {
    let maxX = 0;
    let minY = 0;
    let maxY = 0;
    this.graph.forEachNode((_id, a) => {
      if (Number.isNaN(a.x)) return;
      maxX = Math.max(maxX, a.x);
      minY = Math.min(minY, a.y);
      maxY = Math.max(maxY, a.y);
    });
    return { maxX, minY, maxY };
  }

  private place(fresh: Set<string>): void {
    if (fresh.size === 0) return;
    for (const id of fresh) if (this.groups.parent(id) === undefined) this.provisional.add(id);
    placeNew(fresh, this.groups, this.positions, this.index, this.extent());
  }

  private collapsedLabel(id: string, label: string): string {
    return `${label.replace(/ \(\+\d+\)$/, '')} (+${this.groups.descendants(id)})`;
  }

  /** Replaces the whole graph (a SyncReply); nodes that stay keep their positions. */
  load(g: GraphJSON, opts: { collapse?: boolean } = {}): void {
    const keep = new Map<string, Point>();
    this.graph.forEachNode((id, a) => keep.set(id, { x: a.x, y: a.y }));
    const first = this.graph.order === 0;
    this.graph.clear();
    this.groups.clear();
    this.provisional.clear();
    this.index = new SpatialIndex();
    for (const n of g.Nodes) {
      this.graph.addNode(n.ID, this.nodeAttrs(n, keep.get(n.ID)));
      this.recordMetric(n);
    }
    for (const e of g.Edges) this.upsertEdge(e);
    if (first) {
      const roots = this.graph.filterNodes((id) => this.groups.parent(id) === undefined);
      layoutAll(roots, this.groups, this.positions);
      if ((opts.collapse ?? true) && this.graph.order > LARGE_GRAPH)
        this.groups.collapseLarge(this.graph.nodes(), this.collapseThreshold);
    } else {
      const fresh = new Set(this.graph.filterNodes((id) => !keep.has(id)));
      this.graph.forEachNode((id, a) => {
        if (!fresh.has(id)) this.index.add({ x: a.x, y: a.y });
      });
      this.place(fresh);
    }
    if (first) this.graph.forEachNode((_id, a) => this.index.add({ x: a.x, y: a.y }));
    this.provisional.clear();
    for (const id of this.groups.collapsed) this.relabel(id);
    this.changed();
  }

  private relabel(id: string): void {
    if (!this.graph.hasNode(id)) return;
    const base = this.nodeAttrs(this.graph.getNodeAttribute(id, 'json'), undefined).label;
    this.graph.setNodeAttribute(
      id,
      'label',
      this.groups.collapsed.has(id) ? this.collapsedLabel(id, base) : base,
    );
  }

  /** Applies a batch of live graph events (Graph namespace messages). */
  apply(batch: readonly StructMessage[]): void {
    const fresh = new Set<string>();
    const groupsBefore = this.groups.generation;
    for (const m of batch) {
      switch (m.Type) {
        case 'NodeAdded':
        case 'NodeUpdated':
          this.upsertNode(m.Obj as NodeJSON, fresh);
          break;
        case 'NodeDeleted':
          this.dropNode((m.Obj as NodeJSON).ID);
          fresh.delete((m.Obj as NodeJSON).ID);
          break;
        case 'EdgeAdded':
        case 'EdgeUpdated':
          this.upsertEdge(m.Obj as EdgeJSON);
          break;
        case 'EdgeDeleted': {
          const id = (m.Obj as EdgeJSON).ID;
          this.groups.unlink(id);
          if (this.graph.hasEdge(id)) this.graph.dropEdge(id);
          break;
        }
        default:
          break;
      }
    }
    this.place(fresh);
    for (const id of this.groups.collapsed) this.relabel(id);
    const regrouped = this.groups.generation !== groupsBefore && this.groups.collapsed.size > 0;
    this.changed(regrouped ? 'view' : 'data');
  }

  /** Collapses or expands a group. */
  toggle(id: string): void {
    this.groups.toggle(id);
    this.relabel(id);
    this.changed();
  }

  select(sel: GraphStore['selected']): void {
    this.selected = sel;
    this.changed();
  }

  /** Highlights `ids` (undefined clears), expanding the groups that hide them. */
  setHighlight(ids: Iterable<string> | undefined): void {
    this.highlight = ids === undefined ? undefined : new Set(ids);
    if (this.highlight) for (const id of this.highlight) this.groups.reveal(id);
    for (const id of this.graph.nodes()) if (this.groups.isGroup(id)) this.relabel(id);
    this.changed();
  }

  /** Nodes whose Name contains `text` (case-insensitive). */
  findByName(text: string): string[] {
    const t = text.toLowerCase();
    return this.graph.filterNodes((_id, a) =>
      String(a.json.Metadata['Name'] ?? '')
        .toLowerCase()
        .includes(t),
    );
  }

  /** The IDs of the nodes drawn (not inside a collapsed group). */
  visibleNodes(): string[] {
    const hidden = this.groups.hidden();
    return this.graph.filterNodes((id) => !hidden.has(id));
  }
}
