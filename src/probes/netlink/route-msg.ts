// SPDX-License-Identifier: Apache-2.0
// RTM_NEWROUTE / RTM_DELROUTE: struct rtmsg (12 bytes) and RTA_* attributes, with RTA_MULTIPATH's
// struct rtnexthop list (len u16, flags u8, hops u8, ifindex s32, then attributes).
import { RTA } from './constants.js';
import { ip, parseAttrs, u32 } from './nlattr.js';

export interface NextHopMsg {
  ifindex: number;
  gateway?: string;
  /** rtnh_hops: weight - 1. */
  hops: number;
}

export interface RouteMsg {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  dst?: string;
  src?: string;
  gateway?: string;
  oif?: number;
  priority?: number;
  prefsrc?: string;
  multipath?: NextHopMsg[];
}

function parseMultipath(b: Buffer): NextHopMsg[] {
  const out: NextHopMsg[] = [];
  let off = 0;
  while (off + 8 <= b.length) {
    const len = b.readUInt16LE(off);
    if (len < 8 || off + len > b.length) break;
    const nh: NextHopMsg = { hops: b.readUInt8(off + 3), ifindex: b.readInt32LE(off + 4) };
    const a = parseAttrs(b.subarray(off + 8, off + len));
    const gw = ip(a.get(RTA.GATEWAY));
    if (gw !== undefined) nh.gateway = gw;
    out.push(nh);
    off += (len + 3) & ~3;
  }
  return out;
}

export function parseRouteMsg(data: Buffer): RouteMsg {
  const r: RouteMsg = {
    family: data.readUInt8(0),
    dstLen: data.readUInt8(1),
    srcLen: data.readUInt8(2),
    tos: data.readUInt8(3),
    table: data.readUInt8(4),
    protocol: data.readUInt8(5),
    scope: data.readUInt8(6),
    type: data.readUInt8(7),
    flags: data.readUInt32LE(8),
  };
  const a = parseAttrs(data, 12);
  const table = u32(a.get(RTA.TABLE));
  if (table !== undefined) r.table = table;
  const dst = ip(a.get(RTA.DST));
  if (dst !== undefined) r.dst = dst;
  const src = ip(a.get(RTA.SRC));
  if (src !== undefined) r.src = src;
  const gw = ip(a.get(RTA.GATEWAY));
  if (gw !== undefined) r.gateway = gw;
  const oif = u32(a.get(RTA.OIF));
  if (oif !== undefined) r.oif = oif;
  const prio = u32(a.get(RTA.PRIORITY));
  if (prio !== undefined) r.priority = prio;
  const prefsrc = ip(a.get(RTA.PREFSRC));
  if (prefsrc !== undefined) r.prefsrc = prefsrc;
  const mp = a.get(RTA.MULTIPATH);
  if (mp) r.multipath = parseMultipath(mp);
  return r;
}
