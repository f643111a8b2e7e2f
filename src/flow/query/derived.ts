// SPDX-License-Identifier: Apache-2.0
// What flows lead to in Gremlin (skydive-compat §4.5, §4.6): nodes (Nodes, Hops, CaptureNode,
// Out/In/Both by MAC), metrics (Metrics → Aggregates, Sum, Count), raw packets (RawPackets → BPF),
// groups (Group → MoreThan), each a custom value with Skydive's JSON shape (sockets: sockets.ts).
import { QueryExecutionError, QuerySyntaxError } from '../../graph/errors.js';
import type { GraphView, Node } from '../../graph/types.js';
import {
  MATCH_ALL,
  elementAccessor,
  parseKeyValues,
  toNumber,
  toPredicate,
  type CustomValue,
  type Step,
  type TraversalValue,
} from '../../gremlin/index.js';
import { flowShape } from './fields.js';
import type { Flow, FlowMetric, RawPacket } from '../../protocol/flow.js';
import { compileBpf } from './bpf.js';
import { PcapWriter } from '../pcap/index.js';

type Metric = Record<string, number>;

/** First node of `view` whose `key` equals `value` and that passes `keep`. */
function firstNode(
  view: GraphView,
  key: string,
  value: string,
  keep: (n: Node) => boolean,
): Node | undefined {
  const hit = view.lookupNodes(key, value);
  for (const n of hit ?? view.nodes()) if (n.metadata[key] === value && keep(n)) return n;
  return undefined;
}

/** The node filter of a step's optional `k, v…` parameters. */
function nodeFilter(step: Step): (n: Node) => boolean {
  const kv =
    step.params.length === 0
      ? MATCH_ALL
      : parseKeyValues(step.name, step.params, step.paramPositions, step.position);
  return toPredicate(kv, elementAccessor);
}

/** Nodes, Hops, CaptureNode, Out, In, Both on flows. */
export function flowNodes(step: Step, flows: readonly Flow[], view: GraphView): TraversalValue {
  const keep = nodeFilter(step);
  const out: Node[] = [];
  const push = (n: Node | undefined) => {
    if (n) out.push(n);
  };
  const byMac = (mac: string | undefined) => {
    if (!mac) return;
    push(firstNode(view, 'MAC', mac, keep) ?? firstNode(view, 'PeerIntfMAC', mac, keep));
  };
  for (const f of flows) {
    switch (step.name) {
      case 'Hops':
      case 'CaptureNode':
        if (f.NodeTID) push(firstNode(view, 'TID', f.NodeTID, keep));
        break;
      case 'Nodes':
        if (f.NodeTID) push(firstNode(view, 'TID', f.NodeTID, keep));
        if (f.Link?.A) push(firstNode(view, 'MAC', f.Link.A, keep));
        if (f.Link?.B) push(firstNode(view, 'MAC', f.Link.B, keep));
        break;
      case 'Out':
        byMac(f.Link?.B);
        break;
      case 'In':
        byMac(f.Link?.A);
        break;
      case 'Both':
        byMac(f.Link?.A);
        byMac(f.Link?.B);
        break;
    }
  }
  return { kind: 'nodes', nodes: out };
}

const COUNTERS = ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes'] as const;

/** `Metrics()` results: metrics by flow UUID or node ID. */
export class MetricsValue implements CustomValue {
  readonly kind = 'custom' as const;
  readonly type = 'metrics';
  constructor(readonly metrics: ReadonlyMap<string, readonly Metric[]>) {}

  toJSON(): unknown {
    if (this.metrics.size === 0) return [];
    return [Object.fromEntries(this.metrics)];
  }

  private all(): Metric[] {
    return [...this.metrics.values()].flat();
  }

  applyStep(step: Step): TraversalValue | undefined {
    switch (step.name) {
      case 'Count':
        return { kind: 'number', value: this.all().length };
      case 'Keys':
        return { kind: 'values', values: [...new Set(this.all().flatMap((m) => Object.keys(m)))] };
      case 'Sum': {
        const key = step.params[0];
        if (typeof key === 'string') {
          let s = 0;
          for (const m of this.all()) s += toNumber(m[key]) ?? 0;
          return { kind: 'number', value: s };
        }
        return new PlainValue('metric', sumMetrics(this.all()) ?? null);
      }
      case 'Aggregates': {
        const p = step.params[0];
        const seconds = p === undefined ? 30 : p;
        if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0)
          throw new QuerySyntaxError(
            'Aggregates: the slice length must be seconds > 0',
            step.position,
          );
        return new PlainValue('aggregates', [
          { Aggregated: aggregate(this.all(), seconds * 1000) },
        ]);
      }
      default:
        return undefined;
    }
  }
}

/** One merged metric: counters summed, Start the earliest, Last the latest. */
export function sumMetrics(metrics: readonly Metric[]): Metric | undefined {
  if (metrics.length === 0) return undefined;
  const out: Metric = {
    ABPackets: 0,
    ABBytes: 0,
    BAPackets: 0,
    BABytes: 0,
    Start: Infinity,
    Last: 0,
  };
  for (const m of metrics) {
    for (const k of COUNTERS) out[k]! += m[k] ?? 0;
    out.Start = Math.min(out.Start!, m.Start ?? Infinity);
    out.Last = Math.max(out.Last!, m.Last ?? 0);
  }
  if (out.Start === Infinity) out.Start = 0;
  return out;
}

/** Metrics summed per time slice of `sliceMs`, in time order (at most 10 000 slices). */
export function aggregate(metrics: readonly Metric[], sliceMs: number): Metric[] {
  const slices = new Map<number, Metric[]>();
  for (const m of metrics) {
    const at = Math.floor((m.Start ?? 0) / sliceMs) * sliceMs;
    let l = slices.get(at);
    if (!l) slices.set(at, (l = []));
    l.push(m);
  }
  if (slices.size > 10_000) throw new QueryExecutionError('Aggregates: more than 10000 slices');
  return [...slices.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([at, l]) => ({ ...sumMetrics(l)!, Start: at, Last: at + sliceMs }));
}

/** A result that is already its JSON (Sum() of metrics, Aggregates()). */
export class PlainValue implements CustomValue {
  readonly kind = 'custom' as const;
  constructor(
    readonly type: string,
    private readonly json: unknown,
  ) {}
  toJSON(): unknown {
    return this.json;
  }
}

/** Metrics of flows: LastUpdateMetric, or Metric before the first update (live, as Skydive). */
export function flowMetrics(flows: readonly Flow[], key?: string): MetricsValue {
  const m = new Map<string, Metric[]>();
  for (const f of flows) {
    const metric: FlowMetric | undefined =
      key === 'Metric' ? f.Metric : (f.LastUpdateMetric ?? f.Metric);
    if (!metric || !f.UUID) continue;
    let l = m.get(f.UUID);
    if (!l) m.set(f.UUID, (l = []));
    l.push({ ...metric });
  }
  return new MetricsValue(m);
}

/** Metrics of nodes: the metadata `key` (default LastUpdateMetric, or `SFlow`, `Ovs`…). */
export function nodeMetrics(nodes: readonly Node[], key = 'LastUpdateMetric'): MetricsValue {
  const m = new Map<string, Metric[]>();
  const path = key.includes('.') || key === 'LastUpdateMetric' ? key : `${key}.LastUpdateMetric`;
  for (const n of nodes) {
    let v: unknown = n.metadata;
    for (const part of path.split('.'))
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (v && typeof v === 'object') m.set(n.id, [{ ...(v as Metric) }]);
  }
  return new MetricsValue(m);
}

/** `RawPackets()` results: packets by flow UUID. */
export class RawPacketsValue implements CustomValue {
  readonly kind = 'custom' as const;
  readonly type = 'rawpackets';
  constructor(readonly packets: ReadonlyMap<string, readonly RawPacket[]>) {}

  toJSON(): unknown {
    const out: Record<string, unknown[]> = {};
    for (const [uuid, list] of this.packets)
      out[uuid] = list.map((p) => ({
        Timestamp: p.Timestamp,
        Index: p.Index,
        Data: Buffer.from(p.Data ?? new Uint8Array()).toString('base64'),
        LinkType: p.LinkType ?? 1,
      }));
    return this.packets.size === 0 ? [] : [out];
  }

  /** Every packet as one pcap file, in time order (`Accept: application/vnd.tcpdump.pcap`). */
  toPcap(): Uint8Array {
    const all = [...this.packets.values()]
      .flat()
      .sort((a, b) => a.Timestamp - b.Timestamp || a.Index - b.Index);
    const w = new PcapWriter({ linkType: all[0]?.LinkType ?? 1 });
    const parts = [
      w.header(),
      ...all.map((p) => w.packet(p.Data ?? new Uint8Array(), p.Timestamp * 1000)),
    ];
    return Buffer.concat(parts);
  }

  applyStep(step: Step): TraversalValue | undefined {
    if (step.name === 'Count') {
      let n = 0;
      for (const l of this.packets.values()) n += l.length;
      return { kind: 'number', value: n };
    }
    if (step.name !== 'BPF') return undefined;
    const filter = step.params[0];
    if (typeof filter !== 'string' || step.params.length !== 1)
      throw new QuerySyntaxError('BPF requires one filter string', step.position);
    const progs = new Map<number, ReturnType<typeof compileBpf>>();
    try {
      const out = new Map<string, RawPacket[]>();
      for (const [uuid, list] of this.packets) {
        const kept = list.filter((p) => {
          const lt = p.LinkType ?? 1;
          let prog = progs.get(lt);
          if (!prog) {
            try {
              progs.set(lt, (prog = compileBpf(filter, lt)));
            } catch (err) {
              throw new QueryExecutionError((err as Error).message, step.position);
            }
          }
          return prog.matches(p.Data ?? new Uint8Array());
        });
        if (kept.length > 0) out.set(uuid, kept);
      }
      return new RawPacketsValue(out);
    } finally {
      for (const p of progs.values()) p.free();
    }
  }
}

/** Raw packets of flows (those kept with a capture's RawPacketLimit). */
export function flowRawPackets(flows: readonly Flow[]): RawPacketsValue {
  const m = new Map<string, RawPacket[]>();
  for (const f of flows)
    if (f.UUID && f.LastRawPackets && f.LastRawPackets.length > 0)
      m.set(f.UUID, [...f.LastRawPackets]);
  return new RawPacketsValue(m);
}

/** `Group()` results: flows by TrackingID. */
export class GroupValue implements CustomValue {
  readonly kind = 'custom' as const;
  readonly type = 'flowgroups';
  constructor(readonly groups: ReadonlyMap<string, readonly Flow[]>) {}

  toJSON(): unknown {
    const out: Record<string, unknown[]> = {};
    for (const [k, l] of this.groups) out[k] = l.map(flowShape);
    return this.groups.size === 0 ? [] : [out];
  }

  applyStep(step: Step): TraversalValue | undefined {
    if (step.name === 'MoreThan')
      return new GroupValue(new Map([...this.groups].filter(([, l]) => l.length > 1)));
    if (step.name === 'Count') return { kind: 'number', value: this.groups.size };
    return undefined;
  }
}

/** Groups flows by TrackingID (Skydive ignores Group's argument in practice; so do we). */
export function groupFlows(flows: readonly Flow[]): GroupValue {
  const m = new Map<string, Flow[]>();
  for (const f of flows) {
    const k = f.TrackingID ?? '';
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(f);
  }
  return new GroupValue(m);
}
