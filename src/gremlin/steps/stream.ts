// SPDX-License-Identifier: Apache-2.0
// The base of element-producing steps (V, E, Out…, Has, Dedup): they absorb following Has-style
// filters, a Range/Limit and a Count, so that `V().Has(…).Out().Limit(1)` stops as early as it can.
import type { Edge, Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import type { KeyValueFilter } from '../filters.js';
import { allOf, elementAccessor, mapAccessor, toPredicate } from '../filters.js';
import type { Step } from '../step.js';
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

/** Base class of steps that produce a list of nodes, edges or values element by element. */
export abstract class StreamStep extends BaseStep {
  /** Filters applied to every produced element (own parameters, then absorbed Has steps). */
  protected readonly filters: KeyValueFilter[] = [];
  private range: { from: number; to: number } | undefined;
  private countOnly = false;
  private readonly absorbed: Step[] = [];
  private compiled: Partial<Record<StreamKind, ((el: unknown) => boolean) | undefined>> = {};

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

  /** Slices the output to [from, to) (Range/Limit steps use it on themselves). */
  protected sliceTo(from: number, to: number): void {
    this.range = { from, to };
  }

  absorb(next: Step): boolean {
    if (this.countOnly || !isFusable(next)) return false;
    const f = next.fusion;
    if (f.kind === 'filter') {
      if (this.range) return false; // filtering after a slice is not the same as slicing after it
      this.filters.push(f.filter);
    } else if (f.kind === 'range') {
      if (this.range) return false;
      this.range = { from: f.from, to: f.to };
    } else this.countOnly = true;
    this.absorbed.push(next);
    return true;
  }

  private predicate(kind: StreamKind): ((el: unknown) => boolean) | undefined {
    if (!(kind in this.compiled)) {
      const acc = kind === 'values' ? mapAccessor : elementAccessor;
      const preds = this.filters.map((f) =>
        toPredicate(f, acc as (el: unknown, key: string) => unknown),
      );
      this.compiled[kind] = allOf(preds);
    }
    return this.compiled[kind];
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const kind = this.outputKind(input);
    if (kind === undefined) return this.execOnCustom(input, ctx);
    const pred = this.predicate(kind);
    const from = Math.max(0, this.range?.from ?? 0);
    const to = this.range?.to ?? Infinity;
    const out: unknown[] = [];
    let count = 0;
    let index = 0;
    const countOnly = this.countOnly;
    const max = ctx.maxResults;
    const emit: Emit<unknown> = (el, trusted) => {
      ctx.tick();
      if (pred !== undefined && trusted !== true && !pred(el)) return true;
      const i = index++;
      if (i < from) return true;
      if (countOnly) count++;
      else if (out.push(el) > max) ctx.checkSize(out.length, this.name, this.position);
      return index < to;
    };
    const finish = (): TraversalValue => {
      if (countOnly) return { kind: 'number', value: count };
      if (kind === 'nodes') return { kind, nodes: out as Node[] };
      if (kind === 'edges') return { kind, edges: out as Edge[] };
      return { kind, values: out };
    };
    if (to <= from) return finish();
    const p = this.produce(input, ctx, emit);
    return p ? p.then(finish) : finish();
  }

  /** A custom value gets this step unfused, then each absorbed step in order. */
  private async execOnCustom(input: TraversalValue, ctx: ExecContext): Promise<TraversalValue> {
    let v = await applyToCustom(this, input, ctx);
    for (const s of this.absorbed) v = await s.exec(v, ctx);
    return v;
  }
}
