// SPDX-License-Identifier: Apache-2.0
// Order and slicing: Range, Limit, Dedup and Sort on nodes, edges and (Range, Limit, Dedup) plain
// values. Range/Limit fuse into the step before them so that producers stop early.
import { QuerySyntaxError } from '../../graph/errors.js';
import { getField } from '../../graph/fields.js';
import type { GraphElement } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import { describeParam, requireInt, requireStrings } from '../params.js';
import { toNumber } from '../predicates.js';
import type { StepSpec } from '../step.js';
import { BaseStep, applyToCustom } from '../step.js';
import type { TraversalValue } from '../values.js';
import { emitAll, passThroughKind } from './filter.js';
import type { Emit, FusableStep, Fusion, StreamKind } from './stream.js';
import { StreamStep } from './stream.js';

/** `Range(from, to)`: the half-open slice [from, to). */
export class RangeStep extends StreamStep implements FusableStep {
  readonly fusion: Fusion;

  constructor(spec: StepSpec, from?: number, to?: number) {
    super(spec);
    if (from === undefined || to === undefined) {
      if (spec.params.length !== 2)
        throw new QuerySyntaxError('Range requires 2 parameters', spec.position);
      from = requireInt(spec.name, spec.params, 0, spec.paramPositions, spec.position);
      to = requireInt(spec.name, spec.params, 1, spec.paramPositions, spec.position);
    }
    this.sliceTo(from, to);
    this.fusion = { kind: 'range', from, to };
  }

  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return passThroughKind(input);
  }

  protected produce(input: TraversalValue, _ctx: ExecContext, emit: Emit<unknown>): void {
    emitAll(input, emit);
  }
}

/** `Limit(n)` = `Range(0, n)`. */
export function limitStep(spec: StepSpec): RangeStep {
  if (spec.params.length !== 1)
    throw new QuerySyntaxError('Limit requires 1 parameter', spec.position);
  return new RangeStep(
    spec,
    0,
    requireInt(spec.name, spec.params, 0, spec.paramPositions, spec.position),
  );
}

/** JSON with sorted object keys, so equal values give equal strings. */
export function stableKey(v: unknown): string {
  if (v === undefined) return '\u0000undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableKey).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableKey(o[k])}`)
    .join(',')}}`;
}

/** `Dedup()` by ID (or content for values) / `Dedup(k1, k2…)` by the tuple of field values. */
export class DedupStep extends StreamStep {
  private readonly keys: readonly string[];

  constructor(spec: StepSpec) {
    super(spec);
    this.keys = requireStrings(spec.name, spec.params, spec.paramPositions, spec.position);
  }

  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return input.kind === 'paths' ? 'nodes' : passThroughKind(input);
  }

  private keyOf(el: unknown, isElement: boolean): string | undefined {
    if (this.keys.length === 0) return isElement ? (el as GraphElement).id : stableKey(el);
    if (!isElement) return stableKey(el);
    const values = this.keys.map((k) => getField(el as GraphElement, k));
    // Elements lacking every key are all kept, as in Skydive.
    return values.every((v) => v === undefined) ? undefined : stableKey(values);
  }

  protected produce(input: TraversalValue, _ctx: ExecContext, emit: Emit<unknown>): void {
    const seen = new Set<string>();
    const isElement = input.kind !== 'values';
    const each = (el: unknown): boolean => {
      const k = this.keyOf(el, isElement);
      if (k !== undefined) {
        if (seen.has(k)) return true;
        seen.add(k);
      }
      return emit(el);
    };
    if (input.kind !== 'paths') return emitAll(input, each);
    for (const path of input.paths) for (const n of path) if (!each(n)) return;
  }
}

/** `Sort()`, `Sort(key)`, `Sort(ASC|DESC, key)`: numeric order if the first value is a number. */
export class SortStep extends BaseStep {
  private readonly descending: boolean;
  private readonly key: string;

  constructor(spec: StepSpec) {
    super(spec);
    const [a, b] = spec.params;
    const at = (i: number): number => spec.paramPositions[i] ?? spec.position;
    let order: 'ASC' | 'DESC' = 'ASC';
    let key = '@CreatedAt';
    if (spec.params.length > 2)
      throw new QuerySyntaxError('Sort accepts 1 predicate and 1 string parameter', spec.position);
    if (spec.params.length === 2) {
      if (typeof a !== 'object' || a.type !== 'order')
        throw new QuerySyntaxError(`Use ASC or DESC predicate, got: ${describeParam(a!)}`, at(0));
      if (typeof b !== 'string')
        throw new QuerySyntaxError(
          `Second sort parameter has to be a string key, got: ${describeParam(b!)}`,
          at(1),
        );
      order = a.order;
      key = b;
    } else if (a !== undefined) {
      if (typeof a === 'string') key = a;
      else if (typeof a === 'object' && a.type === 'order') order = a.order;
      else
        throw new QuerySyntaxError(
          `Sort parameter has to be a string key, got: ${describeParam(a)}`,
          at(0),
        );
    }
    this.descending = order === 'DESC';
    this.key = key;
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind === 'nodes') return { kind: 'nodes', nodes: this.sorted(input.nodes) };
    if (input.kind === 'edges') return { kind: 'edges', edges: this.sorted(input.edges) };
    return applyToCustom(this, input, ctx);
  }

  private sorted<T extends GraphElement>(list: readonly T[]): T[] {
    const values = list.map((el) => getField(el, this.key));
    const first = values.find((v) => v !== undefined);
    const numeric = first !== undefined && toNumber(first) !== undefined;
    const keyed = list.map((el, i) => {
      const v = values[i];
      return { el, k: numeric ? (toNumber(v) ?? 0) : typeof v === 'string' ? v : '' };
    });
    const sign = this.descending ? -1 : 1;
    keyed.sort((x, y) => (x.k < y.k ? -sign : x.k > y.k ? sign : 0));
    return keyed.map((x) => x.el);
  }
}
