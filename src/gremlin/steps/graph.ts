// SPDX-License-Identifier: Apache-2.0
// Whole-graph steps: ShortestPathTo (undirected BFS to the nearest matching node), SubGraph (the
// elements at hand plus the edges among them, as a new graph) and As/Select (named node sets).
import { QueryExecutionError, QuerySyntaxError } from '../../graph/errors.js';
import type { Edge, GraphView, Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import type { KeyValueFilter } from '../filters.js';
import { MATCH_ALL, elementAccessor, parseKeyValues, termOf, toPredicate } from '../filters.js';
import { MemoryView } from '../memory-view.js';
import type { MetadataParam, Param } from '../params.js';
import { describeParam, requireStrings } from '../params.js';
import type { StepSpec } from '../step.js';
import { BaseStep, applyToCustom, inputError } from '../step.js';
import type { TraversalValue } from '../values.js';

function metadataFilter(p: Param | undefined, position: number): KeyValueFilter {
  if (typeof p !== 'object' || p.type !== 'metadata') {
    throw new QuerySyntaxError(
      `ShortestPathTo expects Metadata(...) parameters, got: ${p === undefined ? 'nothing' : describeParam(p)}`,
      position,
    );
  }
  return { op: 'and', terms: (p as MetadataParam).entries.map(([k, v]) => termOf(k, v)) };
}

/** `ShortestPathTo(Metadata(k, v…)[, Metadata(edge k, v…)])`: one path per distinct start node. */
export class ShortestPathStep extends BaseStep {
  private readonly isTarget: (n: Node) => boolean;
  private readonly edgeOk: (e: Edge) => boolean;

  constructor(spec: StepSpec) {
    super(spec);
    if (spec.params.length === 0 || spec.params.length > 2) {
      throw new QuerySyntaxError('ShortestPathTo accepts only 1 or 2 parameters', spec.position);
    }
    const at = (i: number): number => spec.paramPositions[i] ?? spec.position;
    this.isTarget = toPredicate(metadataFilter(spec.params[0], at(0)), elementAccessor);
    const edgeFilter = spec.params.length === 2 ? metadataFilter(spec.params[1], at(1)) : MATCH_ALL;
    this.edgeOk = toPredicate(edgeFilter, elementAccessor);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind !== 'nodes') return applyToCustom(this, input, ctx);
    const paths: Node[][] = [];
    const done = new Set<string>();
    for (const start of input.nodes) {
      if (done.has(start.id)) continue;
      done.add(start.id);
      const path = this.bfs(ctx, start);
      if (path) paths.push(path);
    }
    return { kind: 'paths', paths };
  }

  private bfs(ctx: ExecContext, start: Node): Node[] | undefined {
    if (this.isTarget(start)) return [start];
    const view: GraphView = ctx.view;
    const prev = new Map<string, Node>([[start.id, start]]);
    let frontier: Node[] = [start];
    while (frontier.length > 0) {
      const next: Node[] = [];
      for (const n of frontier) {
        const visit = (e: Edge, otherId: string): Node[] | undefined => {
          ctx.tick();
          if (prev.has(otherId) || !this.edgeOk(e)) return undefined;
          const other = view.getNode(otherId);
          if (!other) return undefined;
          prev.set(otherId, n);
          if (this.isTarget(other)) return this.trace(prev, other, start);
          next.push(other);
          return undefined;
        };
        for (const e of view.outEdges(n.id)) {
          const found = visit(e, e.child);
          if (found) return found;
        }
        for (const e of view.inEdges(n.id)) {
          const found = visit(e, e.parent);
          if (found) return found;
        }
      }
      frontier = next;
    }
    return undefined;
  }

  private trace(prev: Map<string, Node>, end: Node, start: Node): Node[] {
    const path = [end];
    let cur = end;
    while (cur !== start) {
      cur = prev.get(cur.id)!;
      path.push(cur);
    }
    return path.reverse();
  }
}

/** `SubGraph([edge k, v…])`: the nodes (or edge ends, or path nodes) and edges among them. */
export class SubGraphStep extends BaseStep {
  private readonly edgeOk: (e: Edge) => boolean;

  constructor(spec: StepSpec) {
    super(spec);
    const f =
      spec.params.length > 0
        ? parseKeyValues(spec.name, spec.params, spec.paramPositions, spec.position)
        : MATCH_ALL;
    this.edgeOk = toPredicate(f, elementAccessor);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const source = ctx.view;
    let nodes: Iterable<Node>;
    let edges: Edge[] = [];
    const incident = (list: Iterable<Node>): Edge[] => {
      const out: Edge[] = [];
      for (const n of list) for (const e of source.outEdges(n.id)) if (this.edgeOk(e)) out.push(e);
      return out;
    };
    switch (input.kind) {
      case 'nodes':
        nodes = input.nodes;
        edges = incident(input.nodes);
        break;
      case 'paths':
        nodes = input.paths.flat();
        edges = incident(nodes);
        break;
      case 'edges': {
        edges = input.edges.filter(this.edgeOk);
        const ends: Node[] = [];
        for (const e of edges) {
          const p = source.getNode(e.parent);
          const c = source.getNode(e.child);
          if (p) ends.push(p);
          if (c) ends.push(c);
        }
        nodes = ends;
        break;
      }
      default:
        return applyToCustom(this, input, ctx);
    }
    ctx.view = new MemoryView(nodes, edges, source.at);
    ctx.checkSize(ctx.view.nodeCount + ctx.view.edgeCount, this.name, this.position);
    return { kind: 'graph', view: ctx.view };
  }
}

/** `As('name')`: remembers the current nodes. */
export class AsStep extends BaseStep {
  private readonly key: string;

  constructor(spec: StepSpec) {
    super(spec);
    if (spec.params.length !== 1)
      throw new QuerySyntaxError('As requires 1 parameter', spec.position);
    this.key = requireStrings(spec.name, spec.params, spec.paramPositions, spec.position)[0]!;
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind !== 'nodes') return applyToCustom(this, input, ctx);
    ctx.saved.set(this.key, input.nodes);
    return input;
  }
}

/** `Select('a', 'b'…)`: the concatenation of the sets saved by As(). */
export class SelectStep extends BaseStep {
  private readonly keys: readonly string[];

  constructor(spec: StepSpec) {
    super(spec);
    if (spec.params.length === 0)
      throw new QuerySyntaxError('Select requires at least one key', spec.position);
    this.keys = requireStrings(spec.name, spec.params, spec.paramPositions, spec.position);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue {
    if (input.kind !== 'nodes') throw inputError(this, input);
    const nodes: Node[] = [];
    for (const k of this.keys) {
      const saved = ctx.saved.get(k);
      if (!saved)
        throw new QueryExecutionError(
          `Key ${k} not registered. Need to be registered using 'As' step`,
          this.position,
        );
      nodes.push(...saved);
    }
    return { kind: 'nodes', nodes };
  }
}
