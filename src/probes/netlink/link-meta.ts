// SPDX-License-Identifier: Apache-2.0
// Interface node metadata from a link message and its namespace's tables (skydive-compat §1.7):
// Name, Type, EncapType, IfIndex, Driver, MTU, MAC, State, LinkFlags, indexes of master, parent
// and veth peer, addresses, routing tables, neighbours, FDB, vxlan fields and TID.
import type { Metadata } from '../../graph/index.js';
import { childTID } from '../netns/tid.js';
import type { AddrMsg } from './addr-msg.js';
import { AF_INET, AF_INET6 } from './constants.js';
import type { LinkMsg } from './link-msg.js';
import type { NeighMsg } from './neigh-msg.js';
import { neighbors, routingTables } from './tables-meta.js';
import type { RouteMsg } from './route-msg.js';

const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

/**
 * IFF_* bits under Skydive's names. Skydive read bits 0-4 as these names, which mislabels
 * LOOPBACK (bit 3) and POINTTOPOINT (bit 4) and never sees MULTICAST (bit 12): we decode them right.
 */
const IFF: Array<[number, string]> = [
  [0x1, 'UP'],
  [0x2, 'BROADCAST'],
  [0x8, 'LOOPBACK'],
  [0x10, 'POINTTOPOINT'],
  [0x1000, 'MULTICAST'],
];

const ENCAP: Record<number, string> = {
  1: 'ether',
  32: 'infiniband',
  512: 'ppp',
  768: 'ipip',
  769: 'tunnel6',
  772: 'loopback',
  776: 'sit',
  778: 'gre',
  801: 'ieee802.11',
  823: 'ip6gre',
  65534: 'none',
  65535: 'void',
};

/** Drivers whose name differs from their link kind (what `ethtool -i` says). */
const DRIVER_OF_KIND: Record<string, string> = { macvtap: 'macvlan' };

/** The node Type of a link: its kind, `device` without one, tun split into tun and tap. */
export function linkType(l: LinkMsg): string {
  if (!l.kind) return 'device';
  if (l.kind === 'tun') return l.tunType === 2 ? 'tap' : 'tun';
  return l.kind;
}

/** Index of the lower device: IFLA_LINK (not for veth, where it is the peer) or vxlan's device. */
export function parentIndex(l: LinkMsg): number | undefined {
  if (l.kind === 'veth') return undefined;
  return l.link ?? l.vxlan?.link;
}

export interface LinkTables {
  addrs: Iterable<AddrMsg> | undefined;
  routes: readonly RouteMsg[] | undefined;
  neighs: Iterable<NeighMsg> | undefined;
}

/** Everything the probe owns on an interface node, except Metric/LastUpdateMetric. */
export function linkMetadata(
  l: LinkMsg,
  t: LinkTables,
  parentTid: string,
  linkNetnsName?: string,
): Metadata {
  const name = l.name ?? `if${l.index}`;
  const type = linkType(l);
  const md: Metadata = {
    Name: name,
    Type: type,
    EncapType: ENCAP[l.arphrd] ?? 'unknown',
    IfIndex: l.index,
  };
  if (l.kind) md['Driver'] = DRIVER_OF_KIND[l.kind] ?? l.kind;
  if (l.mtu) md['MTU'] = l.mtu;
  if (l.mac) md['MAC'] = l.mac;
  md['State'] = OPER_STATES[l.operstate ?? 0] ?? 'UNKNOWN';
  md['LinkFlags'] = IFF.filter(([bit]) => (l.flags & bit) !== 0).map(([, n]) => n);
  if (l.master) md['MasterIndex'] = l.master;
  // Skydive's ParentIndex is IFLA_LINK, the peer for a veth; vxlan's comes from its own data.
  const parent = l.link ?? l.vxlan?.link;
  if (parent) md['ParentIndex'] = parent;
  if (l.kind === 'veth' && l.link) md['PeerIfIndex'] = l.link;
  if (l.linkNetnsid !== undefined) {
    md['LinkNetNsID'] = l.linkNetnsid;
    if (linkNetnsName) md['LinkNetNsName'] = linkNetnsName;
  }
  const v4: string[] = [];
  const v6: string[] = [];
  for (const a of t.addrs ?? []) {
    if (a.family === AF_INET && a.cidr) v4.push(a.cidr);
    else if (a.family === AF_INET6 && a.cidr) v6.push(a.cidr);
  }
  if (v4.length) md['IPV4'] = v4;
  if (v6.length) md['IPV6'] = v6;
  if (t.routes?.length) md['RoutingTables'] = routingTables(t.routes);
  const { neighbors: nb, fdb } = neighbors(t.neighs ?? []);
  if (nb.length) md['Neighbors'] = nb;
  if (fdb.length) md['FDB'] = fdb;
  if (l.vxlan) {
    if (l.vxlan.vni !== undefined) md['VNI'] = l.vxlan.vni;
    if (l.vxlan.group) md['RemoteIP'] = l.vxlan.group;
    if (l.vxlan.local) md['LocalIP'] = l.vxlan.local;
    if (l.vxlan.port) md['DstPort'] = l.vxlan.port;
  }
  md['TID'] = childTID(parentTid, name, type);
  return md;
}
