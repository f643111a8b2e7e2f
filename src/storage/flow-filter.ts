// SPDX-License-Identifier: Apache-2.0
// Skydive filters (filters.Filter) for the flow stores: defined once in src/flow/query/filter.ts
// (the agent's live table queries use the same evaluator); re-exported under the stores' names.
export {
  ROOT_STRINGS,
  checkFilter,
  evalFilter,
  filterField as flowField,
  ipv4InRange,
  matchesOmittedZero,
  normalizeKey,
  type FilterLeaf,
  type FilterNode,
  type FlowFilter,
} from '../flow/query/filter.js';
