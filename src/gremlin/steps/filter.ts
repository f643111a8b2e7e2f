// SPDX-License-Identifier: Apache-2.0
// The Has family: Has, HasKey, HasNot, HasEither. They filter nodes, edges or plain values (maps
// from ValueMap) and fuse into the step before them when that step produces elements.
import { QuerySyntaxError } from '../../graph/errors.js';
import type { ExecContext } from '../context.js';
import type { KeyValueFilter } from '../filters.js';
import { existsTerm, parseKeyValues } from '../filters.js';
import { describeParam } from '../params.js';
import type { StepSpec } from '../step.js';
import type { TraversalValue } from '../values.js';
import type { Emit, Fusion, FusableStep, StreamKind } from './stream.js';
import { StreamStep } from './stream.js';

/** Output kind of a pass-through step (same kind as its input) for nodes, edges and values. */
export function passThroughKind(input: TraversalValue): StreamKind | undefined {
  return input.kind === 'nodes' || input.kind === 'edges' || input.kind === 'values'
    ? input.kind
    : undefined;
}

/** Emits every element of a nodes, edges or values input. */
export function emitAll(input: TraversalValue, emit: Emit<unknown>): void {
  const list: readonly unknown[] =
    input.kind === 'nodes'
      ? input.nodes
      : input.kind === 'edges'
        ? input.edges
        : input.kind === 'values'
          ? input.values
          : [];
  for (let i = 0; i < list.length; i++) if (!emit(list[i])) return;
}

function singleKey(spec: StepSpec): string {
  const p = spec.params[0];
  if (spec.params.length !== 1 || typeof p !== 'string') {
    const got = spec.params.map(describeParam).join(', ');
    throw new QuerySyntaxError(
      `${spec.name} accepts only one parameter of type string, got: (${got})`,
      spec.position,
    );
  }
  return p;
}

/** Base of the Has family: one filter, fusable into the previous stream step. */
abstract class FilterStep extends StreamStep implements FusableStep {
  readonly fusion: Fusion;

  constructor(spec: StepSpec, filter: KeyValueFilter) {
    super(spec);
    this.filters.push(filter);
    this.fusion = { kind: 'filter', filter };
  }

  protected outputKind(input: TraversalValue): StreamKind | undefined {
    return passThroughKind(input);
  }

  protected produce(input: TraversalValue, _ctx: ExecContext, emit: Emit<unknown>): void {
    emitAll(input, emit);
  }
}

function atLeastOne(spec: StepSpec): void {
  if (spec.params.length === 0)
    throw new QuerySyntaxError(
      `${spec.name}: at least one parameter must be provided`,
      spec.position,
    );
}

/** `Has(k)` (key exists) or `Has(k1, v1, k2, v2…)` (all match). */
export class HasStep extends FilterStep {
  constructor(spec: StepSpec) {
    atLeastOne(spec);
    super(spec, parseKeyValues(spec.name, spec.params, spec.paramPositions, spec.position, 'and'));
  }
}

/** `HasEither(k1, v1, k2, v2…)`: any pair matches. */
export class HasEitherStep extends FilterStep {
  constructor(spec: StepSpec) {
    atLeastOne(spec);
    super(spec, parseKeyValues(spec.name, spec.params, spec.paramPositions, spec.position, 'or'));
  }
}

/** `HasKey(k)`: the key exists. */
export class HasKeyStep extends FilterStep {
  constructor(spec: StepSpec) {
    super(spec, { op: 'and', terms: [existsTerm(singleKey(spec))] });
  }
}

/** `HasNot(k)`: the key is absent. */
export class HasNotStep extends FilterStep {
  constructor(spec: StepSpec) {
    super(spec, { op: 'and', terms: [existsTerm(singleKey(spec), true)] });
  }
}
