// SPDX-License-Identifier: Apache-2.0
// Public surface of the Gremlin engine: the engine, result shapes and serialisers, and what an
// extension author needs (Step, StepExtension, filters, parameter types).
export {
  GremlinEngine,
  fuse,
  type GremlinEngineOptions,
  type ExecuteOptions,
  type Query,
} from './engine.js';
export {
  ExecContext,
  CHECK_EVERY,
  type HistoryProvider,
  type QueryLimits,
  type SnapshotHints,
} from './context.js';
export { toJSON } from './json.js';
export { toDot } from './dot.js';
export {
  describeValue,
  isGraphResult,
  type Result,
  type TraversalValue,
  type GraphValue,
  type NodesValue,
  type EdgesValue,
  type PathsValue,
  type ValuesValue,
  type NumberValue,
  type CustomValue,
} from './values.js';
export {
  BaseStep,
  applyToCustom,
  inputError,
  type Step,
  type StepExtension,
  type StepSpec,
} from './step.js';
export {
  StreamStep,
  isFusable,
  type Emit,
  type Fusion,
  type FusableStep,
  type StreamKind,
} from './steps/stream.js';
export {
  MATCH_ALL,
  allOf,
  elementAccessor,
  existsTerm,
  mapAccessor,
  parseKeyValues,
  termOf,
  toPredicate,
  type Accessor,
  type FilterTerm,
  type KeyValueFilter,
} from './filters.js';
export {
  compileRegex,
  makePredicate,
  toNumber,
  valueMatcher,
  type ValueMatcher,
} from './predicates.js';
export {
  describeParam,
  isScalar,
  requireInt,
  requireStrings,
  type MetadataParam,
  type OrderParam,
  type Param,
  type PredicateOp,
  type PredicateParam,
  type Scalar,
  type TimeKeywordParam,
} from './params.js';
export { parseQuery, type QueryAst, type StepNode } from './parser.js';
export { scan, type Token, type TokenKind } from './scanner.js';
export {
  parseTimeContext,
  resolveTime,
  parseGoDuration,
  parseRFC1123,
  type TimeContextSpec,
  type ResolvedTime,
} from './time.js';
export { MemoryView } from './memory-view.js';
export { stableKey } from './steps/slice.js';
export {
  topologyExtensions,
  descendantsExtension,
  ascendantsExtension,
  neighborsExtension,
  nextHopExtension,
  lookupNextHop,
  type NextHop,
} from './extensions/index.js';
