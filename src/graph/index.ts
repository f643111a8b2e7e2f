// SPDX-License-Identifier: Apache-2.0
// Public surface of the graph engine.
export * from './types.js';
export * from './errors.js';
export * from './ids.js';
export * from './fields.js';
export * from './json.js';
export * from './ops.js';
export { metadataJSON } from './emitter.js';
export {
  Graph,
  DEFAULT_NODE_INDEXES,
  type ElementOptions,
  type UpdateOptions,
  type GraphOptions,
} from './graph.js';
