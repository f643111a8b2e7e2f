// SPDX-License-Identifier: Apache-2.0
// Node and edge rules as stored and returned by /api/noderule and /api/edgerule (skydive-compat
// §3.3), and the query port the rule engine reads the graph through.
import type { Metadata, Node } from '../../graph/index.js';

/** A node rule: `create` makes one node, `update` merges Metadata into the nodes Query matches. */
export interface NodeRule {
  UUID: string;
  Name: string;
  Description: string;
  Metadata: Metadata;
  Action: 'create' | 'update';
  Query: string;
}

/** An edge rule: links the first node of Src to the first node of Dst with Metadata. */
export interface EdgeRule {
  UUID: string;
  Name: string;
  Description: string;
  Src: string;
  Dst: string;
  Metadata: Metadata & { RelationType: string };
}

/** How rules read the graph: Gremlin queries whose result must be nodes. */
export interface RuleQueries {
  /** Throws QuerySyntaxError when the query does not parse. */
  check(query: string): void;
  /** The nodes a query returns on the live graph; throws when the result is not nodes. */
  nodes(query: string): Promise<readonly Node[]>;
}
