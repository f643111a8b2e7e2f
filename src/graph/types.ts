// SPDX-License-Identifier: Apache-2.0
// The graph element model (skydive-compat §1): nodes and edges with free-form metadata, the
// read-only GraphView every query runs on, and the typed events a writable graph emits.

/** Free-form element metadata: JSON values, nested objects allowed. */
export type Metadata = { [key: string]: unknown };

/** A partial-update operation (§2.6): Type 1 sets a dotted key, Type 2 deletes it. */
export type PartialOp =
  | { readonly Type: 1; readonly Key: string; readonly Value: unknown }
  | { readonly Type: 2; readonly Key: string };

export const OP_SET = 1 as const;
export const OP_DEL = 2 as const;

/** Fields shared by nodes and edges. Times are ms since the epoch. */
export interface ElementBase {
  readonly id: string;
  metadata: Metadata;
  host: string;
  origin: string;
  createdAt: number;
  updatedAt: number;
  /** Undefined while the element is alive. */
  deletedAt: number | undefined;
  revision: number;
}

export interface Node extends ElementBase {
  readonly kind: 'node';
}

export interface Edge extends ElementBase {
  readonly kind: 'edge';
  readonly parent: string;
  readonly child: string;
}

export type GraphElement = Node | Edge;

/**
 * What a query reads. The live Graph implements it, and so does a history snapshot at a time t.
 * Adjacency lists and lookups return live internal arrays or fresh iterables: callers never mutate them.
 * Invariant every implementation keeps (Gremlin's fused Out/In chains rely on it): an edge of the
 * view joins two nodes of the same view.
 */
export interface GraphView {
  getNode(id: string): Node | undefined;
  getEdge(id: string): Edge | undefined;
  nodes(): Iterable<Node>;
  edges(): Iterable<Edge>;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Edges whose Parent is the node. */
  outEdges(nodeId: string): readonly Edge[];
  /** Edges whose Child is the node. */
  inEdges(nodeId: string): readonly Edge[];
  /**
   * Nodes whose top-level metadata `key` equals `value` (or holds it, for arrays), from an index;
   * `undefined` when `key` is not indexed, in which case the caller scans.
   */
  lookupNodes(key: string, value: unknown): Iterable<Node> | undefined;
  /** The time this view shows, or undefined for the live graph. */
  readonly at?: number | undefined;
}

/** Typed events of a writable graph; `ops` says what changed on an update. */
export interface GraphEvents {
  nodeAdded: (node: Node) => void;
  nodeUpdated: (node: Node, ops: readonly PartialOp[]) => void;
  nodeDeleted: (node: Node) => void;
  edgeAdded: (edge: Edge) => void;
  edgeUpdated: (edge: Edge, ops: readonly PartialOp[]) => void;
  edgeDeleted: (edge: Edge) => void;
}

export type GraphEventName = keyof GraphEvents;
