// SPDX-License-Identifier: Apache-2.0
// Turns raw rtnetlink messages (type, flags, payload) into the probe's typed messages, and builds
// the request payloads it sends (dumps, RTM_GETNSID, RTM_GETSTATS).
import { AF_UNSPEC, IFLA_STATS_LINK_64, NETNSA, NLM_F, RTM } from './constants.js';
import { parseAddrMsg, type AddrMsg } from './addr-msg.js';
import { parseLinkMsg, type LinkMsg } from './link-msg.js';
import { parseNeighMsg, type NeighMsg } from './neigh-msg.js';
import { parseRouteMsg, type RouteMsg } from './route-msg.js';

/** A raw message as the netlink package hands it over. */
export interface RawMsg {
  type: number;
  flags: number;
  data: Buffer;
}

export type RtMsg =
  | { kind: 'link'; del: boolean; msg: LinkMsg }
  | { kind: 'addr'; del: boolean; msg: AddrMsg }
  | { kind: 'route'; del: boolean; replace: boolean; msg: RouteMsg }
  | { kind: 'neigh'; del: boolean; msg: NeighMsg }
  | { kind: 'nsid' };

/** Decodes one message; undefined for types the probe does not follow. Throws on short data. */
export function decode(raw: RawMsg): RtMsg | undefined {
  const { type, data } = raw;
  switch (type) {
    case RTM.NEWLINK:
    case RTM.DELLINK:
      return { kind: 'link', del: type === RTM.DELLINK, msg: parseLinkMsg(data) };
    case RTM.NEWADDR:
    case RTM.DELADDR:
      return { kind: 'addr', del: type === RTM.DELADDR, msg: parseAddrMsg(data) };
    case RTM.NEWROUTE:
    case RTM.DELROUTE:
      return {
        kind: 'route',
        del: type === RTM.DELROUTE,
        replace: (raw.flags & NLM_F.REPLACE) !== 0,
        msg: parseRouteMsg(data),
      };
    case RTM.NEWNEIGH:
    case RTM.DELNEIGH:
      return { kind: 'neigh', del: type === RTM.DELNEIGH, msg: parseNeighMsg(data) };
    case RTM.NEWNSID:
    case RTM.DELNSID:
      return { kind: 'nsid' };
    default:
      return undefined;
  }
}

/** The zeroed family header a dump request of `type` carries. */
export function dumpHeader(type: number, family = AF_UNSPEC): Buffer {
  const size =
    type === RTM.GETLINK ? 16 : type === RTM.GETADDR ? 8 : type === RTM.GETSTATS ? 12 : 12;
  const b = Buffer.alloc(size);
  b.writeUInt8(family, 0);
  if (type === RTM.GETSTATS) b.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), 8);
  return b;
}

/** RTM_GETLINK payload for one interface. */
export function getLinkRequest(index: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(index, 4);
  return b;
}

/** RTM_GETNSID payload: rtgenmsg (padded) + NETNSA_FD. */
export function getNsidRequest(fd: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(8, 4);
  b.writeUInt16LE(NETNSA.FD, 6);
  b.writeUInt32LE(fd, 8);
  return b;
}

/** NETNSA_NSID of an RTM_NEWNSID answer; undefined when no id is assigned. */
export function parseNsidReply(data: Buffer): number | undefined {
  let off = 4;
  while (off + 4 <= data.length) {
    const len = data.readUInt16LE(off);
    const type = data.readUInt16LE(off + 2) & 0x3fff;
    if (len < 4) break;
    if (type === NETNSA.NSID && len >= 8) {
      const id = data.readInt32LE(off + 4);
      return id >= 0 ? id : undefined;
    }
    off += (len + 3) & ~3;
  }
  return undefined;
}
