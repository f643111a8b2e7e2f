// SPDX-License-Identifier: Apache-2.0
// Node and Edge → their Skydive JSON (skydive-compat §1.1): fixed key order, zero times as `null`,
// DeletedAt always present. Pure mapping from the graph's element types.

import type { Edge, Node } from '../graph/types.js';
import type { EdgeJSON, NodeJSON } from './messages.js';

function time(t: number | undefined): number | null {
  return t ? t : null;
}

/** The JSON of a node, as sent on the wire and returned by the REST API. */
export function nodeToJSON(node: Node): NodeJSON {
  return {
    ID: node.id,
    Metadata: node.metadata,
    Host: node.host,
    Origin: node.origin,
    CreatedAt: time(node.createdAt),
    UpdatedAt: time(node.updatedAt),
    DeletedAt: time(node.deletedAt),
    Revision: node.revision,
  };
}

/** The JSON of an edge: the node header plus `Parent` and `Child`. */
export function edgeToJSON(edge: Edge): EdgeJSON {
  return {
    ID: edge.id,
    Metadata: edge.metadata,
    Host: edge.host,
    Origin: edge.origin,
    CreatedAt: time(edge.createdAt),
    UpdatedAt: time(edge.updatedAt),
    DeletedAt: time(edge.deletedAt),
    Revision: edge.revision,
    Parent: edge.parent,
    Child: edge.child,
  };
}
