// SPDX-License-Identifier: Apache-2.0
// The base of element-producing steps (V, E, Out…, Has, Dedup): they absorb following Has-style
// filters, a Range/Limit and a Count, so that `V().Has(…).Out().Limit(1)` stops as early as it can.
import type { Edge, Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import type { Accessor, KeyValueFilter } from '../filters.js';
import { allOf, elementAccessor, mapAccessor, toPredicate } from '../filters.js';
import type { Step, StepSpec } from '../step.js';
import { BaseStep, applyToCustom } from '../step.js';
import type { TraversalValue } from '../values.js';

/** What a step contributes when fused into the step before it. */
export type Fusion =
  | { readonly kind: 'filter'; readonly filter: KeyValueFilter }
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'count' };

/** A step that can be fused into a preceding stream step (Has family, Range, Limit, Count). */
export interface FusableStep extends Step {
  readonly fusion: Fusion;
}

/** True when `s` declares how to fuse it. */
export function isFusable(s: Step): s is FusableStep {
  return (s as Partial<FusableStep>).fusion !== undefined;
}

/** The element kinds a stream step outputs. */
export type StreamKind = 'nodes' | 'edges' | 'values';

/**
 * Emits one element; returns false when the consumer wants no more. `trusted` skips the fused
 * filters, for producers that already know every filter holds (V() answering from an index).
 */
export type Emit<T> = (el: T, trusted?: boolean) => boolean;

type Predicate = (el: unknown) => boolean;

/** What a stream step does with what it produces, compiled once per output kind. */
interface Plan {
  /** The step reported when the output grows past maxResults. */
  readonly reporter: StepSpec;
  /** All fused filters, or undefined when there are none. */
  readonly pred: Predicate | undefined;
  readonly from: number;
  readonly to: number;
  readonly countOnly: boolean;
}

/**
 * Collects what one execution of a stream step emits: applies the plan's filters and range,
 * counts or stores, and enforces the limits. One per execution (a step may run concurrently).
 */
class Collector {
  readonly out: unknown[] = [];
  private count = 0;
  private index = 0;

  constructor(
    private readonly plan: Plan,
    private readonly ctx: ExecContext,
  ) {}

  /** Takes one element; false once the range is exhausted. */
  push(el: unknown, trusted: boolean | undefined): boolean {
    const plan = this.plan;
    this.ctx.tick();
    if (plan.pred !== undefined && trusted !== true && !plan.pred(el)) return true;
    if (this.index++ < plan.from) return true;
    if (plan.countOnly) this.count++;
    else if (this.out.push(el) > this.ctx.maxResults)
      this.ctx.checkSize(this.out.length, plan.reporter.name, plan.reporter.position);
    return this.index < plan.to;
  }

  result(kind: StreamKind): TraversalValue {
    if (this.plan.countOnly) return { kind: 'number', value: this.count };
    if (kind === 'nodes') return { kind, nodes: this.out as Node[] };
    if (kind === 'edges') return { kind, edges: this.out as Edge[] };
    return { kind, values: this.out };
  }
}

/** Base class of steps that produce a list of nodes, edges or values element by element. */
export abstract class StreamStep extends BaseStep {
  /** Filters applied to every produced element (own parameters, then absorbed Has steps). */
  protected readonly filters: KeyValueFilter[] = [];
  private range: { from: number; to: number } | undefined;
  private countOnly = false;
  private readonly absorbed: Step[] = [];
  /** Plans for nodes/edges and for values, compiled at first use (after fusion). */
  private elementPlan: Plan | undefined;
  private valuePlan: Plan | undefined;

  /** The output kind for `input`, or undefined when the step does not accept it. */
  protected abstract outputKind(input: TraversalValue): StreamKind | undefined;

  /** Produces elements from `input`, stopping when `emit` returns false. */
  protected abstract produce(
    input: TraversalValue,
    ctx: ExecContext,
    emit: Emit<unknown>,
  ): void | Promise<void>;

  /** The fused filters, for steps that can use an index (V()). */
  protected get fusedFilters(): readonly KeyValueFilter[] {
    return this.filters;
  }

  /** How fused Range/Count steps shape the output: the whole list, a count, or a slice. */
  protected get shape(): 'list' | 'count' | 'slice' {
    return this.range !== undefined ? 'slice' : this.countOnly ? 'count' : 'list';
  }

  /** The step named when the output exceeds maxResults (a chain of hops names its last hop). */
  protected get outputStep(): StepSpec {
    return this;
  }

  /**
   * Offered a following step that is not a filter, range or count; returns true when it takes
   * over that step's work. None by default.
   */
  protected absorbOther(_next: Step): boolean {
    return false;
  }

  /** Slices the output to [from, to) (Range/Limit steps use it on themselves). */
  protected sliceTo(from: number, to: number): void {
    this.range = { from, to };
    this.elementPlan = this.valuePlan = undefined;
  }

  absorb(next: Step): boolean {
    if (this.countOnly) return false;
    if (!isFusable(next)) {
      if (!this.absorbOther(next)) return false;
    } else {
      const f = next.fusion;
      if (f.kind === 'filter') {
        if (this.range) return false; // filtering after a slice is not the same as slicing after it
        this.filters.push(f.filter);
      } else if (f.kind === 'range') {
        if (this.range) return false;
        this.range = { from: f.from, to: f.to };
      } else this.countOnly = true;
    }
    this.absorbed.push(next);
    this.elementPlan = this.valuePlan = undefined;
    return true;
  }

  private compile(acc: Accessor<unknown>): Plan {
    return {
      reporter: this.outputStep,
      pred: allOf(this.filters.map((f) => toPredicate(f, acc))),
      from: Math.max(0, this.range?.from ?? 0),
      to: this.range?.to ?? Infinity,
      countOnly: this.countOnly,
    };
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const kind = this.outputKind(input);
    if (kind === undefined) return this.execOnCustom(input, ctx);
    const plan =
      kind === 'values'
        ? (this.valuePlan ??= this.compile(mapAccessor))
        : (this.elementPlan ??= this.compile(elementAccessor as Accessor<unknown>));
    const c = new Collector(plan, ctx);
    if (plan.to <= plan.from) return c.result(kind);
    // An inline arrow, not a named closure: tsx's keepNames would rename every copy it creates.
    const p = this.produce(input, ctx, (el, trusted) => c.push(el, trusted));
    return p ? p.then(() => c.result(kind)) : c.result(kind);
  }

  /** A custom value gets this step unfused, then each absorbed step in order. */
  private async execOnCustom(input: TraversalValue, ctx: ExecContext): Promise<TraversalValue> {
    let v = await applyToCustom(this, input, ctx);
    for (const s of this.absorbed) v = await s.exec(v, ctx);
    return v;
  }
}
