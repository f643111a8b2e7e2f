// SPDX-License-Identifier: Apache-2.0
// RTM_NEWLINK / RTM_DELLINK: struct ifinfomsg (16 bytes) and the IFLA_* attributes the probe
// uses, with IFLA_LINKINFO's nested kind and kind-specific data (vxlan, macvlan, tun) parsed.
import { IFLA, IFLA_INFO, IFLA_MACVLAN_MODE, IFLA_TUN_TYPE, IFLA_VXLAN } from './constants.js';
import { ip, mac, parseAttrs, s32, str, u16be, u32, u8 } from './nlattr.js';
import { parseStats64, type LinkStats } from './stats.js';

export interface VxlanInfo {
  vni?: number;
  /** Remote unicast address or multicast group. */
  group?: string;
  local?: string;
  port?: number;
  /** Ifindex of the underlying device. */
  link?: number;
}

/** What the probe keeps of a link message. */
export interface LinkMsg {
  /** AF_UNSPEC for the link itself; AF_BRIDGE messages describe bridge port state. */
  family: number;
  index: number;
  /** ARPHRD_* hardware type. */
  arphrd: number;
  /** IFF_* flags. */
  flags: number;
  name?: string;
  mtu?: number;
  mac?: string;
  operstate?: number;
  master?: number;
  /** IFLA_LINK: a veth's peer, a macvlan's lower device… (in LINK_NETNSID's namespace if set). */
  link?: number;
  linkNetnsid?: number;
  kind?: string;
  slaveKind?: string;
  vxlan?: VxlanInfo;
  macvlanMode?: number;
  /** IFF_TUN (1) or IFF_TAP (2). */
  tunType?: number;
  stats?: LinkStats;
}

function parseVxlan(data: Buffer): VxlanInfo {
  const a = parseAttrs(data);
  const v: VxlanInfo = {};
  const vni = u32(a.get(IFLA_VXLAN.ID));
  if (vni !== undefined) v.vni = vni;
  const group = ip(a.get(IFLA_VXLAN.GROUP)) ?? ip(a.get(IFLA_VXLAN.GROUP6));
  if (group !== undefined && group !== '0.0.0.0' && group !== '::') v.group = group;
  const local = ip(a.get(IFLA_VXLAN.LOCAL)) ?? ip(a.get(IFLA_VXLAN.LOCAL6));
  if (local !== undefined && local !== '0.0.0.0' && local !== '::') v.local = local;
  const port = u16be(a.get(IFLA_VXLAN.PORT));
  if (port !== undefined) v.port = port;
  const link = u32(a.get(IFLA_VXLAN.LINK));
  if (link) v.link = link;
  return v;
}

function parseLinkInfo(m: LinkMsg, b: Buffer): void {
  const info = parseAttrs(b);
  const kind = str(info.get(IFLA_INFO.KIND));
  if (kind) m.kind = kind;
  const slave = str(info.get(IFLA_INFO.SLAVE_KIND));
  if (slave) m.slaveKind = slave;
  const data = info.get(IFLA_INFO.DATA);
  if (!data) return;
  if (kind === 'vxlan') m.vxlan = parseVxlan(data);
  else if (kind === 'macvlan' || kind === 'macvtap') {
    const mode = u32(parseAttrs(data).get(IFLA_MACVLAN_MODE));
    if (mode !== undefined) m.macvlanMode = mode;
  } else if (kind === 'tun') {
    const t = u8(parseAttrs(data).get(IFLA_TUN_TYPE));
    if (t !== undefined) m.tunType = t;
  }
}

/** Parses the payload of a link message. */
export function parseLinkMsg(data: Buffer): LinkMsg {
  const m: LinkMsg = {
    family: data.readUInt8(0),
    arphrd: data.readUInt16LE(2),
    index: data.readInt32LE(4),
    flags: data.readUInt32LE(8),
  };
  const a = parseAttrs(data, 16);
  const name = str(a.get(IFLA.IFNAME));
  if (name !== undefined) m.name = name;
  const mtu = u32(a.get(IFLA.MTU));
  if (mtu !== undefined) m.mtu = mtu;
  const addr = mac(a.get(IFLA.ADDRESS));
  if (addr) m.mac = addr;
  const oper = u8(a.get(IFLA.OPERSTATE));
  if (oper !== undefined) m.operstate = oper;
  const master = u32(a.get(IFLA.MASTER));
  if (master) m.master = master;
  const link = u32(a.get(IFLA.LINK));
  if (link) m.link = link;
  const nsid = s32(a.get(IFLA.LINK_NETNSID));
  if (nsid !== undefined && nsid >= 0) m.linkNetnsid = nsid;
  const li = a.get(IFLA.LINKINFO);
  if (li) parseLinkInfo(m, li);
  const stats = parseStats64(a.get(IFLA.STATS64));
  if (stats) m.stats = stats;
  return m;
}
