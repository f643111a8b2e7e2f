// SPDX-License-Identifier: Apache-2.0
// Steps that turn elements into plain results: Count, Sum, Values, ValueMap and Keys. Count fuses
// into the stream step before it, which then counts without building the list.
import { QueryExecutionError, QuerySyntaxError } from '../../graph/errors.js';
import { fieldKeys, getField } from '../../graph/fields.js';
import type { GraphElement } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import { requireStrings } from '../params.js';
import { toNumber } from '../predicates.js';
import type { StepSpec } from '../step.js';
import { BaseStep, applyToCustom } from '../step.js';
import type { TraversalValue } from '../values.js';
import type { FusableStep, Fusion } from './stream.js';

/** The elements of a nodes or edges value, or undefined for other kinds. */
export function elementsOf(input: TraversalValue): readonly GraphElement[] | undefined {
  if (input.kind === 'nodes') return input.nodes;
  if (input.kind === 'edges') return input.edges;
  return undefined;
}

/** `Count()`: the number of nodes, edges, values or paths, as a bare number. */
export class CountStep extends BaseStep implements FusableStep {
  readonly fusion: Fusion = { kind: 'count' };

  constructor(spec: StepSpec) {
    super(spec);
    if (spec.params.length !== 0)
      throw new QuerySyntaxError('Count accepts no parameter', spec.position);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    switch (input.kind) {
      case 'nodes':
        return { kind: 'number', value: input.nodes.length };
      case 'edges':
        return { kind: 'number', value: input.edges.length };
      case 'values':
        return { kind: 'number', value: input.values.length };
      case 'paths':
        return { kind: 'number', value: input.paths.length };
      default:
        return applyToCustom(this, input, ctx);
    }
  }
}

function oneKey(spec: StepSpec): string {
  if (spec.params.length !== 1)
    throw new QuerySyntaxError(`${spec.name} requires 1 parameter`, spec.position);
  return requireStrings(spec.name, spec.params, spec.paramPositions, spec.position)[0]!;
}

/** `Sum(key)`: the sum of a numeric field over the elements (absent fields count as nothing). */
export class SumStep extends BaseStep {
  private readonly key: string;

  constructor(spec: StepSpec) {
    super(spec);
    this.key = oneKey(spec);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const els = elementsOf(input);
    if (!els) return applyToCustom(this, input, ctx);
    let sum = 0;
    for (const el of els) {
      const v = getField(el, this.key);
      if (v === undefined) continue;
      const n = toNumber(v);
      if (n === undefined) {
        throw new QueryExecutionError(
          `Sum: field '${this.key}' of '${el.id}' is not a number`,
          this.position,
        );
      }
      sum += n;
    }
    return { kind: 'number', value: sum };
  }
}

const isEmptyContainer = (v: unknown): boolean =>
  v !== null &&
  typeof v === 'object' &&
  (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

/** `Values(key)`: the field's value for each element that has it (empty arrays and maps skipped). */
export class ValuesStep extends BaseStep {
  private readonly key: string;

  constructor(spec: StepSpec) {
    super(spec);
    this.key = oneKey(spec);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const els = elementsOf(input);
    if (!els) return applyToCustom(this, input, ctx);
    const values: unknown[] = [];
    for (const el of els) {
      const v = getField(el, this.key);
      if (v !== undefined && !isEmptyContainer(v)) values.push(v);
    }
    return { kind: 'values', values };
  }
}

/** `ValueMap(k1, k2…)`: one `{k: v}` map per element having at least one of the keys. */
export class ValueMapStep extends BaseStep {
  private readonly keys: readonly string[];

  constructor(spec: StepSpec) {
    super(spec);
    if (spec.params.length === 0)
      throw new QuerySyntaxError('ValueMap requires at least one parameter', spec.position);
    this.keys = requireStrings(spec.name, spec.params, spec.paramPositions, spec.position);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const els = elementsOf(input);
    if (!els) return applyToCustom(this, input, ctx);
    const values: Record<string, unknown>[] = [];
    for (const el of els) {
      const row: Record<string, unknown> = {};
      let found = false;
      for (const k of this.keys) {
        const v = getField(el, k);
        if (v === undefined) continue;
        row[k] = v;
        found = true;
      }
      if (found) values.push(row);
    }
    return { kind: 'values', values };
  }
}

/** `Keys()`: the union of field keys (the seven `@` keys included), in first-seen order. */
export class KeysStep extends BaseStep {
  constructor(spec: StepSpec) {
    super(spec);
    if (spec.params.length !== 0)
      throw new QuerySyntaxError('Keys accepts no parameter', spec.position);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    const els = elementsOf(input);
    if (!els) return applyToCustom(this, input, ctx);
    const seen = new Set<string>();
    for (const el of els) for (const k of fieldKeys(el)) seen.add(k);
    return { kind: 'values', values: [...seen] };
  }
}
