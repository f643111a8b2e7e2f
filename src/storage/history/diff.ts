// SPDX-License-Identifier: Apache-2.0
// Topology diff between two views (typically two history snapshots): what appeared, disappeared
// and changed. An element in both with another Revision, metadata, Host, Origin or ends = changed.
import { deepEqual } from '../../graph/ops.js';
import type { Edge, GraphElement, GraphView, Node } from '../../graph/types.js';

/** One changed element: how it was, how it is. */
export interface ElementChange<T extends GraphElement> {
  readonly before: T;
  readonly after: T;
}

/** The difference from view `before` to view `after`. */
export interface TopologyDiff {
  readonly appeared: { readonly nodes: Node[]; readonly edges: Edge[] };
  readonly disappeared: { readonly nodes: Node[]; readonly edges: Edge[] };
  readonly changed: {
    readonly nodes: ElementChange<Node>[];
    readonly edges: ElementChange<Edge>[];
  };
}

function differs(a: GraphElement, b: GraphElement): boolean {
  if (a.revision !== b.revision || a.host !== b.host || a.origin !== b.origin) return true;
  if (a.kind === 'edge' && b.kind === 'edge' && (a.parent !== b.parent || a.child !== b.child))
    return true;
  return !deepEqual(a.metadata, b.metadata);
}

function compare<T extends GraphElement>(
  before: Iterable<T>,
  after: Iterable<T>,
  getBefore: (id: string) => T | undefined,
  getAfter: (id: string) => T | undefined,
): { appeared: T[]; disappeared: T[]; changed: ElementChange<T>[] } {
  const appeared: T[] = [];
  const disappeared: T[] = [];
  const changed: ElementChange<T>[] = [];
  for (const a of after) {
    const b = getBefore(a.id);
    if (b === undefined) appeared.push(a);
    else if (differs(b, a)) changed.push({ before: b, after: a });
  }
  for (const b of before) if (getAfter(b.id) === undefined) disappeared.push(b);
  return { appeared, disappeared, changed };
}

/**
 * Compares two views element by element (by ID). Pure: reads both views, returns new arrays.
 * @example const d = diffViews(await store.snapshot(t1), await store.snapshot(t2));
 */
export function diffViews(before: GraphView, after: GraphView): TopologyDiff {
  const n = compare<Node>(
    before.nodes(),
    after.nodes(),
    (id) => before.getNode(id),
    (id) => after.getNode(id),
  );
  const e = compare<Edge>(
    before.edges(),
    after.edges(),
    (id) => before.getEdge(id),
    (id) => after.getEdge(id),
  );
  return {
    appeared: { nodes: n.appeared, edges: e.appeared },
    disappeared: { nodes: n.disappeared, edges: e.disappeared },
    changed: { nodes: n.changed, edges: e.changed },
  };
}
