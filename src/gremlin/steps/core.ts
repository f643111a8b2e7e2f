// SPDX-License-Identifier: Apache-2.0
// The table of core steps (skydive-compat §4.2): canonical name → factory. Extensions add their
// own names through the engine; lookups are case-insensitive.
import type { Step, StepSpec } from '../step.js';
import { HasEitherStep, HasKeyStep, HasNotStep, HasStep } from './filter.js';
import { AsStep, SelectStep, ShortestPathStep, SubGraphStep } from './graph.js';
import { CountStep, KeysStep, SumStep, ValueMapStep, ValuesStep } from './reduce.js';
import { DedupStep, RangeStep, SortStep, limitStep } from './slice.js';
import { ContextStep, EStep, GStep, VStep } from './source.js';
import { adjacencySteps } from './traverse.js';

/** Builds a step from its spec; throws QuerySyntaxError on bad parameters. */
export type StepFactory = (spec: StepSpec) => Step;

/** Core steps by canonical name. `At` is an alias of `Context`. */
export const CORE_STEPS: Readonly<Record<string, StepFactory>> = {
  G: (s) => new GStep(s),
  V: (s) => new VStep(s),
  E: (s) => new EStep(s),
  Context: (s) => new ContextStep(s),
  At: (s) => new ContextStep(s),
  Has: (s) => new HasStep(s),
  HasKey: (s) => new HasKeyStep(s),
  HasNot: (s) => new HasNotStep(s),
  HasEither: (s) => new HasEitherStep(s),
  ...adjacencySteps,
  Dedup: (s) => new DedupStep(s),
  Count: (s) => new CountStep(s),
  Range: (s) => new RangeStep(s),
  Limit: limitStep,
  Sort: (s) => new SortStep(s),
  Values: (s) => new ValuesStep(s),
  ValueMap: (s) => new ValueMapStep(s),
  Keys: (s) => new KeysStep(s),
  Sum: (s) => new SumStep(s),
  ShortestPathTo: (s) => new ShortestPathStep(s),
  SubGraph: (s) => new SubGraphStep(s),
  As: (s) => new AsStep(s),
  Select: (s) => new SelectStep(s),
};
