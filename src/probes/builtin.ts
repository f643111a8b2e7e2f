// SPDX-License-Identifier: Apache-2.0
// The built-in topology probes: one explicit list (no registration by import side effect). A new
// probe is imported here and appended to BUILTIN_PROBES; the agent starts those its configuration
// names (agent.topology.probes plus the always-on hardware, netlink and netns) and their
// dependencies, in dependency order.
import type { Probe } from './sdk.js';
import { blockdevProbe } from './blockdev/index.js';
import { ethtoolProbe } from './ethtool/index.js';
import { hardwareProbe } from './hardware/index.js';
import { netlinkProbe } from './netlink/index.js';
import { netnsProbe } from './netns/index.js';
import { socketinfoProbe } from './socketinfo/index.js';

/** A probe as the bundle holds it: the bundle gives each probe its own options slice. */
const builtin = <O>(p: Probe<O>): Probe<never> => p as unknown as Probe<never>;

/** Every probe this build can run. */
export const BUILTIN_PROBES: readonly Probe<never>[] = [
  builtin(hardwareProbe),
  builtin(netnsProbe),
  builtin(netlinkProbe),
  builtin(ethtoolProbe),
  builtin(socketinfoProbe),
  builtin(blockdevProbe),
];

/**
 * Topology probe names an agent configuration may hold: Skydive's (skydive-compat §7) and ours
 * (hardware, ethtool). A name here that no built-in probe implements is reported `unavailable`
 * rather than refused, so that Skydive configuration files (whose default list is `[ovsdb]`)
 * start an agent; any other unknown name is a typo and is refused at boot.
 */
export const SKYDIVE_PROBE_NAMES: readonly string[] = [
  'bess',
  'blockdev',
  'docker',
  'ethtool',
  'hardware',
  'libvirt',
  'lldp',
  'lxd',
  'netlink',
  'netns',
  'neutron',
  'opencontrail',
  'ovsdb',
  'runc',
  'socketinfo',
  'vpp',
];
