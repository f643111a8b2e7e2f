// SPDX-License-Identifier: Apache-2.0
// The rtnetlink view of one namespace (links, addresses, routes, neighbours and FDB) kept from a
// dump plus the events after it. Applying a message marks the interfaces it touches as dirty;
// the probe then rewrites only those nodes, once per batch of messages.
import { AF_BRIDGE, AF_INET, AF_UNSPEC, RTM_F_CLONED } from './constants.js';

const IFF_UP = 0x1;
import type { AddrMsg } from './addr-msg.js';
import type { LinkMsg } from './link-msg.js';
import type { RtMsg } from './messages.js';
import type { NeighMsg } from './neigh-msg.js';
import type { RouteMsg } from './route-msg.js';

/** Identity of a route destination; routes replaced together share it. */
function prefixKey(r: RouteMsg): string {
  return `${r.family}|${r.table}|${r.type}|${r.dst ?? ''}/${r.dstLen}|${r.src ?? ''}/${r.srcLen}|${r.tos}|${r.priority ?? 0}`;
}

/** Identity of the next hops of a route under one prefix. */
function hopsKey(r: RouteMsg): string {
  if (r.multipath)
    return 'mp:' + r.multipath.map((h) => `${h.ifindex}>${h.gateway ?? ''}`).join(',');
  return `${r.oif ?? 0}>${r.gateway ?? ''}`;
}

function routeIfaces(r: RouteMsg): number[] {
  if (r.multipath) return r.multipath.map((h) => h.ifindex);
  return r.oif ? [r.oif] : [];
}

function neighKey(n: NeighMsg): string {
  return `${n.family}|${n.ip ?? ''}|${n.mac ?? ''}|${n.vlan ?? 0}|${n.vni ?? 0}|${n.master ?? 0}|${n.flags & 0x2}`;
}

/** One namespace's tables. Pure data; no I/O. */
export class NsState {
  readonly links = new Map<number, LinkMsg>();
  readonly addrs = new Map<number, Map<string, AddrMsg>>();
  readonly routes = new Map<string, Map<string, RouteMsg>>();
  readonly neighs = new Map<number, Map<string, NeighMsg>>();
  /** Interfaces whose node must be rewritten. */
  readonly dirty = new Set<number>();
  /** Set when namespace ids changed (RTM_NEWNSID/DELNSID). */
  nsidChanged = false;
  /**
   * Veths that went away (deleted, or moved to another namespace). When one end of a pair moves
   * the kernel sends nothing for the other end, whose peer attributes are then stale.
   */
  readonly vethMoves: LinkMsg[] = [];
  /**
   * The kernel removes IPv4 routes without telling (no RTM_DELROUTE) when their interface goes
   * down or loses the address their gateway depends on: set then, so the routes are read again.
   */
  routesStale = false;

  /** Applies one message; returns false for what it ignores. */
  apply(m: RtMsg): boolean {
    switch (m.kind) {
      case 'link':
        return this.applyLink(m.msg, m.del);
      case 'addr':
        return this.applyAddr(m.msg, m.del);
      case 'route':
        return this.applyRoute(m.msg, m.del, m.replace);
      case 'neigh':
        return this.applyNeigh(m.msg, m.del);
      case 'nsid':
        this.nsidChanged = true;
        return true;
    }
  }

  private applyLink(l: LinkMsg, del: boolean): boolean {
    // AF_BRIDGE link messages describe bridge port state; a DELLINK there only means "no longer a
    // port", never that the interface went away.
    if (l.family !== AF_UNSPEC) return false;
    this.dirty.add(l.index);
    const prev = this.links.get(l.index);
    if (l.kind === 'veth' && del) this.vethMoves.push(l);
    if (del || (prev && prev.flags & IFF_UP && !(l.flags & IFF_UP))) this.routesStale = true;
    if (!del) {
      this.links.set(l.index, l);
      return true;
    }
    this.links.delete(l.index);
    this.addrs.delete(l.index);
    this.neighs.delete(l.index);
    return true;
  }

  private applyAddr(a: AddrMsg, del: boolean): boolean {
    if (!a.cidr) return false;
    const key = `${a.family}|${a.cidr}`;
    let m = this.addrs.get(a.index);
    if (del) {
      if (!m?.delete(key)) return false;
      if (a.family === AF_INET) this.routesStale = true;
    } else {
      if (!m) this.addrs.set(a.index, (m = new Map()));
      m.set(key, a);
    }
    this.dirty.add(a.index);
    return true;
  }

  private applyRoute(r: RouteMsg, del: boolean, replace: boolean): boolean {
    if (r.flags & RTM_F_CLONED) return false;
    const pk = prefixKey(r);
    let hops = this.routes.get(pk);
    const touch = (x: RouteMsg) => routeIfaces(x).forEach((i) => this.dirty.add(i));
    if (del) {
      if (!hops) return false;
      const hk = hopsKey(r);
      const gone = hops.has(hk) ? [hops.get(hk)!] : [...hops.values()];
      if (hops.has(hk)) hops.delete(hk);
      else hops.clear();
      if (hops.size === 0) this.routes.delete(pk);
      gone.forEach(touch);
      touch(r);
      return true;
    }
    if (!hops) this.routes.set(pk, (hops = new Map()));
    else if (replace) {
      hops.forEach(touch);
      hops.clear();
    }
    hops.set(hopsKey(r), r);
    touch(r);
    return true;
  }

  private applyNeigh(n: NeighMsg, del: boolean): boolean {
    if (n.family !== AF_BRIDGE && !n.ip) return false;
    const key = neighKey(n);
    let m = this.neighs.get(n.index);
    if (del) {
      if (!m?.delete(key)) return false;
      if (m.size === 0) this.neighs.delete(n.index);
    } else {
      if (!m) this.neighs.set(n.index, (m = new Map()));
      m.set(key, n);
    }
    this.dirty.add(n.index);
    return true;
  }

  /** Routes grouped by the interfaces they go through, in table order. */
  routesByInterface(): Map<number, RouteMsg[]> {
    const out = new Map<number, RouteMsg[]>();
    for (const hops of this.routes.values())
      for (const r of hops.values())
        for (const i of new Set(routeIfaces(r))) {
          const list = out.get(i);
          if (list) list.push(r);
          else out.set(i, [r]);
        }
    return out;
  }

  /** Replaces every route of `family` with a fresh dump of them (see routesStale). */
  replaceRoutes(family: number, dump: RtMsg[]): void {
    for (const [pk, hops] of this.routes) {
      const first = hops.values().next();
      if (first.done || first.value.family !== family) continue;
      for (const r of hops.values()) routeIfaces(r).forEach((i) => this.dirty.add(i));
      this.routes.delete(pk);
    }
    for (const m of dump) if (m.kind === 'route' && m.msg.family === family) this.apply(m);
  }

  /** Forgets everything (before a fresh dump); the interfaces known are marked dirty. */
  reset(): void {
    for (const i of this.links.keys()) this.dirty.add(i);
    this.links.clear();
    this.vethMoves.length = 0;
    this.routesStale = false;
    this.addrs.clear();
    this.routes.clear();
    this.neighs.clear();
  }
}
