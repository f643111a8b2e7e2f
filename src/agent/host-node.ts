// SPDX-License-Identifier: Apache-2.0
// The agent's root: the host node every probe hangs its elements under (skydive-compat §1.4, §1.7):
// Type host, Name = host_id, the machine's Hostname, TID = v5(Name), plus agent.metadata keys.
import { genID, uuidV5, type Graph, type Metadata, type Node } from '../graph/index.js';

/** What the host node is made of. */
export interface HostNodeSpec {
  hostID: string;
  /** The machine's host name (os.hostname()). */
  hostname: string;
  /** agent.metadata: extra keys; Name, Type and TID stay the agent's. */
  metadata?: Metadata;
}

/** The metadata of the host node. */
export function hostMetadata(spec: HostNodeSpec): Metadata {
  return {
    Hostname: spec.hostname,
    ...spec.metadata,
    Name: spec.hostID,
    Type: 'host',
    TID: uuidV5(spec.hostID),
  };
}

/**
 * Adds the host node to the agent's graph. Its ID is random, as Skydive's (GenID()): the TID is
 * what stays the same across restarts.
 */
export function createHostNode(graph: Graph, spec: HostNodeSpec): Node {
  return graph.newNode(hostMetadata(spec), { id: genID() });
}
