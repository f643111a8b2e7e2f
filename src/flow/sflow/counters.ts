// SPDX-License-Identifier: Apache-2.0
// sFlow v5 counter records we read (XDR, big-endian): generic interface, Ethernet, VLAN, and Open
// vSwitch's datapath and application-resource counters. Readers assume the caller checked lengths.

/** Generic interface counters (enterprise 0, format 1). 64-bit values are JS numbers. */
export interface IfCounters {
  ifIndex: number;
  ifType: number;
  ifSpeed: number;
  ifDirection: number;
  ifStatus: number;
  ifInOctets: number;
  ifInUcastPkts: number;
  ifInMulticastPkts: number;
  ifInBroadcastPkts: number;
  ifInDiscards: number;
  ifInErrors: number;
  ifInUnknownProtos: number;
  ifOutOctets: number;
  ifOutUcastPkts: number;
  ifOutMulticastPkts: number;
  ifOutBroadcastPkts: number;
  ifOutDiscards: number;
  ifOutErrors: number;
  ifPromiscuousMode: number;
}

/** Ethernet interface counters (format 2), dot3 names. */
export interface EthCounters {
  alignmentErrors: number;
  fcsErrors: number;
  singleCollisionFrames: number;
  multipleCollisionFrames: number;
  sqeTestErrors: number;
  deferredTransmissions: number;
  lateCollisions: number;
  excessiveCollisions: number;
  internalMacTransmitErrors: number;
  carrierSenseErrors: number;
  frameTooLongs: number;
  internalMacReceiveErrors: number;
  symbolErrors: number;
}

/** VLAN counters (format 5). */
export interface VlanCounters {
  vlanId: number;
  octets: number;
  ucastPkts: number;
  multicastPkts: number;
  broadcastPkts: number;
  discards: number;
}

/** Open vSwitch datapath counters (format 2207). */
export interface OvsDpCounters {
  nHit: number;
  nMissed: number;
  nLost: number;
  nMaskHit: number;
  nFlows: number;
  nMasks: number;
}

/** Application resources (format 2203), which Open vSwitch sends for ovs-vswitchd. */
export interface AppResourcesCounters {
  userTime: number;
  systemTime: number;
  memUsed: number;
  memMax: number;
  fdOpen: number;
  fdMax: number;
  connOpen: number;
  connMax: number;
}

/** One counter sample: what an exporter said about one data source. */
export interface SFlowCounterSample {
  /** Agent address of the datagram (the exporter). */
  agent: string;
  /** Source ID type (0 = ifIndex) and index. */
  sourceIdType: number;
  sourceIdIndex: number;
  sequence: number;
  generic?: IfCounters;
  ethernet?: EthCounters;
  vlan?: VlanCounters;
  ovsDp?: OvsDpCounters;
  appResources?: AppResourcesCounters;
}

/** Counter record formats and their minimum lengths in bytes. */
export const COUNTER_FORMAT = {
  GENERIC: 1,
  ETHERNET: 2,
  VLAN: 5,
  APP_RESOURCES: 2203,
  OVS_DP: 2207,
} as const;

export const COUNTER_MIN_LEN: Record<number, number> = {
  1: 88,
  2: 52,
  5: 28,
  2203: 40,
  2207: 24,
};

function u64(dv: DataView, p: number): number {
  return dv.getUint32(p) * 4294967296 + dv.getUint32(p + 4);
}

/** Generic interface counters at p (88 bytes). */
export function readGeneric(dv: DataView, p: number): IfCounters {
  return {
    ifIndex: dv.getUint32(p),
    ifType: dv.getUint32(p + 4),
    ifSpeed: u64(dv, p + 8),
    ifDirection: dv.getUint32(p + 16),
    ifStatus: dv.getUint32(p + 20),
    ifInOctets: u64(dv, p + 24),
    ifInUcastPkts: dv.getUint32(p + 32),
    ifInMulticastPkts: dv.getUint32(p + 36),
    ifInBroadcastPkts: dv.getUint32(p + 40),
    ifInDiscards: dv.getUint32(p + 44),
    ifInErrors: dv.getUint32(p + 48),
    ifInUnknownProtos: dv.getUint32(p + 52),
    ifOutOctets: u64(dv, p + 56),
    ifOutUcastPkts: dv.getUint32(p + 64),
    ifOutMulticastPkts: dv.getUint32(p + 68),
    ifOutBroadcastPkts: dv.getUint32(p + 72),
    ifOutDiscards: dv.getUint32(p + 76),
    ifOutErrors: dv.getUint32(p + 80),
    ifPromiscuousMode: dv.getUint32(p + 84),
  };
}

/** Ethernet counters at p (52 bytes). */
export function readEthernet(dv: DataView, p: number): EthCounters {
  const g = (i: number) => dv.getUint32(p + 4 * i);
  return {
    alignmentErrors: g(0),
    fcsErrors: g(1),
    singleCollisionFrames: g(2),
    multipleCollisionFrames: g(3),
    sqeTestErrors: g(4),
    deferredTransmissions: g(5),
    lateCollisions: g(6),
    excessiveCollisions: g(7),
    internalMacTransmitErrors: g(8),
    carrierSenseErrors: g(9),
    frameTooLongs: g(10),
    internalMacReceiveErrors: g(11),
    symbolErrors: g(12),
  };
}

/** VLAN counters at p (28 bytes). */
export function readVlan(dv: DataView, p: number): VlanCounters {
  return {
    vlanId: dv.getUint32(p),
    octets: u64(dv, p + 4),
    ucastPkts: dv.getUint32(p + 12),
    multicastPkts: dv.getUint32(p + 16),
    broadcastPkts: dv.getUint32(p + 20),
    discards: dv.getUint32(p + 24),
  };
}

/** Open vSwitch datapath counters at p (24 bytes). */
export function readOvsDp(dv: DataView, p: number): OvsDpCounters {
  const g = (i: number) => dv.getUint32(p + 4 * i);
  return { nHit: g(0), nMissed: g(1), nLost: g(2), nMaskHit: g(3), nFlows: g(4), nMasks: g(5) };
}

/** Application resource counters at p (40 bytes). */
export function readAppResources(dv: DataView, p: number): AppResourcesCounters {
  return {
    userTime: dv.getUint32(p),
    systemTime: dv.getUint32(p + 4),
    memUsed: u64(dv, p + 8),
    memMax: u64(dv, p + 16),
    fdOpen: dv.getUint32(p + 24),
    fdMax: dv.getUint32(p + 28),
    connOpen: dv.getUint32(p + 32),
    connMax: dv.getUint32(p + 36),
  };
}
