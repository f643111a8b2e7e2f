// SPDX-License-Identifier: Apache-2.0
// Node and Edge → their Skydive JSON (skydive-compat §1.1). The graph engine owns the mapping
// (Gremlin results need it and may not import protocol); protocol re-exports it for its users.
export { nodeToJSON, edgeToJSON } from '../graph/json.js';
