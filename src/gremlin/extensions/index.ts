// SPDX-License-Identifier: Apache-2.0
// Topology steps Skydive adds on top of the graffiti core (Descendants, Ascendants, Neighbors,
// NextHop), written against the StepExtension hook. The engine registers them unless told not to.
import type { StepExtension } from '../step.js';
import { nextHopExtension } from './nexthop.js';
import { ascendantsExtension, descendantsExtension, neighborsExtension } from './walk.js';

export { ascendantsExtension, descendantsExtension, neighborsExtension } from './walk.js';
export { lookupNextHop, nextHopExtension, nextHopsValue, type NextHop } from './nexthop.js';

/** Descendants, Ascendants, Neighbors and NextHop. */
export const topologyExtensions: readonly StepExtension[] = [
  descendantsExtension,
  ascendantsExtension,
  neighborsExtension,
  nextHopExtension,
];
