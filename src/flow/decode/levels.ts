// SPDX-License-Identifier: Apache-2.0
// Skydive's split of a packet into encapsulation levels (one flow each): a new level starts after
// every VXLAN, Geneve and MPLS layer, and after GRE unless MPLS follows it (then after that MPLS).
import { Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';

/**
 * Writes the first layer index of each encapsulation level into `starts` and returns how many levels
 * there are (at least 1). Level i spans layers [starts[i], starts[i+1]) (the last one up to count).
 * Mirrors Skydive's PacketSeqFromGoPacket, including its "GRE followed by MPLS" test, which looks
 * two layers ahead. Allocates nothing.
 */
export function encapsulationLevels(frame: DecodedFrame, starts: Uint32Array): number {
  let n = 1;
  starts[0] = 0;
  const count = frame.count;
  for (let k = 0; k < count; k++) {
    const t = frame.types[k];
    if (t === Layer.GRE) {
      if (k < count - 2 && frame.types[k + 1] === Layer.MPLS) continue;
    } else if (t !== Layer.VXLAN && t !== Layer.MPLS && t !== Layer.Geneve) continue;
    if (n < starts.length) starts[n++] = k + 1;
  }
  return n;
}
