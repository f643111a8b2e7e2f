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

/** Texts of a flow converted once (see FlowEntry.text). */
const TEXT_SCRATCH: string[] = ['', '', '', '', '', '', '', ''];

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

  /**
   * UUID, TrackingID, L3TrackingID, ParentUUID, Link A/B, Network A/B: kept on the entry with
   * `keep` (a flow sent again later reuses them), else written into a shared scratch array.
   */
  private text(addr: Uint8Array, keep: boolean): string[] {
    if (this.strings) return this.strings;
    const t = keep ? new Array<string>(8) : TEXT_SCRATCH;
    const o = this.id * ADDR_STRIDE;
    t[0] = hex64(this.uHi, this.uLo);
    t[1] = hex64(this.l2Hi, this.l2Lo);
    t[2] = hex64(this.l3Hi, this.l3Lo);
    t[3] = this.hasParent ? hex64(this.pHi, this.pLo) : '';
    const link = this.hasLink;
    t[4] = link ? formatMAC(addr, o) : '';
    t[5] = link ? formatMAC(addr, o + 6) : '';
    const net = this.netProto;
    if (net < 0) t[6] = t[7] = '';
    else if (net === Proto.IPV4) {
      t[6] = formatIPv4(addr, o + ADDR_SRC_IP);
      t[7] = formatIPv4(addr, o + ADDR_DST_IP);
    } else {
      t[6] = formatIPv6(addr, o + ADDR_SRC_IP);
      t[7] = formatIPv6(addr, o + ADDR_DST_IP);
    }
    if (keep) this.strings = t;
    return t;
  }

  /**
   * The wire form of the flow (a fresh object; the entry keeps changing afterwards). `last`: the
   * flow will not be sent again (removed, final listing), so its texts are not kept on the entry.
   */
  toFlow(withRaw: boolean, addr: Uint8Array, last = false): Flow {
    const t = this.text(addr, !last);
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
