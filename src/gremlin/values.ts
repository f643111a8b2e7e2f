// SPDX-License-Identifier: Apache-2.0
// What flows between steps and what a query returns: a graph, nodes, edges, paths, plain values,
// a number, or a custom value owned by an extension (flows, next hops, metrics…).
import type { Edge, GraphView, Node } from '../graph/types.js';
import type { ExecContext } from './context.js';
import type { Step } from './step.js';

/** A whole graph: `G`, `Context()`, `SubGraph()`. The view holds the node and edge sets. */
export interface GraphValue {
  readonly kind: 'graph';
  readonly view: GraphView;
}

/** An ordered list of nodes (duplicates allowed). */
export interface NodesValue {
  readonly kind: 'nodes';
  readonly nodes: readonly Node[];
}

/** An ordered list of edges (duplicates allowed). */
export interface EdgesValue {
  readonly kind: 'edges';
  readonly edges: readonly Edge[];
}

/** ShortestPathTo results: one node list per start node. */
export interface PathsValue {
  readonly kind: 'paths';
  readonly paths: readonly (readonly Node[])[];
}

/** Plain JSON values: Values(), Keys(), ValueMap(). Serialised as `null` when empty. */
export interface ValuesValue {
  readonly kind: 'values';
  readonly values: readonly unknown[];
}

/** A bare number: Count(), Sum(). */
export interface NumberValue {
  readonly kind: 'number';
  readonly value: number;
}

/**
 * A value owned by an extension. `type` names it ('nexthops', 'flows'…). Core steps that meet a
 * custom value ask `applyStep` first (as Skydive dispatches Has/Dedup/Count… to the flow step), and
 * fail with a type error when it is missing or returns undefined.
 */
export interface CustomValue {
  readonly kind: 'custom';
  readonly type: string;
  /** The §4.6 JSON form of the value. */
  toJSON(): unknown;
  applyStep?(step: Step, ctx: ExecContext): TraversalValue | Promise<TraversalValue> | undefined;
}

/** Anything a step consumes or produces; also the result of a query. */
export type TraversalValue =
  | GraphValue
  | NodesValue
  | EdgesValue
  | PathsValue
  | ValuesValue
  | NumberValue
  | CustomValue;

/** The result of executing a query (same shapes as between steps). */
export type Result = TraversalValue;

/** The `kind` of a value, for error messages: 'nodes', 'a number', 'flows'… */
export function describeValue(v: TraversalValue): string {
  switch (v.kind) {
    case 'graph':
      return 'a graph';
    case 'number':
      return 'a number';
    case 'custom':
      return v.type;
    default:
      return v.kind;
  }
}

/** True for a graph result (DOT output, subscriber filters). */
export function isGraphResult(r: Result): r is GraphValue {
  return r.kind === 'graph';
}
