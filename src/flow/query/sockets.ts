// SPDX-License-Identifier: Apache-2.0
// Sockets() (skydive-compat §4.5): the `Sockets` metadata of nodes, and for TCP/UDP flows the
// sockets of any node whose 5-tuple matches either direction; Has/HasEither/Values/Count on them.
import type { GraphView, Node } from '../../graph/types.js';
import {
  inputError,
  parseKeyValues,
  toPredicate,
  type CustomValue,
  type Step,
  type TraversalValue,
} from '../../gremlin/index.js';
import type { Flow } from '../../protocol/flow.js';

type Socket = Record<string, unknown>;

/** `Sockets()` results: sockets by node ID or flow UUID. */
export class SocketsValue implements CustomValue {
  readonly kind = 'custom' as const;
  readonly type = 'sockets';
  constructor(readonly sockets: ReadonlyMap<string, readonly Socket[]>) {}

  toJSON(): unknown {
    return this.sockets.size === 0 ? [] : [Object.fromEntries(this.sockets)];
  }

  applyStep(step: Step): TraversalValue | undefined {
    if (step.name === 'Count') {
      let n = 0;
      for (const l of this.sockets.values()) n += l.length;
      return { kind: 'number', value: n };
    }
    if (step.name === 'Has' || step.name === 'HasEither') {
      const kv = parseKeyValues(
        step.name,
        step.params,
        step.paramPositions,
        step.position,
        step.name === 'Has' ? 'and' : 'or',
      );
      const keep = toPredicate(kv, (s: Socket, k) => s[k]);
      const out = new Map<string, Socket[]>();
      for (const [id, l] of this.sockets) {
        const kept = l.filter(keep);
        if (kept.length > 0) out.set(id, kept);
      }
      return new SocketsValue(out);
    }
    if (step.name === 'Values') {
      const key = step.params[0];
      if (typeof key !== 'string') throw inputError(step, this);
      const values = [...this.sockets.values()]
        .flat()
        .map((s) => s[key])
        .filter((v) => v !== undefined);
      return { kind: 'values', values };
    }
    return undefined;
  }
}

/** Sockets of nodes (their `Sockets` metadata). */
export function nodeSockets(nodes: readonly Node[]): SocketsValue {
  const m = new Map<string, Socket[]>();
  for (const n of nodes) {
    const s = n.metadata.Sockets;
    if (Array.isArray(s) && s.length > 0) m.set(n.id, s as Socket[]);
  }
  return new SocketsValue(m);
}

/** Sockets at either end of TCP/UDP flows, matched on the 5-tuple in the nodes' Sockets. */
export function flowSockets(flows: readonly Flow[], view: GraphView): SocketsValue {
  const index = new Map<string, Socket[]>();
  const key = (proto: unknown, la: unknown, lp: unknown, ra: unknown, rp: unknown) =>
    `${String(proto)}|${String(la)}|${String(lp)}|${String(ra)}|${String(rp)}`;
  for (const n of view.nodes()) {
    const s = n.metadata.Sockets;
    if (!Array.isArray(s)) continue;
    for (const sock of s as Socket[]) {
      const k = key(
        sock.Protocol,
        sock.LocalAddress,
        sock.LocalPort,
        sock.RemoteAddress,
        sock.RemotePort,
      );
      let l = index.get(k);
      if (!l) index.set(k, (l = []));
      l.push(sock);
    }
  }
  const m = new Map<string, Socket[]>();
  for (const f of flows) {
    const t = f.Transport;
    if (!t || !f.Network || !f.UUID || (t.Protocol !== 'TCP' && t.Protocol !== 'UDP')) continue;
    const found = [
      ...(index.get(key(t.Protocol, f.Network.A, t.A, f.Network.B, t.B)) ?? []),
      ...(index.get(key(t.Protocol, f.Network.B, t.B, f.Network.A, t.A)) ?? []),
    ];
    if (found.length > 0) m.set(f.UUID, found);
  }
  return new SocketsValue(m);
}
