// SPDX-License-Identifier: Apache-2.0
// NextHop('ip') (skydive-compat §4.5): a route lookup in each node's RoutingTables metadata, the
// next hop's MAC resolved through the node's Neighbors. Result: [{nodeID: {Priority, IP, MAC, IfIndex}}].
import { QuerySyntaxError } from '../../graph/errors.js';
import type { Node } from '../../graph/types.js';
import type { ExecContext } from '../context.js';
import type { IpAddr, IpPrefix } from '../ip.js';
import { parseCIDR, parseIP, prefixContains, sameIP } from '../ip.js';
import type { StepExtension, StepSpec } from '../step.js';
import { BaseStep, applyToCustom } from '../step.js';
import type { CustomValue, TraversalValue } from '../values.js';

/** One resolved next hop, keys in Skydive's JSON order; IP and MAC omitted when unknown. */
export interface NextHop {
  Priority: number;
  IP?: string;
  MAC?: string;
  IfIndex: number;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function routePrefix(route: Rec, family: 4 | 6): IpPrefix | undefined {
  const p = route['Prefix'];
  // A route without a prefix is the default route, as in Skydive's zero-valued Prefix.
  if (p === undefined || p === null || p === '') return { family, network: 0n, length: 0 };
  return typeof p === 'string' ? parseCIDR(p) : undefined;
}

function neighborMAC(node: Node, ip: IpAddr): string | undefined {
  for (const n of arr(node.metadata['Neighbors'])) {
    if (!isRec(n) || typeof n['IP'] !== 'string') continue;
    const addr = parseIP(n['IP']);
    if (addr && sameIP(addr, ip) && typeof n['MAC'] === 'string' && n['MAC'] !== '')
      return n['MAC'];
  }
  return undefined;
}

function hop(node: Node, priority: number, ip: IpAddr, ipText: string, ifIndex: number): NextHop {
  const mac = neighborMAC(node, ip);
  return mac === undefined
    ? { Priority: priority, IP: ipText, IfIndex: ifIndex }
    : { Priority: priority, IP: ipText, MAC: mac, IfIndex: ifIndex };
}

/**
 * The next hop from `node` towards `ip`: per routing table in order, the longest matching prefix
 * that has next hops; its first gateway, or `ip` itself when the route is on-link.
 */
export function lookupNextHop(node: Node, ip: IpAddr, ipText: string): NextHop | undefined {
  for (const table of arr(node.metadata['RoutingTables'])) {
    if (!isRec(table)) continue;
    let best: { route: Rec; length: number } | undefined;
    for (const route of arr(table['Routes'])) {
      if (!isRec(route) || arr(route['NextHops']).length === 0) continue;
      const prefix = routePrefix(route, ip.family);
      if (!prefix || !prefixContains(prefix, ip)) continue;
      if (!best || prefix.length > best.length) best = { route, length: prefix.length };
    }
    if (!best) continue;
    const hops = arr(best.route['NextHops']).filter(isRec);
    for (const h of hops) {
      const gw = typeof h['IP'] === 'string' ? parseIP(h['IP']) : undefined;
      if (gw) return hop(node, num(h['Priority']), gw, h['IP'] as string, num(h['IfIndex']));
    }
    const first = hops[0];
    return hop(node, num(first?.['Priority']), ip, ipText, num(first?.['IfIndex']));
  }
  return undefined;
}

class NextHopStep extends BaseStep {
  private readonly ip: IpAddr;
  private readonly ipText: string;

  constructor(spec: StepSpec) {
    super(spec);
    const p = spec.params[0];
    if (spec.params.length !== 1 || typeof p !== 'string') {
      throw new QuerySyntaxError('NextHop accepts one string parameter', spec.position);
    }
    const ip = parseIP(p);
    if (!ip)
      throw new QuerySyntaxError(
        'NextHop parameter have to be a valid IP address',
        spec.paramPositions[0] ?? spec.position,
      );
    this.ip = ip;
    this.ipText = p;
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind !== 'nodes') return applyToCustom(this, input, ctx);
    const hops: Record<string, NextHop> = {};
    for (const node of input.nodes) {
      ctx.tick();
      const nh = lookupNextHop(node, this.ip, this.ipText);
      if (nh) hops[node.id] = nh;
    }
    return nextHopsValue(hops);
  }
}

/** The custom value NextHop returns; JSON `[{nodeID: hop}]`, or `[]` when no node has a route. */
export function nextHopsValue(
  hops: Record<string, NextHop>,
): CustomValue & { hops: Record<string, NextHop> } {
  return {
    kind: 'custom',
    type: 'nexthops',
    hops,
    toJSON: () => (Object.keys(hops).length > 0 ? [hops] : []),
  };
}

/** `NextHop('ip')`. */
export const nextHopExtension: StepExtension = {
  name: 'NextHop',
  parse: (spec) => new NextHopStep(spec),
};
