// SPDX-License-Identifier: Apache-2.0
// Skydive flow messages (skydive-compat §5.1, flow/flow.proto): Flow and its layers and metrics,
// Stats, Message, FlowSet, TableQuery/TableReply, filters.SearchQuery; the JSON shape with Go's
// key order and omitempty.

export * from './flow-proto.js';
export * from './flow-types.js';
export * from './flow-search.js';
import type { DHCPv4Layer, DNSLayer, Flow, FlowMetric, Stats, VRRPv2Layer } from './flow-types.js';

/** FlowMetric JSON: the six counters always, RTT only when not 0. */
export function flowMetricToJSON(m: FlowMetric): FlowMetric {
  const out: FlowMetric = {
    ABPackets: m.ABPackets,
    ABBytes: m.ABBytes,
    BAPackets: m.BAPackets,
    BABytes: m.BABytes,
    Start: m.Start,
    Last: m.Last,
  };
  if (m.RTT) out.RTT = m.RTT;
  return out;
}

function dropEmpty<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || v === 0 || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

function dnsToJSON(d: DNSLayer): DNSLayer {
  const rr = (l: DNSLayer['answers']) => l?.map((r) => dropEmpty(r));
  return dropEmpty<DNSLayer>({
    ...d,
    questions: d.questions?.map((q) => dropEmpty(q)),
    answers: rr(d.answers),
    authorities: rr(d.authorities),
    additionals: rr(d.additionals),
    timestamp: d.timestamp ? dropEmpty(d.timestamp) : undefined,
  });
}

/**
 * The JSON object Skydive produces for a flow (json.Marshal of flow.Flow): keys in the Go struct
 * order, omitempty rules of flow.pb.go, enums as names, FinishType as an integer, no LastRawPackets.
 */
export function flowToJSON(f: Flow): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (f.UUID) o.UUID = f.UUID;
  if (f.LayersPath) o.LayersPath = f.LayersPath;
  if (f.Application) o.Application = f.Application;
  if (f.Link) o.Link = layerToJSON(f.Link);
  if (f.Network) o.Network = layerToJSON(f.Network);
  if (f.Transport) {
    const t = f.Transport;
    o.Transport = { Protocol: t.Protocol, A: t.A, B: t.B, ID: t.ID };
  }
  if (f.ICMP) {
    const i: Record<string, unknown> = { Type: f.ICMP.Type };
    if (f.ICMP.Code) i.Code = f.ICMP.Code;
    if (f.ICMP.ID) i.ID = f.ICMP.ID;
    o.ICMP = i;
  }
  if (f.DHCPv4) o.DHCPv4 = dropEmpty<DHCPv4Layer>(f.DHCPv4);
  if (f.DNS) o.DNS = dnsToJSON(f.DNS);
  if (f.VRRPv2) o.VRRPv2 = dropEmpty<VRRPv2Layer>(f.VRRPv2);
  if (f.LastUpdateMetric) o.LastUpdateMetric = flowMetricToJSON(f.LastUpdateMetric);
  if (f.Metric) o.Metric = flowMetricToJSON(f.Metric);
  if (f.TCPMetric) {
    const t: Record<string, unknown> = { ...f.TCPMetric };
    if (!t.ABSynTTL) delete t.ABSynTTL;
    if (!t.BASynTTL) delete t.BASynTTL;
    o.TCPMetric = t;
  }
  if (f.IPMetric)
    o.IPMetric = { Fragments: f.IPMetric.Fragments, FragmentErrors: f.IPMetric.FragmentErrors };
  o.Start = f.Start;
  o.Last = f.Last;
  if (f.TrackingID) o.TrackingID = f.TrackingID;
  if (f.L3TrackingID) o.L3TrackingID = f.L3TrackingID;
  o.ParentUUID = f.ParentUUID ?? '';
  if (f.NodeTID) o.NodeTID = f.NodeTID;
  if (f.CaptureID) o.CaptureID = f.CaptureID;
  o.RawPacketsCaptured = f.RawPacketsCaptured ?? 0;
  if (f.FinishType) o.FinishType = f.FinishType;
  return o;
}

function layerToJSON(l: { Protocol: string; A?: string; B?: string; ID: number }) {
  const o: Record<string, unknown> = { Protocol: l.Protocol };
  if (l.A) o.A = l.A;
  if (l.B) o.B = l.B;
  o.ID = l.ID;
  return o;
}

/** Stats JSON (CaptureID omitted when empty). */
export function statsToJSON(s: Stats): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (s.CaptureID) o.CaptureID = s.CaptureID;
  o.FlowCount = s.FlowCount;
  o.FlowDropped = s.FlowDropped;
  o.KernelFlowDropped = s.KernelFlowDropped;
  o.PacketsDropped = s.PacketsDropped;
  o.PacketsReceived = s.PacketsReceived;
  return o;
}
