// SPDX-License-Identifier: Apache-2.0
// Protobuf codec of flow.Message, flow.Flow, flow.Stats, flow.FlowSet, flow.TableQuery and
// flow.TableReply (flow/flow.proto field numbers; proto3: zero values are not written).

import { InvalidArgumentError } from '../graph/errors.js';
import { ERR_PROTOBUF, ProtoReader, ProtoWriter, WireType } from './proto-wire.js';
import {
  decodeDHCPv4,
  decodeDNS,
  decodeVRRPv2,
  encodeDHCPv4,
  encodeDNS,
  encodeVRRPv2,
} from './flow-layers-proto.js';
import { readSearchQuery, writeSearchQuery } from './flow-search.js';
import {
  FLOW_PROTOCOLS,
  ICMP_TYPES,
  TCP_METRIC_FIELDS,
  emptyTCPMetric,
  type Flow,
  type FlowLayer,
  type FlowMessage,
  type FlowMetric,
  type FlowSet,
  type RawPacket,
  type Stats,
  type TCPMetric,
  type TableQuery,
  type TableReply,
  type TransportLayer,
} from './flow-types.js';

const V = WireType.Varint;
const L = WireType.LengthDelimited;

function wrong(field: string, wt: number): never {
  throw new InvalidArgumentError(ERR_PROTOBUF, `invalid protobuf: wire type ${wt} for ${field}`);
}

/** Reads the field number and checks its wire type against the expected one. */
function check(tag: number, expected: number, name: string): void {
  if ((tag & 7) !== expected) wrong(name, tag & 7);
}

function protoIndex(name: string): number {
  const i = (FLOW_PROTOCOLS as readonly string[]).indexOf(name);
  return i < 0 ? 0 : i;
}

function writeLayer(w: ProtoWriter, field: number, l: FlowLayer): void {
  const m = w.begin(field);
  const p = protoIndex(l.Protocol);
  if (p) w.uint32Field(1, p);
  if (l.A) w.stringField(3, l.A);
  if (l.B) w.stringField(4, l.B);
  if (l.ID) w.int64Field(5, l.ID);
  w.end(m);
}

function writeTransport(w: ProtoWriter, t: TransportLayer): void {
  const m = w.begin(22);
  const p = protoIndex(t.Protocol);
  if (p) w.uint32Field(1, p);
  if (t.A) w.int64Field(2, t.A);
  if (t.B) w.int64Field(3, t.B);
  if (t.ID) w.int64Field(4, t.ID);
  w.end(m);
}

const METRIC_FIELDS = [
  'ABPackets',
  'ABBytes',
  'BAPackets',
  'BABytes',
  'Start',
  'Last',
  'RTT',
] as const;

function writeMetric(w: ProtoWriter, field: number, mt: FlowMetric): void {
  const m = w.begin(field);
  for (let i = 0; i < METRIC_FIELDS.length; i++) {
    const v = mt[METRIC_FIELDS[i] as keyof FlowMetric];
    if (v) w.int64Field(i + 2, v);
  }
  w.end(m);
}

function writeRaw(w: ProtoWriter, r: RawPacket): void {
  const m = w.begin(36);
  if (r.Timestamp) w.int64Field(1, r.Timestamp);
  if (r.Index) w.int64Field(2, r.Index);
  if (r.Data && r.Data.length) w.bytesField(3, r.Data);
  if (r.LinkType) w.uint32Field(4, r.LinkType);
  w.end(m);
}

/** Writes one flow as field `field` of the enclosing message. */
export function writeFlow(w: ProtoWriter, field: number, f: Flow): void {
  const m = w.begin(field);
  if (f.UUID) w.stringField(1, f.UUID);
  if (f.LayersPath) w.stringField(2, f.LayersPath);
  if (f.Application) w.stringField(3, f.Application);
  if (f.ParentUUID) w.stringField(6, f.ParentUUID);
  if (f.Start) w.int64Field(10, f.Start);
  if (f.Last) w.int64Field(11, f.Last);
  if (f.Link) writeLayer(w, 20, f.Link);
  if (f.Network) writeLayer(w, 21, f.Network);
  if (f.Transport) writeTransport(w, f.Transport);
  if (f.ICMP) {
    const i = w.begin(23);
    const t = (ICMP_TYPES as readonly string[]).indexOf(f.ICMP.Type);
    if (t > 0) w.uint32Field(1, t);
    if (f.ICMP.Code) w.uint32Field(2, f.ICMP.Code);
    if (f.ICMP.ID) w.uint32Field(3, f.ICMP.ID);
    w.end(i);
  }
  if (f.LastUpdateMetric) writeMetric(w, 31, f.LastUpdateMetric);
  if (f.Metric) writeMetric(w, 32, f.Metric);
  if (f.NodeTID) w.stringField(33, f.NodeTID);
  if (f.CaptureID) w.stringField(34, f.CaptureID);
  if (f.LastRawPackets) for (const r of f.LastRawPackets) writeRaw(w, r);
  if (f.RawPacketsCaptured) w.int64Field(37, f.RawPacketsCaptured);
  if (f.TCPMetric) {
    const t = w.begin(38);
    for (let i = 0; i < TCP_METRIC_FIELDS.length; i++) {
      const v = f.TCPMetric[TCP_METRIC_FIELDS[i] as keyof TCPMetric];
      if (v) w.int64Field(i + 1, v);
    }
    w.end(t);
  }
  if (f.IPMetric) {
    const i = w.begin(39);
    if (f.IPMetric.Fragments) w.int64Field(1, f.IPMetric.Fragments);
    if (f.IPMetric.FragmentErrors) w.int64Field(2, f.IPMetric.FragmentErrors);
    w.end(i);
  }
  if (f.TrackingID) w.stringField(50, f.TrackingID);
  if (f.L3TrackingID) w.stringField(51, f.L3TrackingID);
  if (f.FinishType) w.uint32Field(60, f.FinishType);
  if (f.DHCPv4) encodeDHCPv4(w, 1000, f.DHCPv4);
  if (f.DNS) encodeDNS(w, 1001, f.DNS);
  if (f.VRRPv2) encodeVRRPv2(w, 1002, f.VRRPv2);
  w.end(m);
}

function writeStats(w: ProtoWriter, field: number, s: Stats): void {
  const m = w.begin(field);
  if (s.CaptureID) w.stringField(1, s.CaptureID);
  if (s.FlowCount) w.int64Field(2, s.FlowCount);
  if (s.FlowDropped) w.int64Field(3, s.FlowDropped);
  if (s.KernelFlowDropped) w.int64Field(4, s.KernelFlowDropped);
  if (s.PacketsDropped) w.int64Field(5, s.PacketsDropped);
  if (s.PacketsReceived) w.int64Field(6, s.PacketsReceived);
  w.end(m);
}

/** Encodes a flow.Message (what an agent sends per UDP datagram or WebSocket frame). */
export function encodeFlowMessage(msg: FlowMessage, w = new ProtoWriter(1024)): Uint8Array {
  w.reset();
  for (const f of msg.Flows) writeFlow(w, 1, f);
  if (msg.Stats) writeStats(w, 2, msg.Stats);
  return w.finish();
}

/** Encodes a flow.FlowSet. */
export function encodeFlowSet(fs: FlowSet, w = new ProtoWriter(1024)): Uint8Array {
  w.reset();
  for (const f of fs.Flows) writeFlow(w, 1, f);
  if (fs.Start) w.int64Field(2, fs.Start);
  if (fs.End) w.int64Field(3, fs.End);
  return w.finish();
}

/**
 * Encodes a flow.TableQuery with its filters.SearchQuery (field 2, filter included).
 * @throws InvalidArgumentError SKY_ERR_INVALID_FILTER on a filter that has no protobuf form.
 */
export function encodeTableQuery(q: TableQuery): Uint8Array {
  const w = new ProtoWriter(128);
  if (q.Type) w.stringField(1, q.Type);
  if (q.Query) writeSearchQuery(w, 2, q.Query);
  return w.finish();
}

/** Encodes a flow.TableReply. */
export function encodeTableReply(r: TableReply): Uint8Array {
  const w = new ProtoWriter(256);
  if (r.Status) w.tag(1, V).int64(r.Status);
  for (const b of r.FlowSetBytes) w.bytesField(2, b);
  return w.finish();
}

function readLayer(r: ProtoReader): FlowLayer {
  const l: FlowLayer = { Protocol: 'ETHERNET', ID: 0 };
  while (r.more()) {
    const tag = r.tag();
    const f = tag >>> 3;
    if (f === 1) l.Protocol = FLOW_PROTOCOLS[r.int32()] ?? 'ETHERNET';
    else if (f === 3) {
      check(tag, L, 'FlowLayer.A');
      l.A = r.string();
    } else if (f === 4) {
      check(tag, L, 'FlowLayer.B');
      l.B = r.string();
    } else if (f === 5) l.ID = r.int64();
    else r.skip(tag & 7);
  }
  return l;
}

function readTransport(r: ProtoReader): TransportLayer {
  const t: TransportLayer = { Protocol: 'ETHERNET', A: 0, B: 0, ID: 0 };
  while (r.more()) {
    const tag = r.tag();
    const f = tag >>> 3;
    if ((tag & 7) !== V) r.skip(tag & 7);
    else if (f === 1) t.Protocol = FLOW_PROTOCOLS[r.int32()] ?? 'ETHERNET';
    else if (f === 2) t.A = r.int64();
    else if (f === 3) t.B = r.int64();
    else if (f === 4) t.ID = r.int64();
    else r.skip(tag & 7);
  }
  return t;
}

function readMetric(r: ProtoReader): FlowMetric {
  const m: FlowMetric = { ABPackets: 0, ABBytes: 0, BAPackets: 0, BABytes: 0, Start: 0, Last: 0 };
  while (r.more()) {
    const tag = r.tag();
    const name = METRIC_FIELDS[(tag >>> 3) - 2];
    if (name && (tag & 7) === V) m[name] = r.int64();
    else r.skip(tag & 7);
  }
  return m;
}

function readRaw(r: ProtoReader): RawPacket {
  const p: RawPacket = { Timestamp: 0, Index: 0 };
  while (r.more()) {
    const tag = r.tag();
    const f = tag >>> 3;
    if (f === 1 && (tag & 7) === V) p.Timestamp = r.int64();
    else if (f === 2 && (tag & 7) === V) p.Index = r.int64();
    else if (f === 3 && (tag & 7) === L) p.Data = r.bytes().slice();
    else if (f === 4 && (tag & 7) === V) p.LinkType = r.uint32();
    else r.skip(tag & 7);
  }
  return p;
}

/** Decodes one flow.Flow message. */
export function readFlow(r: ProtoReader): Flow {
  const f: Flow = { Start: 0, Last: 0, ParentUUID: '', RawPacketsCaptured: 0 };
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    const wt = tag & 7;
    switch (n) {
      case 1:
        check(tag, L, 'Flow.UUID');
        f.UUID = r.string();
        break;
      case 2:
        check(tag, L, 'Flow.LayersPath');
        f.LayersPath = r.string();
        break;
      case 3:
        check(tag, L, 'Flow.Application');
        f.Application = r.string();
        break;
      case 6:
        check(tag, L, 'Flow.ParentUUID');
        f.ParentUUID = r.string();
        break;
      case 10:
        check(tag, V, 'Flow.Start');
        f.Start = r.int64();
        break;
      case 11:
        check(tag, V, 'Flow.Last');
        f.Last = r.int64();
        break;
      case 20:
        check(tag, L, 'Flow.Link');
        f.Link = readLayer(r.sub());
        break;
      case 21:
        check(tag, L, 'Flow.Network');
        f.Network = readLayer(r.sub());
        break;
      case 22:
        check(tag, L, 'Flow.Transport');
        f.Transport = readTransport(r.sub());
        break;
      case 23: {
        check(tag, L, 'Flow.ICMP');
        const s = r.sub();
        const icmp: NonNullable<Flow['ICMP']> = { Type: 'UNKNOWN' };
        while (s.more()) {
          const t = s.tag();
          if ((t & 7) !== V) s.skip(t & 7);
          else if (t >>> 3 === 1) icmp.Type = ICMP_TYPES[s.int32()] ?? 'UNKNOWN';
          else if (t >>> 3 === 2) icmp.Code = s.uint32();
          else if (t >>> 3 === 3) icmp.ID = s.uint32();
          else s.skip(t & 7);
        }
        f.ICMP = icmp;
        break;
      }
      case 31:
        check(tag, L, 'Flow.LastUpdateMetric');
        f.LastUpdateMetric = readMetric(r.sub());
        break;
      case 32:
        check(tag, L, 'Flow.Metric');
        f.Metric = readMetric(r.sub());
        break;
      case 33:
        check(tag, L, 'Flow.NodeTID');
        f.NodeTID = r.string();
        break;
      case 34:
        check(tag, L, 'Flow.CaptureID');
        f.CaptureID = r.string();
        break;
      case 36:
        check(tag, L, 'Flow.LastRawPackets');
        (f.LastRawPackets ??= []).push(readRaw(r.sub()));
        break;
      case 37:
        check(tag, V, 'Flow.RawPacketsCaptured');
        f.RawPacketsCaptured = r.int64();
        break;
      case 38: {
        check(tag, L, 'Flow.TCPMetric');
        const s = r.sub();
        const m = emptyTCPMetric() as unknown as Record<string, number>;
        while (s.more()) {
          const t = s.tag();
          const name = TCP_METRIC_FIELDS[(t >>> 3) - 1];
          if (name && (t & 7) === V) m[name] = s.int64();
          else s.skip(t & 7);
        }
        f.TCPMetric = m as unknown as TCPMetric;
        break;
      }
      case 39: {
        check(tag, L, 'Flow.IPMetric');
        const s = r.sub();
        const m = { Fragments: 0, FragmentErrors: 0 };
        while (s.more()) {
          const t = s.tag();
          if ((t & 7) !== V) s.skip(t & 7);
          else if (t >>> 3 === 1) m.Fragments = s.int64();
          else if (t >>> 3 === 2) m.FragmentErrors = s.int64();
          else s.skip(t & 7);
        }
        f.IPMetric = m;
        break;
      }
      case 50:
        check(tag, L, 'Flow.TrackingID');
        f.TrackingID = r.string();
        break;
      case 51:
        check(tag, L, 'Flow.L3TrackingID');
        f.L3TrackingID = r.string();
        break;
      case 60:
        check(tag, V, 'Flow.FinishType');
        f.FinishType = r.int32();
        break;
      case 1000:
        check(tag, L, 'Flow.DHCPv4');
        f.DHCPv4 = decodeDHCPv4(r.sub());
        break;
      case 1001:
        check(tag, L, 'Flow.DNS');
        f.DNS = decodeDNS(r.sub());
        break;
      case 1002:
        check(tag, L, 'Flow.VRRPv2');
        f.VRRPv2 = decodeVRRPv2(r.sub());
        break;
      default:
        r.skip(wt);
    }
  }
  return f;
}

function readStats(r: ProtoReader): Stats {
  const s: Stats = {
    FlowCount: 0,
    FlowDropped: 0,
    KernelFlowDropped: 0,
    PacketsDropped: 0,
    PacketsReceived: 0,
  };
  const names = [
    'FlowCount',
    'FlowDropped',
    'KernelFlowDropped',
    'PacketsDropped',
    'PacketsReceived',
  ] as const;
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    if (n === 1 && (tag & 7) === L) s.CaptureID = r.string();
    else if (n >= 2 && n <= 6 && (tag & 7) === V)
      s[names[n - 2] as (typeof names)[number]] = r.int64();
    else r.skip(tag & 7);
  }
  return s;
}

/** Decodes a flow.Message. Throws InvalidArgumentError (SKY_ERR_PROTOBUF) on malformed bytes. */
export function decodeFlowMessage(bytes: Uint8Array): FlowMessage {
  const r = new ProtoReader(bytes);
  const msg: FlowMessage = { Flows: [] };
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    if (n === 1) {
      check(tag, L, 'Message.Flows');
      msg.Flows.push(readFlow(r.sub()));
    } else if (n === 2) {
      check(tag, L, 'Message.Stats');
      msg.Stats = readStats(r.sub());
    } else r.skip(tag & 7);
  }
  return msg;
}

/** Decodes a flow.FlowSet. */
export function decodeFlowSet(bytes: Uint8Array): FlowSet {
  const r = new ProtoReader(bytes);
  const fs: FlowSet = { Flows: [], Start: 0, End: 0 };
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    if (n === 1) {
      check(tag, L, 'FlowSet.Flows');
      fs.Flows.push(readFlow(r.sub()));
    } else if (n === 2 && (tag & 7) === V) fs.Start = r.int64();
    else if (n === 3 && (tag & 7) === V) fs.End = r.int64();
    else r.skip(tag & 7);
  }
  return fs;
}

/**
 * Decodes a flow.TableQuery and its filters.SearchQuery (the filter is not checked here: see
 * src/flow/query/filter.ts checkFilter).
 */
export function decodeTableQuery(bytes: Uint8Array): TableQuery {
  const r = new ProtoReader(bytes);
  const q: TableQuery = { Type: '' };
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    if (n === 1) {
      check(tag, L, 'TableQuery.Type');
      q.Type = r.string();
    } else if (n === 2) {
      check(tag, L, 'TableQuery.query');
      q.Query = readSearchQuery(r.sub());
    } else r.skip(tag & 7);
  }
  return q;
}

/** Decodes a flow.TableReply. */
export function decodeTableReply(bytes: Uint8Array): TableReply {
  const r = new ProtoReader(bytes);
  const t: TableReply = { Status: 0, FlowSetBytes: [] };
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    if (n === 1 && (tag & 7) === V) t.Status = r.int32();
    else if (n === 2) {
      check(tag, L, 'TableReply.FlowSetBytes');
      t.FlowSetBytes.push(r.bytes().slice());
    } else r.skip(tag & 7);
  }
  return t;
}
