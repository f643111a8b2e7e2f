// SPDX-License-Identifier: Apache-2.0
// Descendants, Ascendants and Neighbors (skydive-compat §4.5): breadth-first walks from the input
// nodes along edges matching a filter (default RelationType=ownership). Input nodes are included.
import { QuerySyntaxError } from '../../graph/errors.js';
import type { Edge, GraphView, Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import type { KeyValueFilter } from '../filters.js';
import { elementAccessor, parseKeyValues, termOf, toPredicate } from '../filters.js';
import { describeParam } from '../params.js';
import type { Step, StepExtension, StepSpec } from '../step.js';
import { BaseStep, applyToCustom } from '../step.js';
import type { TraversalValue } from '../values.js';

type Walk = 'down' | 'up' | 'both';

const OWNERSHIP: KeyValueFilter = { op: 'and', terms: [termOf('RelationType', 'ownership')] };

/** Parses `[k, v…][, depth]`: key/value pairs OR-ed into an edge filter, then an optional depth. */
function parseWalkParams(spec: StepSpec): { filter: KeyValueFilter; depth: number } {
  const { params, paramPositions: pos, position, name } = spec;
  const pairs = Math.floor(params.length / 2) * 2;
  let filter = OWNERSHIP;
  let depth = 1;
  if (pairs > 0)
    filter = parseKeyValues(name, params.slice(0, pairs), pos.slice(0, pairs), position, 'or');
  if (pairs < params.length) {
    const d = params[params.length - 1]!;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new QuerySyntaxError(
        `${name} last argument must be the maximum depth specified as a non-negative integer, got: ${describeParam(d)}`,
        pos[params.length - 1] ?? position,
      );
    }
    depth = d;
  }
  return { filter, depth };
}

/** One walk step; `unlimitedAtZero` distinguishes Descendants/Ascendants (0 = no limit) from Neighbors. */
class WalkStep extends BaseStep {
  private readonly edgeOk: (e: Edge) => boolean;
  private readonly maxDepth: number;

  constructor(
    spec: StepSpec,
    private readonly walk: Walk,
    unlimitedAtZero: boolean,
  ) {
    super(spec);
    const { filter, depth } = parseWalkParams(spec);
    this.edgeOk = toPredicate(filter, elementAccessor);
    this.maxDepth = depth === 0 && unlimitedAtZero ? Infinity : depth;
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind !== 'nodes') return applyToCustom(this, input, ctx);
    const view: GraphView = ctx.view;
    const seen = new Set<string>();
    const out: Node[] = [];
    let frontier: Node[] = [];
    // Indexed loops: for…of over adjacency lists (some frozen) allocated iterator results.
    for (let i = 0; i < input.nodes.length; i++) {
      const n = input.nodes[i]!;
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      out.push(n);
      frontier.push(n);
    }
    for (let level = 0; level < this.maxDepth && frontier.length > 0; level++) {
      const next: Node[] = [];
      for (let i = 0; i < frontier.length; i++) {
        const id = frontier[i]!.id;
        if (this.walk !== 'up') {
          const edges = view.outEdges(id);
          for (let j = 0; j < edges.length; j++)
            this.reach(edges[j]!, edges[j]!.child, ctx, seen, out, next);
        }
        if (this.walk !== 'down') {
          const edges = view.inEdges(id);
          for (let j = 0; j < edges.length; j++)
            this.reach(edges[j]!, edges[j]!.parent, ctx, seen, out, next);
        }
      }
      ctx.checkSize(out.length, this.name, this.position);
      frontier = next;
    }
    return { kind: 'nodes', nodes: out };
  }

  /** Follows `e` to node `id` unless it was seen or the edge does not match. */
  private reach(
    e: Edge,
    id: string,
    ctx: ExecContext,
    seen: Set<string>,
    out: Node[],
    next: Node[],
  ): void {
    ctx.tick();
    if (!this.edgeOk(e) || seen.has(id)) return;
    const n = ctx.view.getNode(id);
    if (!n) return;
    seen.add(id);
    out.push(n);
    next.push(n);
  }
}

function walkExtension(name: string, walk: Walk, unlimitedAtZero: boolean): StepExtension {
  return { name, parse: (spec): Step => new WalkStep(spec, walk, unlimitedAtZero) };
}

/** `Descendants([k, v…][, depth])`: children along matching edges; depth 1 by default, 0 = unlimited. */
export const descendantsExtension = walkExtension('Descendants', 'down', true);
/** `Ascendants([k, v…][, depth])`: parents along matching edges; depth 1 by default, 0 = unlimited. */
export const ascendantsExtension = walkExtension('Ascendants', 'up', true);
/** `Neighbors([k, v…][, depth])`: both directions; depth 1 by default, 0 = the input only. */
export const neighborsExtension = walkExtension('Neighbors', 'both', false);
