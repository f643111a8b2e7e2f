// SPDX-License-Identifier: Apache-2.0
// A small read-only GraphView over a chosen set of existing nodes and edges: what SubGraph()
// returns. Edges are kept only when both ends are in the set; elements are shared, not copied.
import type { Edge, GraphView, Node } from '../graph/types.js';

const NO_EDGES: readonly Edge[] = Object.freeze([]);

/** An immutable view over some nodes and the edges among them. */
export class MemoryView implements GraphView {
  private readonly nodeMap = new Map<string, Node>();
  private readonly edgeMap = new Map<string, Edge>();
  private readonly out = new Map<string, Edge[]>();
  private readonly in = new Map<string, Edge[]>();

  /**
   * @param nodes the node set (duplicates ignored)
   * @param edges candidate edges; those with an end outside the node set are dropped
   * @param at the time the view shows, if it is a history view
   */
  constructor(
    nodes: Iterable<Node>,
    edges: Iterable<Edge>,
    readonly at: number | undefined = undefined,
  ) {
    for (const n of nodes) this.nodeMap.set(n.id, n);
    for (const e of edges) {
      if (this.edgeMap.has(e.id) || !this.nodeMap.has(e.parent) || !this.nodeMap.has(e.child))
        continue;
      this.edgeMap.set(e.id, e);
      this.push(this.out, e.parent, e);
      this.push(this.in, e.child, e);
    }
  }

  private push(m: Map<string, Edge[]>, id: string, e: Edge): void {
    const list = m.get(id);
    if (list) list.push(e);
    else m.set(id, [e]);
  }

  getNode(id: string): Node | undefined {
    return this.nodeMap.get(id);
  }
  getEdge(id: string): Edge | undefined {
    return this.edgeMap.get(id);
  }
  nodes(): Iterable<Node> {
    return this.nodeMap.values();
  }
  edges(): Iterable<Edge> {
    return this.edgeMap.values();
  }
  get nodeCount(): number {
    return this.nodeMap.size;
  }
  get edgeCount(): number {
    return this.edgeMap.size;
  }
  outEdges(nodeId: string): readonly Edge[] {
    return this.out.get(nodeId) ?? NO_EDGES;
  }
  inEdges(nodeId: string): readonly Edge[] {
    return this.in.get(nodeId) ?? NO_EDGES;
  }
  /** Not indexed: callers scan. */
  lookupNodes(): undefined {
    return undefined;
  }
}
