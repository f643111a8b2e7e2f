// SPDX-License-Identifier: Apache-2.0
// The flow table's mutable record of one flow (numbers and a few strings, updated in place per
// packet) and its conversion to the wire Flow of src/protocol/flow.ts when a flow is sent or queried.

import {
  FLOW_PROTOCOLS,
  ICMP_TYPES,
  type DHCPv4Layer,
  type DNSLayer,
  type Flow,
  type FlowMetric,
  type RawPacket,
  type TCPMetric,
  type VRRPv2Layer,
} from '../../protocol/flow.js';
import type { TcpStream } from './tcp-reassembly.js';

/** FlowProtocol numbers used by the table. */
export const Proto = { ETHERNET: 0, IPV4: 1, TCP: 2, UDP: 3, SCTP: 4, IPV6: 5 } as const;

/** A flow in the table. */
export class FlowEntry {
  /** Table key bytes (exact XXH64 input) and their index hash. */
  key: Uint8Array;
  hash: number;
  uuid = '';
  trackingID = '';
  l3TrackingID = '';
  parentUUID = '';
  layersPath = '';
  application = '';
  nodeTID = '';
  captureID = '';

  hasLink = false;
  linkA = '';
  linkB = '';
  linkID = 0;
  /** Source MAC of the first packet as 16 + 32 bits, for the A→B test. */
  macAHi = 0;
  macALo = 0;

  netProto = -1;
  netA = '';
  netB = '';
  netID = 0;
  /** Source address of the first packet (4 or 16 bytes). */
  netARaw: Uint8Array | null = null;

  transProto = -1;
  transA = 0;
  transB = 0;

  icmpType = -1;
  icmpCode = 0;
  icmpID = 0;

  start = 0;
  last = 0;
  abPackets = 0;
  abBytes = 0;
  baPackets = 0;
  baBytes = 0;
  rtt = 0;
  rtt1st = 0;

  /** Metric at the previous update tick (Skydive's lastMetric). */
  lAbPackets = 0;
  lAbBytes = 0;
  lBaPackets = 0;
  lBaBytes = 0;
  lastUpdate: FlowMetric | null = null;
  updateVersion = 0;

  finishType = 0;
  tcpMetric: TCPMetric | null = null;
  ipFragments = -1;
  ipFragmentErrors = 0;
  dns: DNSLayer | null = null;
  dhcpv4: DHCPv4Layer | null = null;
  vrrpv2: VRRPv2Layer | null = null;
  rawPackets: RawPacket[] | null = null;
  rawCaptured = 0;
  tcpStreams: [TcpStream | null, TcpStream | null] | null = null;

  /** LRU list links (most recently used at the head). */
  prev: FlowEntry | null = null;
  next: FlowEntry | null = null;

  constructor(key: Uint8Array, hash: number) {
    this.key = key;
    this.hash = hash;
  }

  /** The wire form of the flow (a fresh object; the entry keeps changing afterwards). */
  toFlow(withRaw: boolean): Flow {
    const f: Flow = {
      UUID: this.uuid,
      LayersPath: this.layersPath,
      Application: this.application,
      Start: this.start,
      Last: this.last,
      TrackingID: this.trackingID,
      L3TrackingID: this.l3TrackingID,
      ParentUUID: this.parentUUID,
      RawPacketsCaptured: this.rawCaptured,
    };
    if (this.hasLink)
      f.Link = { Protocol: 'ETHERNET', A: this.linkA, B: this.linkB, ID: this.linkID };
    if (this.netProto >= 0) {
      f.Network = {
        Protocol: FLOW_PROTOCOLS[this.netProto] ?? 'IPV4',
        A: this.netA,
        B: this.netB,
        ID: this.netID,
      };
    }
    if (this.transProto >= 0) {
      f.Transport = {
        Protocol: FLOW_PROTOCOLS[this.transProto] ?? 'TCP',
        A: this.transA,
        B: this.transB,
        ID: 0,
      };
    }
    if (this.icmpType >= 0) {
      f.ICMP = { Type: ICMP_TYPES[this.icmpType] ?? 'UNKNOWN' };
      if (this.icmpCode) f.ICMP.Code = this.icmpCode;
      if (this.icmpID) f.ICMP.ID = this.icmpID;
    }
    if (this.dhcpv4) f.DHCPv4 = this.dhcpv4;
    if (this.dns) f.DNS = this.dns;
    if (this.vrrpv2) f.VRRPv2 = this.vrrpv2;
    if (this.lastUpdate) f.LastUpdateMetric = { ...this.lastUpdate };
    f.Metric = {
      ABPackets: this.abPackets,
      ABBytes: this.abBytes,
      BAPackets: this.baPackets,
      BABytes: this.baBytes,
      Start: this.start,
      Last: this.last,
    };
    if (this.rtt) f.Metric.RTT = this.rtt;
    if (this.tcpMetric) f.TCPMetric = { ...this.tcpMetric };
    if (this.ipFragments >= 0)
      f.IPMetric = { Fragments: this.ipFragments, FragmentErrors: this.ipFragmentErrors };
    if (this.nodeTID) f.NodeTID = this.nodeTID;
    if (this.captureID) f.CaptureID = this.captureID;
    if (withRaw && this.rawPackets && this.rawPackets.length)
      f.LastRawPackets = this.rawPackets.slice();
    if (this.finishType) f.FinishType = this.finishType;
    return f;
  }
}
