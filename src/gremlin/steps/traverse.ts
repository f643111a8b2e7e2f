// SPDX-License-Identifier: Apache-2.0
// Adjacency steps: Out/In/Both (nodes → nodes), OutE/InE/BothE (nodes → edges) and OutV/InV/BothV
// (edges → nodes). Skydive's naming: OutV is the edge's CHILD, InV its PARENT. Duplicates are kept.
import type { Edge, GraphView, Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import { parseKeyValues } from '../filters.js';
import type { Step, StepSpec } from '../step.js';
import type { TraversalValue } from '../values.js';
import type { Emit, StreamKind } from './stream.js';
import { StreamStep } from './stream.js';

type Direction = 'out' | 'in' | 'both';

/** Adjacency step base: optional key/value params filter what is reached. */
abstract class AdjacencyStep extends StreamStep {
  constructor(
    spec: StepSpec,
    protected readonly direction: Direction,
  ) {
    super(spec);
    if (spec.params.length > 0) {
      this.filters.push(parseKeyValues(spec.name, spec.params, spec.paramPositions, spec.position));
    }
  }
}

/**
 * Emits, for each edge of node `id` in `direction`, the edge itself (`edges`) or the node at its
 * other end; a self-loop is visited once. False when `emit` asked to stop.
 * Loops here are indexed: V8 left for…of over adjacency lists (a mix of frozen and plain arrays)
 * unoptimised, allocating an iterator result per edge.
 */
function emitAdjacent(
  view: GraphView,
  id: string,
  direction: Direction,
  edges: boolean,
  emit: Emit<Node | Edge>,
): boolean {
  if (direction !== 'in') {
    const out = view.outEdges(id);
    for (let i = 0; i < out.length; i++) {
      const e = out[i]!;
      const el = edges ? e : view.getNode(e.child);
      if (el !== undefined && !emit(el)) return false;
    }
  }
  if (direction !== 'out') {
    const inc = view.inEdges(id);
    for (let i = 0; i < inc.length; i++) {
      const e = inc[i]!;
      if (direction === 'both' && e.parent === e.child) continue;
      const el = edges ? e : view.getNode(e.parent);
      if (el !== undefined && !emit(el)) return false;
    }
  }
  return true;
}

/** Appends the IDs of the nodes next to node `id` in `direction`, in emitAdjacent's order. */
function adjacentIds(view: GraphView, id: string, direction: Direction, into: string[]): void {
  if (direction !== 'in') {
    const out = view.outEdges(id);
    for (let i = 0; i < out.length; i++) into.push(out[i]!.child);
  }
  if (direction !== 'out') {
    const inc = view.inEdges(id);
    for (let i = 0; i < inc.length; i++) {
      const e = inc[i]!;
      if (direction !== 'both' || e.parent !== e.child) into.push(e.parent);
    }
  }
}

/**
 * Out / In / Both: neighbouring nodes. A parameter-less one absorbs the parameter-less Out, In
 * and Both right after it (`Out().Out()`): the hops in between run on node IDs, without looking
 * the nodes up. That gives the same nodes because a view's edges only join nodes of that view.
 */
export class NodeToNodeStep extends AdjacencyStep {
  /** The absorbed hops, in order; the last one's output is this step's output. */
  private readonly hops: NodeToNodeStep[] = [];

  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'nodes' ? 'nodes' : undefined;
  }

  protected override absorbOther(next: Step): boolean {
    const chains =
      next instanceof NodeToNodeStep &&
      next.params.length === 0 &&
      this.filters.length === 0 &&
      this.shape === 'list';
    if (chains) this.hops.push(next);
    return chains;
  }

  protected override get outputStep(): StepSpec {
    return this.hops[this.hops.length - 1] ?? this;
  }

  protected produce(input: TraversalValue, ctx: ExecContext, emit: Emit<Node | Edge>): void {
    if (input.kind !== 'nodes') return;
    const view = ctx.view;
    const nodes = input.nodes;
    if (this.hops.length === 0) {
      for (let i = 0; i < nodes.length; i++)
        if (!emitAdjacent(view, nodes[i]!.id, this.direction, false, emit)) return;
      return;
    }
    let ids: string[] = [];
    for (let i = 0; i < nodes.length; i++) adjacentIds(view, nodes[i]!.id, this.direction, ids);
    this.checkHop(this, ids, ctx);
    const last = this.hops.length - 1;
    for (let h = 0; h < last; h++) {
      const hop = this.hops[h]!;
      const next: string[] = [];
      for (let i = 0; i < ids.length; i++) adjacentIds(view, ids[i]!, hop.direction, next);
      this.checkHop(hop, next, ctx);
      ids = next;
    }
    const final = this.hops[last]!;
    for (let i = 0; i < ids.length; i++)
      if (!emitAdjacent(view, ids[i]!, final.direction, false, emit)) return;
  }

  /**
   * Counts the output of an intermediate hop against the limits, as if it had run alone (the
   * deadline is checked on ticks: like a fused Has, a fused hop is not a step of its own).
   */
  private checkHop(hop: StepSpec, ids: readonly string[], ctx: ExecContext): void {
    ctx.tick(ids.length);
    ctx.checkSize(ids.length, hop.name, hop.position);
  }
}

/** OutE / InE / BothE: the node's edges. */
export class NodeToEdgeStep extends AdjacencyStep {
  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'nodes' ? 'edges' : undefined;
  }

  protected produce(input: TraversalValue, ctx: ExecContext, emit: Emit<Node | Edge>): void {
    if (input.kind !== 'nodes') return;
    for (const n of input.nodes)
      if (!emitAdjacent(ctx.view, n.id, this.direction, true, emit)) return;
  }
}

/** OutV (child) / InV (parent) / BothV (parent then child): the edge's nodes. */
export class EdgeToNodeStep extends AdjacencyStep {
  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'edges' ? 'nodes' : undefined;
  }

  protected produce(input: TraversalValue, ctx: ExecContext, emit: Emit<Node>): void {
    if (input.kind !== 'edges') return;
    const view = ctx.view;
    for (const e of input.edges) {
      if (this.direction !== 'out') {
        const parent = view.getNode(e.parent);
        if (parent && !emit(parent)) return;
      }
      if (this.direction !== 'in') {
        const child = view.getNode(e.child);
        if (child && !emit(child)) return;
      }
    }
  }
}

/** Factories keyed by canonical step name. */
export const adjacencySteps = {
  Out: (s: StepSpec) => new NodeToNodeStep(s, 'out'),
  In: (s: StepSpec) => new NodeToNodeStep(s, 'in'),
  Both: (s: StepSpec) => new NodeToNodeStep(s, 'both'),
  OutE: (s: StepSpec) => new NodeToEdgeStep(s, 'out'),
  InE: (s: StepSpec) => new NodeToEdgeStep(s, 'in'),
  BothE: (s: StepSpec) => new NodeToEdgeStep(s, 'both'),
  // Skydive: OutV = child ("out" of the edge), InV = parent.
  OutV: (s: StepSpec) => new EdgeToNodeStep(s, 'out'),
  InV: (s: StepSpec) => new EdgeToNodeStep(s, 'in'),
  BothV: (s: StepSpec) => new EdgeToNodeStep(s, 'both'),
} as const;
