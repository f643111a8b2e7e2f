// SPDX-License-Identifier: Apache-2.0
// The RoutingTables, Neighbors and FDB metadata of an interface, in Skydive's JSON shapes
// (skydive-compat §1.7): routes grouped by table then by (Protocol, Prefix), next hops merged.
import { AF_BRIDGE, AF_INET6 } from './constants.js';
import type { NeighMsg } from './neigh-msg.js';
import type { RouteMsg } from './route-msg.js';

export interface NextHop {
  Priority: number;
  IP?: string;
  IfIndex: number;
}
export interface Route {
  Protocol: number;
  Prefix: string;
  NextHops: NextHop[];
}
export interface RoutingTable {
  ID: number;
  /** The preferred source of the table's first route; '' when none (Go's empty net.IP). */
  Src: string;
  Routes: Route[];
}

/** Groups routes by table (ascending ID), then by protocol and prefix. */
export function routingTables(routes: readonly RouteMsg[]): RoutingTable[] {
  const tables = new Map<number, RoutingTable>();
  for (const r of routes) {
    let t = tables.get(r.table);
    if (!t) tables.set(r.table, (t = { ID: r.table, Src: r.prefsrc ?? '', Routes: [] }));
    const prefix = r.dst ? `${r.dst}/${r.dstLen}` : r.family === AF_INET6 ? '::/0' : '0.0.0.0/0';
    let route = t.Routes.find((x) => x.Protocol === r.protocol && x.Prefix === prefix);
    if (!route) t.Routes.push((route = { Protocol: r.protocol, Prefix: prefix, NextHops: [] }));
    const hops = r.multipath
      ? r.multipath.map((h) => ({ ip: h.gateway, ifindex: h.ifindex }))
      : [{ ip: r.gateway, ifindex: r.oif ?? 0 }];
    for (const h of hops) {
      if (route.NextHops.some((n) => n.IP === h.ip && n.IfIndex === h.ifindex)) continue;
      const nh: NextHop = { Priority: r.priority ?? 0, IfIndex: h.ifindex };
      if (h.ip !== undefined) nh.IP = h.ip;
      route.NextHops.push(nh);
    }
  }
  return [...tables.values()].sort((a, b) => a.ID - b.ID);
}

export interface Neighbor {
  Flags?: string[];
  MAC?: string;
  IP?: string;
  State?: string[];
  Vlan?: number;
  VNI?: number;
  IfIndex: number;
}

const NTF: Array<[number, string]> = [
  [0x01, 'NTF_USE'],
  [0x02, 'NTF_SELF'],
  [0x04, 'NTF_MASTER'],
  [0x08, 'NTF_PROXY'],
  [0x10, 'NTF_EXT_LEARNED'],
  [0x20, 'NTF_OFFLOADED'],
  [0x80, 'NTF_ROUTER'],
];

const NUD: Array<[number, string]> = [
  [0x01, 'NUD_INCOMPLETE'],
  [0x02, 'NUD_REACHABLE'],
  [0x04, 'NUD_STALE'],
  [0x08, 'NUD_DELAY'],
  [0x10, 'NUD_PROBE'],
  [0x20, 'NUD_FAILED'],
  [0x40, 'NUD_NOARP'],
  [0x80, 'NUD_PERMANENT'],
];

const names = (bits: number, table: Array<[number, string]>) =>
  table.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);

function neighbor(n: NeighMsg): Neighbor {
  const out: Neighbor = { IfIndex: n.index };
  const flags = names(n.flags, NTF);
  if (flags.length) out.Flags = flags;
  if (n.mac) out.MAC = n.mac;
  if (n.ip) out.IP = n.ip;
  const state = names(n.state, NUD);
  if (state.length) out.State = state;
  if (n.vlan) out.Vlan = n.vlan;
  if (n.vni) out.VNI = n.vni;
  return out;
}

/** ARP/NDP entries go to Neighbors, AF_BRIDGE entries to FDB. */
export function neighbors(entries: Iterable<NeighMsg>): { neighbors: Neighbor[]; fdb: Neighbor[] } {
  const nb: Neighbor[] = [];
  const fdb: Neighbor[] = [];
  for (const n of entries) (n.family === AF_BRIDGE ? fdb : nb).push(neighbor(n));
  return { neighbors: nb, fdb };
}
