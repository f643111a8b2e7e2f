// SPDX-License-Identifier: Apache-2.0
// The flow table's mutable record of one flow (numbers and a few strings, updated in place per
// packet) and its conversion to the wire Flow of src/protocol/flow.ts when a flow is sent or queried.

import {
  FLOW_PROTOCOLS,
  ICMP_TYPES,
  type DHCPv4Layer,
  type DNSLayer,
  type Flow,
  type RawPacket,
  type TCPMetric,
  type VRRPv2Layer,
} from '../../protocol/flow.js';
import { FlowRow } from './entry-row.js';
import {
  ADDR_DST_IP,
  ADDR_SRC_IP,
  ADDR_STRIDE,
  C_LU_ABB,
  C_LU_ABP,
  C_LU_BAB,
  C_LU_BAP,
  C_LU_LAST,
  C_LU_RTT,
  C_LU_START,
  COLD,
  F_TCPM,
} from './flow-index.js';
import { formatIPv4, formatIPv6, formatMAC } from './net-format.js';
import type { TcpStream } from './tcp-reassembly.js';
import { hex64 } from './xxhash64.js';

/** FlowProtocol numbers used by the table. */
export const Proto = { ETHERNET: 0, IPV4: 1, TCP: 2, UDP: 3, SCTP: 4, IPV6: 5 } as const;

/** A flow in the table. */
export class FlowEntry extends FlowRow {
  private tcp: TCPMetric | null = null;
  /** TCPMetric (extra TCP metric or reassembly counters); its presence is a row flag too. */
  get tcpMetric(): TCPMetric | null {
    return this.tcp;
  }
  set tcpMetric(m: TCPMetric | null) {
    this.tcp = m;
    this.flag(F_TCPM, m !== null);
  }
  /** Text forms, made on first use (toFlow). */
  private strings: string[] | null = null;
  layersPath = '';
  application = '';
  nodeTID = '';
  captureID = '';
  dns: DNSLayer | null = null;
  dhcpv4: DHCPv4Layer | null = null;
  vrrpv2: VRRPv2Layer | null = null;
  rawPackets: RawPacket[] | null = null;
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
    if (this.hasLastUpdate) {
      const c = this.index.cold;
      const r = this.id * COLD;
      f.LastUpdateMetric = {
        ABPackets: c[r + C_LU_ABP] as number,
        ABBytes: c[r + C_LU_ABB] as number,
        BAPackets: c[r + C_LU_BAP] as number,
        BABytes: c[r + C_LU_BAB] as number,
        Start: c[r + C_LU_START] as number,
        Last: c[r + C_LU_LAST] as number,
      };
      const rtt = c[r + C_LU_RTT] as number;
      if (rtt) f.LastUpdateMetric.RTT = rtt;
    }
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
