// SPDX-License-Identifier: Apache-2.0
// A peer's `Sync` replaces everything of its origin (§2.7 step 3). Skydive deletes the origin's
// subgraph and re-adds it; we apply the difference instead, so unchanged elements emit no events.
import type { Graph } from '../../graph/index.js';
import type { DecodedEdge, DecodedElement } from '../../graph/json.js';
import type { Edge, Node } from '../../graph/types.js';

/** What a replace did; `skipped` are received elements owned by another origin or unlinkable. */
export interface ReplaceResult {
  added: number;
  updated: number;
  deleted: number;
  skipped: string[];
}

/**
 * Makes the elements of `origin` in `graph` equal to the received ones: deletes the missing ones
 * (edges first), updates changed metadata (stamped with the received revision and time), adds the
 * new ones. A received ID already used by another origin is skipped, as Skydive does.
 */
export function replaceOrigin(
  graph: Graph,
  origin: string,
  nodes: readonly DecodedElement[],
  edges: readonly DecodedEdge[],
): ReplaceResult {
  const res: ReplaceResult = { added: 0, updated: 0, deleted: 0, skipped: [] };
  const rNodes = new Map(nodes.map((n) => [n.id, n]));
  const rEdges = new Map(edges.map((e) => [e.id, e]));

  const goneEdges: Edge[] = [];
  for (const e of graph.edges()) {
    if (e.origin !== origin) continue;
    const r = rEdges.get(e.id);
    if (r === undefined || r.parent !== e.parent || r.child !== e.child) goneEdges.push(e);
  }
  const goneNodes: Node[] = [];
  for (const n of graph.nodes()) if (n.origin === origin && !rNodes.has(n.id)) goneNodes.push(n);
  for (const e of goneEdges) if (graph.delEdge(e.id)) res.deleted++;
  for (const n of goneNodes) if (graph.delNode(n.id)) res.deleted++;

  for (const d of rNodes.values()) {
    const cur = graph.getNode(d.id);
    if (cur === undefined) {
      graph.addDecodedNode(d);
      res.added++;
    } else if (cur.origin !== (d.origin ?? origin)) res.skipped.push(d.id);
    else if (graph.setMetadata(cur, d.metadata, stamp(d)).length > 0) res.updated++;
  }
  for (const d of rEdges.values()) {
    const cur = graph.getEdge(d.id);
    if (cur === undefined) {
      if (graph.getNode(d.parent) === undefined || graph.getNode(d.child) === undefined) {
        res.skipped.push(d.id);
        continue;
      }
      graph.addDecodedEdge(d);
      res.added++;
    } else if (cur.origin !== (d.origin ?? origin)) res.skipped.push(d.id);
    else if (graph.setMetadata(cur, d.metadata, stamp(d)).length > 0) res.updated++;
  }
  return res;
}

function stamp(d: DecodedElement): { revision?: number; updatedAt?: number } {
  const s: { revision?: number; updatedAt?: number } = {};
  if (d.revision !== undefined) s.revision = d.revision;
  if (d.updatedAt !== undefined) s.updatedAt = d.updatedAt;
  return s;
}
