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
import {
  ADDR_DST_IP,
  ADDR_SRC_IP,
  ADDR_STRIDE,
  F_LINK,
  F_TCPM,
  HOT,
  H_ABB,
  H_ABP,
  H_BAB,
  H_BAP,
  H_FLAGS,
  H_LAST,
  H_MACA,
  H_RTT,
  H_TRANSA,
  H_VER,
  NET_SHIFT,
  TRANS_SHIFT,
  type FlowIndex,
} from './flow-index.js';
import { formatIPv4, formatIPv6, formatMAC } from './net-format.js';
import type { TcpStream } from './tcp-reassembly.js';
import { hex64 } from './xxhash64.js';

/** FlowProtocol numbers used by the table. */
export const Proto = { ETHERNET: 0, IPV4: 1, TCP: 2, UDP: 3, SCTP: 4, IPV6: 5 } as const;

/** A flow in the table. */
export class FlowEntry {
  /**
   * Slot in the FlowIndex (−1 once removed). The per-packet fields live in the index's row for that
   * id (FlowIndex.hot, one 128-byte row) and are reached through the accessors below, so the packet
   * path updates a flow without touching this object.
   */
  id = -1;
  constructor(readonly index: FlowIndex) {}

  private get(k: number): number {
    return this.index.hot[this.id * HOT + k] as number;
  }
  private set(k: number, v: number): void {
    this.index.hot[this.id * HOT + k] = v;
  }
  private flag(bit: number, on: boolean): void {
    const f = this.get(H_FLAGS);
    this.set(H_FLAGS, on ? f | bit : f & ~bit);
  }

  /** Last packet time, ms since `base` (the table's first flow start). */
  get lastRel(): number {
    return this.get(H_LAST);
  }
  set lastRel(v: number) {
    this.set(H_LAST, v);
  }
  get abPackets(): number {
    return this.get(H_ABP);
  }
  get abBytes(): number {
    return this.get(H_ABB);
  }
  get baPackets(): number {
    return this.get(H_BAP);
  }
  get baBytes(): number {
    return this.get(H_BAB);
  }
  get updateVersion(): number {
    return this.get(H_VER);
  }
  set updateVersion(v: number) {
    this.set(H_VER, v);
  }
  get rtt(): number {
    return this.get(H_RTT);
  }
  get hasLink(): boolean {
    return (this.get(H_FLAGS) & F_LINK) !== 0;
  }
  set hasLink(v: boolean) {
    this.flag(F_LINK, v);
  }
  /** Source MAC of the first packet as a 48-bit number, for the A→B test. */
  set macA(v: number) {
    this.set(H_MACA, v);
  }
  get netProto(): number {
    return ((this.get(H_FLAGS) >> NET_SHIFT) & 15) - 1;
  }
  set netProto(v: number) {
    const f = this.get(H_FLAGS) & ~(15 << NET_SHIFT);
    this.set(H_FLAGS, f | ((v + 1) << NET_SHIFT));
  }
  get transProto(): number {
    return ((this.get(H_FLAGS) >> TRANS_SHIFT) & 15) - 1;
  }
  set transProto(v: number) {
    const f = this.get(H_FLAGS) & ~(15 << TRANS_SHIFT);
    this.set(H_FLAGS, f | ((v + 1) << TRANS_SHIFT));
  }
  get transA(): number {
    return this.get(H_TRANSA);
  }
  set transA(v: number) {
    this.set(H_TRANSA, v);
  }
  private tcp: TCPMetric | null = null;
  /** TCPMetric (extra TCP metric or reassembly counters); its presence is a row flag too. */
  get tcpMetric(): TCPMetric | null {
    return this.tcp;
  }
  set tcpMetric(m: TCPMetric | null) {
    this.tcp = m;
    this.flag(F_TCPM, m !== null);
  }
  /** XXH64 digests as 32-bit halves: TrackingID (L2 key), L3TrackingID, UUID, parent UUID. */
  l2Hi = 0;
  l2Lo = 0;
  l3Hi = 0;
  l3Lo = 0;
  uHi = 0;
  uLo = 0;
  pHi = 0;
  pLo = 0;
  hasParent = false;
  /** Text forms, made on first use (toFlow). */
  private strings: string[] | null = null;
  layersPath = '';
  application = '';
  nodeTID = '';
  captureID = '';

  linkID = 0;
  netID = 0;

  transB = 0;

  icmpType = -1;
  icmpCode = 0;
  icmpID = 0;

  start = 0;
  base = 0;

  /** Metric at the previous update tick (Skydive's lastMetric). */
  lAbPackets = 0;
  lAbBytes = 0;
  lBaPackets = 0;
  lBaBytes = 0;
  lastUpdate: FlowMetric | null = null;

  finishType = 0;
  ipFragments = -1;
  ipFragmentErrors = 0;
  dns: DNSLayer | null = null;
  dhcpv4: DHCPv4Layer | null = null;
  vrrpv2: VRRPv2Layer | null = null;
  rawPackets: RawPacket[] | null = null;
  rawCaptured = 0;
  tcpStreams: [TcpStream | null, TcpStream | null] | null = null;

  /** Time of the last packet, ms since the epoch. */
  get last(): number {
    return this.base + this.lastRel;
  }

  /** The UUID as text. */
  get uuid(): string {
    return hex64(this.uHi, this.uLo);
  }

  /** UUID, TrackingID, L3TrackingID, ParentUUID, Link A/B, Network A/B (made once). */
  private text(addr: Uint8Array): string[] {
    if (this.strings) return this.strings;
    const o = this.id * ADDR_STRIDE;
    const v4 = this.netProto === Proto.IPV4;
    const ip = (p: number) => (v4 ? formatIPv4(addr, p) : formatIPv6(addr, p));
    this.strings = [
      hex64(this.uHi, this.uLo),
      hex64(this.l2Hi, this.l2Lo),
      hex64(this.l3Hi, this.l3Lo),
      this.hasParent ? hex64(this.pHi, this.pLo) : '',
      this.hasLink ? formatMAC(addr, o) : '',
      this.hasLink ? formatMAC(addr, o + 6) : '',
      this.netProto >= 0 ? ip(o + ADDR_SRC_IP) : '',
      this.netProto >= 0 ? ip(o + ADDR_DST_IP) : '',
    ];
    return this.strings;
  }

  /** The wire form of the flow (a fresh object; the entry keeps changing afterwards). */
  toFlow(withRaw: boolean, addr: Uint8Array): Flow {
    const t = this.text(addr);
    const f: Flow = {
      UUID: t[0] as string,
      LayersPath: this.layersPath,
      Application: this.application,
      Start: this.start,
      Last: this.last,
      TrackingID: t[1] as string,
      L3TrackingID: t[2] as string,
      ParentUUID: t[3] as string,
      RawPacketsCaptured: this.rawCaptured,
    };
    if (this.hasLink)
      f.Link = { Protocol: 'ETHERNET', A: t[4] as string, B: t[5] as string, ID: this.linkID };
    if (this.netProto >= 0) {
      f.Network = {
        Protocol: FLOW_PROTOCOLS[this.netProto] ?? 'IPV4',
        A: t[6] as string,
        B: t[7] as string,
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
