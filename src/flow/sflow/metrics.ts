// SPDX-License-Identifier: Apache-2.0
// Folds sFlow counter samples into the `SFlow` metadata Skydive puts on the capture's node:
// per-ifIndex IfMetrics, their sum plus Ethernet/VLAN/OVS counters in Metric, and LastUpdateMetric.
import type { SFlowCounterSample } from './counters.js';

/** Skydive's IfMetric (JSON names as on the wire). */
export interface SFlowIfMetric {
  IfInOctets: number;
  IfInUcastPkts: number;
  IfInMulticastPkts: number;
  IfInBroadcastPkts: number;
  IfInDiscards: number;
  IfInErrors: number;
  IfInUnknownProtos: number;
  IfOutOctets: number;
  IfOutUcastPkts: number;
  IfOutMulticastPkts: number;
  IfOutBroadcastPkts: number;
  IfOutDiscards: number;
  IfOutErrors: number;
}

/** Skydive's SFMetric: interface sums, OVS, VLAN and Ethernet counters, Start/Last in ms. */
export type SFlowMetric = Record<string, number>;

/** The `SFlow` node metadata. */
export interface SFlowMetadata {
  IfMetrics: Record<string, SFlowIfMetric>;
  Metric: SFlowMetric;
  LastUpdateMetric?: SFlowMetric;
}

const IF_KEYS: ReadonlyArray<[keyof SFlowIfMetric, string]> = [
  ['IfInOctets', 'ifInOctets'],
  ['IfInUcastPkts', 'ifInUcastPkts'],
  ['IfInMulticastPkts', 'ifInMulticastPkts'],
  ['IfInBroadcastPkts', 'ifInBroadcastPkts'],
  ['IfInDiscards', 'ifInDiscards'],
  ['IfInErrors', 'ifInErrors'],
  ['IfInUnknownProtos', 'ifInUnknownProtos'],
  ['IfOutOctets', 'ifOutOctets'],
  ['IfOutUcastPkts', 'ifOutUcastPkts'],
  ['IfOutMulticastPkts', 'ifOutMulticastPkts'],
  ['IfOutBroadcastPkts', 'ifOutBroadcastPkts'],
  ['IfOutDiscards', 'ifOutDiscards'],
  ['IfOutErrors', 'ifOutErrors'],
];

/** Record field → Metric key, per counter record kind. */
const OTHER_KEYS: ReadonlyArray<[kind: keyof SFlowCounterSample, field: string, key: string]> = [
  ['ovsDp', 'nHit', 'OvsDpNHit'],
  ['ovsDp', 'nMissed', 'OvsDpNMissed'],
  ['ovsDp', 'nLost', 'OvsDpNLost'],
  ['ovsDp', 'nMaskHit', 'OvsDpNMaskHit'],
  ['ovsDp', 'nFlows', 'OvsDpNFlows'],
  ['ovsDp', 'nMasks', 'OvsDpNMasks'],
  ['appResources', 'fdOpen', 'OvsAppFdOpen'],
  ['appResources', 'fdMax', 'OvsAppFdMax'],
  ['appResources', 'connOpen', 'OvsAppConnOpen'],
  ['appResources', 'connMax', 'OvsAppConnMax'],
  ['appResources', 'memUsed', 'OvsAppMemUsed'],
  ['appResources', 'memMax', 'OvsAppMemMax'],
  ['vlan', 'octets', 'VlanOctets'],
  ['vlan', 'ucastPkts', 'VlanUcastPkts'],
  ['vlan', 'multicastPkts', 'VlanMulticastPkts'],
  ['vlan', 'broadcastPkts', 'VlanBroadcastPkts'],
  ['vlan', 'discards', 'VlanDiscards'],
  ['ethernet', 'alignmentErrors', 'EthAlignmentErrors'],
  ['ethernet', 'fcsErrors', 'EthFCSErrors'],
  ['ethernet', 'singleCollisionFrames', 'EthSingleCollisionFrames'],
  ['ethernet', 'multipleCollisionFrames', 'EthMultipleCollisionFrames'],
  ['ethernet', 'sqeTestErrors', 'EthSQETestErrors'],
  ['ethernet', 'deferredTransmissions', 'EthDeferredTransmissions'],
  ['ethernet', 'lateCollisions', 'EthLateCollisions'],
  ['ethernet', 'excessiveCollisions', 'EthExcessiveCollisions'],
  ['ethernet', 'internalMacReceiveErrors', 'EthInternalMacReceiveErrors'],
  ['ethernet', 'internalMacTransmitErrors', 'EthInternalMacTransmitErrors'],
  ['ethernet', 'carrierSenseErrors', 'EthCarrierSenseErrors'],
  ['ethernet', 'frameTooLongs', 'EthFrameTooLongs'],
  ['ethernet', 'symbolErrors', 'EthSymbolErrors'],
];

/** sFlow's "unknown" values (0 and all ones) keep the previous value, as Skydive does. */
function keep(n: number, old: number): number {
  return n === 0 || n === 0xffffffff || n === 2 ** 64 - 1 ? old : n;
}

function emptyIf(): SFlowIfMetric {
  const m = {} as SFlowIfMetric;
  for (const [k] of IF_KEYS) m[k] = 0;
  return m;
}

/**
 * Accumulates counter samples for one sFlow capture. Differences from Skydive: OVS datapath and
 * application counters are kept at their latest value (Skydive adds each cumulative report to the
 * total, which inflates them); everything else follows Skydive.
 */
export class SFlowMetrics {
  private readonly ifs = new Map<number, SFlowIfMetric>();
  private readonly other = new Map<string, number>();
  private metric: SFlowMetric | undefined;
  private lastUpdate: SFlowMetric | undefined;

  /** Folds in samples; returns the new metadata, or undefined while every counter is zero. */
  update(samples: readonly SFlowCounterSample[], nowMs: number): SFlowMetadata | undefined {
    for (const s of samples) {
      if (s.generic) {
        const g = s.generic as unknown as Record<string, number>;
        let m = this.ifs.get(s.generic.ifIndex);
        if (!m) this.ifs.set(s.generic.ifIndex, (m = emptyIf()));
        for (const [key, field] of IF_KEYS) m[key] = keep(g[field] ?? 0, m[key]);
      }
      for (const [kind, field, key] of OTHER_KEYS) {
        const rec = s[kind] as Record<string, number> | undefined;
        if (rec) this.other.set(key, keep(rec[field] ?? 0, this.other.get(key) ?? 0));
      }
    }
    const next: SFlowMetric = {};
    for (const [key] of IF_KEYS) {
      let sum = 0;
      for (const m of this.ifs.values()) sum += m[key];
      if (sum !== 0) next[key] = sum;
    }
    for (const [key, v] of this.other) if (v !== 0) next[key] = v;
    if (Object.keys(next).length === 0) return undefined;
    const prev = this.metric;
    const delta: SFlowMetric = {};
    let changed = false;
    for (const [k, v] of Object.entries(next)) {
      const d = v - (prev?.[k] ?? 0);
      if (d !== 0) {
        delta[k] = d;
        changed = true;
      }
    }
    if (changed) {
      if (prev?.['Last'] !== undefined) delta['Start'] = prev['Last'];
      delta['Last'] = nowMs;
      this.lastUpdate = delta;
    }
    next['Last'] = nowMs; // Skydive never sets Metric.Start
    this.metric = next;
    const out: SFlowMetadata = { IfMetrics: {}, Metric: { ...next } };
    for (const [i, m] of this.ifs) out.IfMetrics[String(i)] = { ...m };
    if (this.lastUpdate) out.LastUpdateMetric = { ...this.lastUpdate };
    return out;
  }
}
