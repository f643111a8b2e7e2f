// SPDX-License-Identifier: Apache-2.0
// struct rtnl_link_stats64 (IFLA_STATS64 in links, IFLA_STATS_LINK_64 in RTM_NEWSTATS) and the
// RTM_NEWSTATS message that carries it.
import { IFLA_STATS_LINK_64 } from './constants.js';
import { parseAttrs } from './nlattr.js';

/** Skydive's InterfaceMetric counter names, in rtnl_link_stats64 order. */
export const STAT_FIELDS = [
  'RxPackets',
  'TxPackets',
  'RxBytes',
  'TxBytes',
  'RxErrors',
  'TxErrors',
  'RxDropped',
  'TxDropped',
  'Multicast',
  'Collisions',
  'RxLengthErrors',
  'RxOverErrors',
  'RxCrcErrors',
  'RxFrameErrors',
  'RxFifoErrors',
  'RxMissedErrors',
  'TxAbortedErrors',
  'TxCarrierErrors',
  'TxFifoErrors',
  'TxHeartbeatErrors',
  'TxWindowErrors',
  'RxCompressed',
  'TxCompressed',
] as const;

export type StatField = (typeof STAT_FIELDS)[number];
export type LinkStats = Record<StatField, number>;

/** Reads the counters Skydive reports; later kernel fields (rx_nohandler…) are ignored. */
export function parseStats64(b: Buffer | undefined): LinkStats | undefined {
  if (!b || b.length < STAT_FIELDS.length * 8) return undefined;
  const s = {} as LinkStats;
  STAT_FIELDS.forEach((f, i) => (s[f] = Number(b.readBigUInt64LE(i * 8))));
  return s;
}

/** One RTM_NEWSTATS message: struct if_stats_msg (12 bytes) then attributes. */
export function parseStatsMsg(data: Buffer): { index: number; stats: LinkStats | undefined } {
  const index = data.readInt32LE(4);
  return { index, stats: parseStats64(parseAttrs(data, 12).get(IFLA_STATS_LINK_64)) };
}
