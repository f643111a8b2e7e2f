// SPDX-License-Identifier: Apache-2.0
// Topology identifiers (skydive-compat §1.4), stable across agent restarts: UUID v5 over the
// plain concatenation of the parent's TID and the node's key, with no separator.
import { uuidV5, type Node } from '../../graph/index.js';

/** TID of the host node: its own TID metadata, else v5(Name). */
export function hostTID(root: Node, hostID: string): string {
  const tid = root.metadata['TID'];
  if (typeof tid === 'string' && tid !== '') return tid;
  const name = root.metadata['Name'];
  return uuidV5(typeof name === 'string' && name !== '' ? name : hostID);
}

/** TID of a netns node: v5(hostTID + Path + "netns"). */
export function netnsTID(hostTid: string, path: string): string {
  return uuidV5(hostTid + path + 'netns');
}

/** TID of any other node: v5(ownership parent TID + Name + Type). */
export function childTID(parentTid: string, name: string, type: string): string {
  return uuidV5(parentTid + name + type);
}
