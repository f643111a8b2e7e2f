// SPDX-License-Identifier: Apache-2.0
// Query results in Skydive's JSON shapes (skydive-compat §4.6): a graph is a one-element array,
// Count/Sum are bare numbers, Values/Keys/ValueMap are null when empty.
import { edgeToJSON, nodeToJSON } from '../graph/json.js';
import type { Result } from './values.js';

/**
 * The body `POST /api/topology` returns for a result.
 * @example toJSON(await engine.execute('G.V().Count()', g)) // 12
 */
export function toJSON(result: Result): unknown {
  switch (result.kind) {
    case 'graph':
      return [
        {
          Nodes: [...result.view.nodes()].map(nodeToJSON),
          Edges: [...result.view.edges()].map(edgeToJSON),
        },
      ];
    case 'nodes':
      return result.nodes.map(nodeToJSON);
    case 'edges':
      return result.edges.map(edgeToJSON);
    case 'paths':
      return result.paths.map((p) => p.map(nodeToJSON));
    case 'values':
      return result.values.length > 0 ? result.values : null;
    case 'number':
      return result.value;
    case 'custom':
      return result.toJSON();
  }
}
