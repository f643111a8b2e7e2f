// SPDX-License-Identifier: Apache-2.0
// A subscriber's Gremlin filter (§2.8): compiled once, run on the live graph to a subgraph, and the
// difference between two runs, which is what a filtered subscriber receives.
import type { Edge, GraphView, Node } from '../../graph/types.js';

/** The node and edge sets a filter selects, by ID. */
export interface Subgraph {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly edges: ReadonlyMap<string, Edge>;
}

/** A parsed filter, ready to run on the live graph. */
export interface CompiledFilter {
  readonly query: string;
  /**
   * Runs the filter on `view`.
   * @throws (rejects) SkydiveError when the query fails or does not produce a graph.
   */
  run(view: GraphView): Promise<Subgraph>;
}

/**
 * Parses a filter query.
 * @throws SkydiveError (QuerySyntaxError, or QueryExecutionError SKY_ERR_QUERY_NOT_A_GRAPH when
 *   the query cannot produce a graph).
 */
export type FilterCompiler = (query: string) => CompiledFilter;

/** A copy of a view's node and edge sets. */
export function subgraphOf(view: GraphView): Subgraph {
  const nodes = new Map<string, Node>();
  const edges = new Map<string, Edge>();
  for (const n of view.nodes()) nodes.set(n.id, n);
  for (const e of view.edges()) edges.set(e.id, e);
  return { nodes, edges };
}

/** What changed between two runs. An element replaced by another of the same ID is in both lists. */
export interface SubgraphDiff {
  addedNodes: Node[];
  removedNodes: Node[];
  addedEdges: Edge[];
  removedEdges: Edge[];
}

function diffMap<T>(
  prev: ReadonlyMap<string, T>,
  next: ReadonlyMap<string, T>,
  added: T[],
  removed: T[],
): void {
  for (const [id, el] of prev) {
    const now = next.get(id);
    if (now !== el) removed.push(el);
  }
  for (const [id, el] of next) {
    if (prev.get(id) !== el) added.push(el);
  }
}

/** Elements of `next` not in `prev` (added) and of `prev` not in `next` (removed), by identity. */
export function diffSubgraphs(prev: Subgraph, next: Subgraph): SubgraphDiff {
  const d: SubgraphDiff = { addedNodes: [], removedNodes: [], addedEdges: [], removedEdges: [] };
  diffMap(prev.nodes, next.nodes, d.addedNodes, d.removedNodes);
  diffMap(prev.edges, next.edges, d.addedEdges, d.removedEdges);
  return d;
}
