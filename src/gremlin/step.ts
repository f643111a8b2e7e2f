// SPDX-License-Identifier: Apache-2.0
// The step contract shared by core steps and extensions (STYLE rule 8): a step is built at parse
// time from its parameters, may absorb the step after it, and maps one value to the next.
import { QueryExecutionError } from '../graph/errors.js';
import type { ExecContext } from './context.js';
import type { Param } from './params.js';
import type { TraversalValue } from './values.js';
import { describeValue } from './values.js';

/** Where a step was written and with what: what a factory receives. */
export interface StepSpec {
  /** Canonical step name (`Has`, `ShortestPathTo`, `Flows`). */
  readonly name: string;
  readonly params: readonly Param[];
  /** 0-based offset of each parameter in the query. */
  readonly paramPositions: readonly number[];
  /** 0-based offset of the step name. */
  readonly position: number;
}

/** One executable step. */
export interface Step extends StepSpec {
  /**
   * Maps the previous step's value to this step's value. Throws QueryExecutionError (with this
   * step's position) when the input kind is not supported.
   */
  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue>;
  /**
   * Offered the following step at plan time; returns true when it takes over that step's work
   * (e.g. V() absorbing Has(), Out() absorbing Limit()). The absorbed step is then not executed.
   */
  absorb?(next: Step): boolean;
  /**
   * Told, once the plan is fused, which steps run after it (Context() uses it to tell the history
   * backend what the rest of the query reads).
   */
  planAfter?(rest: readonly Step[]): void;
}

/**
 * A domain step plugged into the engine (Flows, Metrics, Descendants, NextHop…). Its name (and
 * aliases) are matched case-insensitively and must not clash with core steps or other extensions.
 * `parse` validates parameters and throws QuerySyntaxError (with a position) when they are wrong.
 * @example
 * const ext: StepExtension = { name: 'Flows', parse: (spec) => new FlowsStep(spec) };
 */
export interface StepExtension {
  readonly name: string;
  readonly aliases?: readonly string[];
  parse(spec: StepSpec): Step;
}

/** The error for a step that cannot take `input`, naming the step and its position. */
export function inputError(step: StepSpec, input: TraversalValue): QueryExecutionError {
  return new QueryExecutionError(
    `Invalid step '${step.name}' on ${describeValue(input)}`,
    step.position,
    'SKY_ERR_QUERY_INVALID_STEP_INPUT',
  );
}

/**
 * Runs `step` on a custom value through the value's own `applyStep`; throws the input error when
 * the value does not handle it.
 */
export function applyToCustom(
  step: Step,
  input: TraversalValue,
  ctx: ExecContext,
): TraversalValue | Promise<TraversalValue> {
  if (input.kind === 'custom' && input.applyStep) {
    const out = input.applyStep(step, ctx);
    if (out !== undefined) return out;
  }
  throw inputError(step, input);
}

/** Convenience base: keeps the spec fields. */
export abstract class BaseStep implements Step {
  readonly name: string;
  readonly params: readonly Param[];
  readonly paramPositions: readonly number[];
  readonly position: number;

  constructor(spec: StepSpec) {
    this.name = spec.name;
    this.params = spec.params;
    this.paramPositions = spec.paramPositions;
    this.position = spec.position;
  }

  abstract exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue>;
}
