// SPDX-License-Identifier: Apache-2.0
// RTM_NEWNEIGH / RTM_DELNEIGH: struct ndmsg (12 bytes) and NDA_* attributes. Family AF_INET and
// AF_INET6 are ARP/NDP neighbours; AF_BRIDGE entries are the bridge forwarding database.
import { NDA } from './constants.js';
import { ip, mac, parseAttrs, u16, u32 } from './nlattr.js';

export interface NeighMsg {
  family: number;
  index: number;
  /** NUD_* bits. */
  state: number;
  /** NTF_* bits. */
  flags: number;
  ip?: string;
  mac?: string;
  vlan?: number;
  vni?: number;
  master?: number;
}

export function parseNeighMsg(data: Buffer): NeighMsg {
  const n: NeighMsg = {
    family: data.readUInt8(0),
    index: data.readInt32LE(4),
    state: data.readUInt16LE(8),
    flags: data.readUInt8(10),
  };
  const a = parseAttrs(data, 12);
  const dst = ip(a.get(NDA.DST));
  if (dst !== undefined) n.ip = dst;
  const ll = mac(a.get(NDA.LLADDR));
  if (ll) n.mac = ll;
  const vlan = u16(a.get(NDA.VLAN));
  if (vlan !== undefined) n.vlan = vlan;
  const vni = u32(a.get(NDA.VNI));
  if (vni !== undefined) n.vni = vni;
  const master = u32(a.get(NDA.MASTER));
  if (master) n.master = master;
  return n;
}
