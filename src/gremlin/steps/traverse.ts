// SPDX-License-Identifier: Apache-2.0
// Adjacency steps: Out/In/Both (nodes → nodes), OutE/InE/BothE (nodes → edges) and OutV/InV/BothV
// (edges → nodes). Skydive's naming: OutV is the edge's CHILD, InV its PARENT. Duplicates are kept.
import type { Edge, GraphView, Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import { parseKeyValues } from '../filters.js';
import type { StepSpec } from '../step.js';
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
 * Emits, for each edge of `node` in `direction`, the edge itself (`edges`) or the node at its
 * other end; a self-loop is visited once. False when `emit` asked to stop.
 */
function emitAdjacent(
  view: GraphView,
  node: Node,
  direction: Direction,
  edges: boolean,
  emit: Emit<Node | Edge>,
): boolean {
  if (direction !== 'in') {
    for (const e of view.outEdges(node.id)) {
      const el = edges ? e : view.getNode(e.child);
      if (el !== undefined && !emit(el)) return false;
    }
  }
  if (direction !== 'out') {
    for (const e of view.inEdges(node.id)) {
      if (direction === 'both' && e.parent === e.child) continue;
      const el = edges ? e : view.getNode(e.parent);
      if (el !== undefined && !emit(el)) return false;
    }
  }
  return true;
}

/** Out / In / Both: neighbouring nodes. */
export class NodeToNodeStep extends AdjacencyStep {
  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'nodes' ? 'nodes' : undefined;
  }

  protected produce(input: TraversalValue, ctx: ExecContext, emit: Emit<Node | Edge>): void {
    if (input.kind !== 'nodes') return;
    for (const n of input.nodes)
      if (!emitAdjacent(ctx.view, n, this.direction, false, emit)) return;
  }
}

/** OutE / InE / BothE: the node's edges. */
export class NodeToEdgeStep extends AdjacencyStep {
  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'nodes' ? 'edges' : undefined;
  }

  protected produce(input: TraversalValue, ctx: ExecContext, emit: Emit<Node | Edge>): void {
    if (input.kind !== 'nodes') return;
    for (const n of input.nodes) if (!emitAdjacent(ctx.view, n, this.direction, true, emit)) return;
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
