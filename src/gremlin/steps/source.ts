// SPDX-License-Identifier: Apache-2.0
// Steps that start from a graph: G, V(), V('id'), E(), E('id') and Context()/At(). V() uses the
// graph's value indexes for a fused Has('Key', 'literal') instead of scanning every node.
import { QueryExecutionError, QuerySyntaxError } from '../../graph/errors.js';
import type { Node } from '../../graph/types.js';
import type { ExecContext, SnapshotHints } from '../context.js';
import { describeParam } from '../params.js';
import type { Step, StepSpec } from '../step.js';
import { BaseStep, applyToCustom } from '../step.js';
import type { TimeContextSpec } from '../time.js';
import { parseTimeContext, resolveTime } from '../time.js';
import type { TraversalValue } from '../values.js';
import type { Emit, StreamKind } from './stream.js';
import { StreamStep } from './stream.js';

/** `G`: the current graph (again). */
export class GStep extends BaseStep {
  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind === 'custom') return applyToCustom(this, input, ctx);
    return input.kind === 'graph' ? input : { kind: 'graph', view: ctx.view };
  }
}

function optionalId(spec: StepSpec): string | undefined {
  if (spec.params.length > 1)
    throw new QuerySyntaxError(`${spec.name} accepts at most one parameter`, spec.position);
  const p = spec.params[0];
  if (p === undefined) return undefined;
  if (typeof p !== 'string') {
    throw new QuerySyntaxError(
      `${spec.name} parameter must be a string, got: ${describeParam(p)}`,
      spec.paramPositions[0] ?? spec.position,
    );
  }
  return p;
}

/** A top-level metadata key usable with GraphView.lookupNodes, or undefined. */
function indexKey(key: string): string | undefined {
  const k = key.startsWith('Metadata.') ? key.slice(9) : key;
  return k.includes('.') || k.startsWith('@') || k === '' ? undefined : k;
}

const sizeOf = (it: Iterable<unknown>): number =>
  it instanceof Set ? it.size : Array.isArray(it) ? it.length : Number.MAX_SAFE_INTEGER;

function countOf(it: Iterable<unknown>): number {
  if (it instanceof Set || Array.isArray(it)) return sizeOf(it);
  let n = 0;
  for (const _ of it) n++;
  return n;
}

interface Lookup {
  readonly key: string;
  readonly value: string;
}

/** The fused literal equalities V() may answer from an index, worked out once per query. */
interface IndexPlan {
  readonly lookups: readonly Lookup[];
  /** The lookup that alone decides every fused filter (its hits need no re-check), if any. */
  readonly exact: Lookup | undefined;
}

/** `V()` / `V('id')`. */
export class VStep extends StreamStep {
  private readonly id: string | undefined;
  private indexPlan: IndexPlan | undefined;

  constructor(spec: StepSpec) {
    super(spec);
    this.id = optionalId(spec);
  }

  override absorb(next: Step): boolean {
    this.indexPlan = undefined;
    return super.absorb(next);
  }

  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'graph' ? 'nodes' : undefined;
  }

  private planIndex(): IndexPlan {
    const lookups: Lookup[] = [];
    const filters = this.fusedFilters;
    for (const f of filters) {
      if (f.op !== 'and' && f.terms.length > 1) continue;
      for (const t of f.terms) {
        const key = t.literal === undefined ? undefined : indexKey(t.key);
        if (key !== undefined) lookups.push({ key, value: t.literal! });
      }
    }
    const single = filters.length === 1 && filters[0]!.terms.length === 1;
    return { lookups, exact: single ? lookups[0] : undefined };
  }

  /** The smallest index bucket among the fused literal equalities, if any key is indexed. */
  private candidates(ctx: ExecContext, plan: IndexPlan): Iterable<Node> | undefined {
    let best: Iterable<Node> | undefined;
    for (const { key, value } of plan.lookups) {
      const hit = ctx.view.lookupNodes(key, value);
      if (hit !== undefined && (best === undefined || sizeOf(hit) < sizeOf(best))) best = hit;
    }
    return best;
  }

  override exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind === 'graph' && this.id === undefined) {
      const exact = (this.indexPlan ??= this.planIndex()).exact;
      const shape = this.shape;
      if (exact !== undefined && shape !== 'slice') {
        const hit = ctx.view.lookupNodes(exact.key, exact.value);
        if (hit !== undefined) return this.fromIndex(hit, shape === 'count', ctx);
      }
    }
    return super.exec(input, ctx);
  }

  /**
   * The one metadata equality that alone decides this V() (no ID, no slice), for a history
   * snapshot that may then load only the matching nodes; undefined otherwise.
   */
  exactLookup(): { key: string; value: unknown } | undefined {
    if (this.id !== undefined || this.shape === 'slice') return undefined;
    return (this.indexPlan ??= this.planIndex()).exact;
  }

  /** The answer straight from an index bucket that decides every fused filter. */
  private fromIndex(hit: Iterable<Node>, count: boolean, ctx: ExecContext): TraversalValue {
    if (count) {
      const n = countOf(hit);
      ctx.tick(n);
      return { kind: 'number', value: n };
    }
    const nodes = Array.from(hit);
    ctx.tick(nodes.length);
    ctx.checkSize(nodes.length, this.name, this.position);
    return { kind: 'nodes', nodes };
  }

  protected produce(_input: TraversalValue, ctx: ExecContext, emit: Emit<Node>): void {
    if (this.id !== undefined) {
      const node = ctx.view.getNode(this.id);
      if (!node) {
        throw new QueryExecutionError(
          `Node '${this.id}' does not exist`,
          this.position,
          'SKY_ERR_QUERY_NODE_NOT_FOUND',
        );
      }
      emit(node);
      return;
    }
    const plan = (this.indexPlan ??= this.planIndex());
    const hit = plan.lookups.length > 0 ? this.candidates(ctx, plan) : undefined;
    if (hit) {
      const trusted = plan.exact !== undefined;
      for (const n of hit) if (!emit(n, trusted)) return;
      return;
    }
    for (const n of ctx.view.nodes()) if (!emit(n)) return;
  }
}

/** `E()` / `E('id')`. */
export class EStep extends StreamStep {
  private readonly id: string | undefined;

  constructor(spec: StepSpec) {
    super(spec);
    this.id = optionalId(spec);
  }

  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'graph' ? 'edges' : undefined;
  }

  protected produce(_input: TraversalValue, ctx: ExecContext, emit: Emit<unknown>): void {
    if (this.id !== undefined) {
      const edge = ctx.view.getEdge(this.id);
      if (!edge)
        throw new QueryExecutionError(
          `Edge '${this.id}' does not exist`,
          this.position,
          'SKY_ERR_QUERY_EDGE_NOT_FOUND',
        );
      emit(edge);
      return;
    }
    for (const e of ctx.view.edges()) if (!emit(e)) return;
  }
}

/** `Context(t[, d])` alias `At(…)`: the graph as it was, from the history provider. */
export class ContextStep extends BaseStep {
  readonly time: TimeContextSpec;
  /** Set when the rest of the query is one V() decided by a metadata equality. */
  private hints: SnapshotHints | undefined;

  constructor(spec: StepSpec) {
    super(spec);
    this.time = parseTimeContext(spec.params, spec.paramPositions, spec.position);
  }

  /** `At(t).V().Has('Type', 'veth')[.Count()]` reads only those nodes: say so to the backend. */
  planAfter(rest: readonly Step[]): void {
    const v = rest.length === 1 && rest[0] instanceof VStep ? rest[0].exactLookup() : undefined;
    this.hints = v === undefined ? undefined : { lookups: [v], lookupsOnly: true };
  }

  async exec(input: TraversalValue, ctx: ExecContext): Promise<TraversalValue> {
    if (input.kind !== 'graph') return applyToCustom(this, input, ctx);
    if (!ctx.history) {
      throw new QueryExecutionError(
        'Backend does not support history',
        this.position,
        'SKY_ERR_NO_HISTORY',
      );
    }
    const { time, duration } = resolveTime(this.time, ctx.now());
    ctx.timeSlice = { from: time - (duration ?? 0), to: time };
    ctx.view = await (this.hints === undefined
      ? ctx.history.at(time, duration)
      : ctx.history.at(time, duration, this.hints));
    return { kind: 'graph', view: ctx.view };
  }
}
