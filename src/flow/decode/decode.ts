// SPDX-License-Identifier: Apache-2.0
// The layer walk: decodes one frame (or a PacketBatch) into a reused DecodedFrame without allocating,
// step by step from the link type, with IPv4 reassembly when asked. Damage is recorded, never thrown.
import { DecodeError, FragmentState, Layer } from './layers.js';
import type { DecodedFrame, DecodeOptions } from './layers.js';
import type { PacketBatch } from '../packet.js';
import { LinkType } from '../packet.js';
import { appLayer } from './app-check.js';
import { DefragResult, Ipv4Reassembler } from './defrag.js';
import { ipAny, ipsecAh, ipsecEsp, ipv4, ipv6, ipv6Extension, ipv6Fragment } from './ip.js';
import * as link from './link.js';
import { cur, IP_ANY, IP_STEP, MPLS_GUESS, STOP, UNKNOWN } from './steps.js';
import { decodeSimple } from './simple.js';
import { gre, geneve, gtpv1u, vxlan } from './tunnel.js';
import {
  icmpv4,
  icmpv6,
  icmpv6Message,
  sctp,
  SCTP_CHUNK,
  sctpChunk,
  tcp,
  udp,
  udpLite,
} from './transport.js';

/** Options of a FrameDecoder beyond DecodeOptions. */
export interface FrameDecoderOptions extends DecodeOptions {
  /** UDP ports carrying MPLS (Skydive's per-node MPLSUDPPort; RFC 7510 uses 6635). Default none. */
  mplsUdpPorts?: readonly number[];
}

/** Counters of a decoder: packets seen and, per DecodeError code, packets that stopped with it. */
export interface DecodeStats {
  packets: number;
  /** Index = DecodeError code (index 0 counts clean packets). */
  errors: Float64Array;
  truncated: number;
}

/** UDP port → next step: gopacket's table in v1.1.17 for what we decode, plus VXLAN on 8472 (Skydive on Linux). */
function udpPortTable(mplsPorts: readonly number[]): Uint8Array {
  const t = new Uint8Array(65536);
  t[53] = Layer.DNS;
  t[67] = Layer.DHCPv4;
  t[68] = Layer.DHCPv4;
  t[123] = Layer.NTP;
  t[4789] = Layer.VXLAN;
  t[8472] = Layer.VXLAN;
  t[6081] = Layer.Geneve;
  t[546] = Layer.DHCPv6;
  t[547] = Layer.DHCPv6;
  t[3784] = Layer.BFD;
  t[2152] = Layer.GTPv1U;
  t[5060] = Layer.SIP;
  for (const p of mplsPorts) if (p > 0 && p < 65536) t[p] = Layer.MPLS;
  return t;
}

const DEFAULT_PORTS = udpPortTable([]);

/** First step for a pcap link type. */
function firstStep(linkType: number): number {
  switch (linkType) {
    case LinkType.ETHERNET:
      return Layer.Ethernet;
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
      return IP_ANY;
    case LinkType.IPV4:
      return Layer.IPv4;
    case LinkType.IPV6:
      return Layer.IPv6;
    case LinkType.LINUX_SLL:
      return Layer.LinuxSLL;
    case 9: // LINKTYPE_PPP
      return Layer.PPP;
    case LinkType.NULL:
    case 108: // LINKTYPE_LOOP
      return Layer.Loopback;
    default:
      return UNKNOWN;
  }
}

function resetFrame(f: DecodedFrame, data: Uint8Array): void {
  f.buffer = data;
  f.count = 0;
  f.truncated = false;
  f.error = DecodeError.None;
  f.fragment = FragmentState.None;
  f.ipFragments = 0;
  f.ipFragmentErrors = 0;
}

/** Runs steps from `step` at [off, end) until one stops the walk. */
function walk(
  f: DecodedFrame,
  b: Uint8Array,
  step: number,
  off: number,
  end: number,
  linkStart: number,
  ports: Uint8Array,
  defrag: Ipv4Reassembler | null,
  now: number,
): void {
  const max = f.types.length;
  while (step !== STOP) {
    if (off >= end && step !== Layer.Fragment) return; // gopacket stops at an empty payload
    if (f.count >= max) {
      f.error = DecodeError.TooManyLayers;
      return;
    }
    switch (step) {
      case Layer.Ethernet:
        step = link.ethernet(f, b, off, end);
        break;
      case Layer.Dot1Q:
        step = link.dot1q(f, b, off, end);
        break;
      case Layer.IPv4:
        step = ipv4(f, b, off, end);
        break;
      case Layer.IPv6:
        step = ipv6(f, b, off, end);
        break;
      case Layer.TCP:
        step = tcp(f, b, off, end);
        break;
      case Layer.UDP:
        step = udp(f, b, off, end, ports);
        break;
      case Layer.Payload:
        step = link.payload(f, b, off, end);
        break;
      case Layer.ICMPv4:
        step = icmpv4(f, b, off, end);
        break;
      case Layer.ICMPv6:
        step = icmpv6(f, b, off, end);
        break;
      case Layer.ARP:
        step = link.arp(f, b, off, end);
        break;
      case Layer.MPLS:
        step = link.mpls(f, b, off, end);
        break;
      case MPLS_GUESS:
        step = link.mplsGuess(f, b, off, end);
        break;
      case Layer.GRE:
        step = gre(f, b, off, end);
        break;
      case Layer.VXLAN:
        step = vxlan(f, b, off, end);
        break;
      case Layer.Geneve:
        step = geneve(f, b, off, end);
        break;
      case Layer.GTPv1U:
        step = gtpv1u(f, b, off, end);
        break;
      case Layer.IPSecAH:
        step = ipsecAh(f, b, off, end);
        break;
      case Layer.IPSecESP:
        step = ipsecEsp(f, b, off, end);
        break;
      case Layer.UDPLite:
        step = udpLite(f, b, off, end);
        break;
      case Layer.EtherIP:
        step = link.etherIp(f, b, off, end);
        break;
      case Layer.EAPOL:
        step = link.eapol(f, b, off, end);
        break;
      case Layer.PPPoE:
        step = link.pppoe(f, b, off, end);
        break;
      case Layer.CiscoDiscovery:
        step = link.cdp(f, b, off, end);
        break;
      case Layer.PPP:
        step = link.ppp(f, b, off, end);
        break;
      case Layer.ERSPANII:
        step = link.erspan2(f, b, off, end);
        break;
      case Layer.SCTP:
        step = sctp(f, b, off, end);
        break;
      case SCTP_CHUNK:
        step = sctpChunk(f, b, off, end);
        break;
      case Layer.LinuxSLL:
        step = link.linuxSll(f, b, off, end);
        break;
      case Layer.Loopback:
        step = link.loopback(f, b, off, end);
        break;
      case IP_ANY:
        step = ipAny(f, b, off, end);
        break;
      case Layer.LLC:
        step = link.llc(f, b, off, end);
        break;
      case Layer.SNAP:
        step = link.snap(f, b, off, end);
        break;
      case Layer.STP:
        step = link.stp(f, b, off, end);
        break;
      case Layer.LinkLayerDiscovery:
        step = link.lldp(f, b, off, end);
        break;
      case Layer.IPv6HopByHop:
      case Layer.IPv6Routing:
      case Layer.IPv6Destination:
        step = ipv6Extension(f, b, off, end, step);
        break;
      case Layer.IPv6Fragment:
        step = ipv6Fragment(f, b, off, end);
        break;
      case Layer.DNS:
      case Layer.DHCPv4:
      case Layer.VRRPv2:
      case Layer.NTP:
      case Layer.IGMP:
      case Layer.DHCPv6:
      case Layer.BFD:
      case Layer.SIP:
        step = appLayer(f, b, off, end, step);
        break;
      case Layer.Fragment:
        if (defrag !== null && f.types[f.count - 1] === Layer.IPv4 && isFirstIPv4(f)) {
          const ip = f.offsets[f.count - 1]!;
          if ((b[ip + 6]! & 0x40) === 0) {
            const r = defrag.add(b, linkStart, ip, off, end, now);
            if (r === DefragResult.Held) {
              f.fragment = FragmentState.Held;
              return void link.fragment(f, b, off, end);
            }
            if (r === DefragResult.Refused) {
              f.fragment = FragmentState.Refused;
              f.error = DecodeError.FragmentError;
              return;
            }
            b = defrag.output;
            f.buffer = b;
            for (let k = 0; k < f.count; k++) f.offsets[k] = f.offsets[k]! - linkStart;
            f.fragment = FragmentState.Reassembled;
            f.ipFragments = defrag.held;
            f.ipFragmentErrors = defrag.errors;
            off = defrag.payloadOffset;
            end = off + defrag.payloadLength;
            for (let k = 0; k < f.count; k++) f.lengths[k] = end - f.offsets[k]!;
            link.fragment(f, b, off, end);
            f.headerLengths[f.count - 1] = 0;
            step = IP_STEP[b[ip - linkStart + 9]!]!;
            continue;
          }
        }
        if (off >= end) return; // an empty fragment payload: no Fragment layer (gopacket)
        step = link.fragment(f, b, off, end);
        break;
      case Layer.ICMPv6Echo:
      case Layer.ICMPv6RouterSolicitation:
      case Layer.ICMPv6RouterAdvertisement:
      case Layer.ICMPv6NeighborSolicitation:
      case Layer.ICMPv6NeighborAdvertisement:
      case Layer.ICMPv6Redirect:
      case Layer.MLDv1MulticastListenerQuery:
      case Layer.MLDv2MulticastListenerQuery:
      case Layer.MLDv1MulticastListenerDone:
      case Layer.MLDv1MulticastListenerReport:
      case Layer.MLDv2MulticastListenerReport:
        step = icmpv6Message(f, b, off, end, step);
        break;
      default:
        f.error = DecodeError.Unsupported;
        return;
    }
    off = cur.off;
    end = cur.end;
  }
}

/** True when the last layer is the frame's first IPv4 layer (Skydive defragments only that one). */
function isFirstIPv4(f: DecodedFrame): boolean {
  for (let k = 0; k < f.count - 1; k++) if (f.types[k] === Layer.IPv4) return false;
  return true;
}

/**
 * Decodes frames into DecodedFrames. Holds what outlives one packet: the UDP port table built from the
 * options, the IPv4 reassembler (with ipDefrag) and the counters. One per capture / flow table.
 */
export class FrameDecoder {
  readonly stats: DecodeStats = { packets: 0, errors: new Float64Array(8), truncated: 0 };
  /** The reassembler when ipDefrag is on (its stats count fragments, errors, expiries). */
  readonly defrag: Ipv4Reassembler | null;
  private readonly ports: Uint8Array;

  constructor(readonly options: FrameDecoderOptions = { extraLayers: 0, ipDefrag: false }) {
    this.ports = options.mplsUdpPorts?.length ? udpPortTable(options.mplsUdpPorts) : DEFAULT_PORTS;
    this.defrag = options.ipDefrag
      ? new Ipv4Reassembler(options.defragMaxDatagrams, options.defragTimeoutMicros)
      : null;
  }

  /**
   * Decodes one frame of `linkType` into `out` (overwritten). `timestampMicros` (capture time) ages
   * partial datagrams. When a fragment completes a datagram, `out.buffer` is the reassembler's buffer,
   * valid until the next call.
   */
  decode(linkType: number, data: Uint8Array, out: DecodedFrame, timestampMicros = 0): void {
    this.decodeAt(linkType, data, 0, data.length, out, timestampMicros);
  }

  /**
   * Decodes the frame at data[start, end) without making a view of it: layer offsets are then
   * relative to `data` itself (`out.buffer === data`, layer 0 at `start`).
   */
  decodeAt(
    linkType: number,
    data: Uint8Array,
    start: number,
    end: number,
    out: DecodedFrame,
    timestampMicros = 0,
  ): void {
    resetFrame(out, data);
    if (end <= start) out.error = DecodeError.Truncated;
    else {
      const step = firstStep(linkType);
      walk(out, data, step, start, end, start, this.ports, this.defrag, timestampMicros);
    }
    const s = this.stats;
    s.packets++;
    s.errors[out.error]!++;
    if (out.truncated) s.truncated++;
  }

  /**
   * decodeAt() of an Ethernet frame, done without the generic walk when the frame is
   * Ethernet/IPv4/(TCP|UDP|ICMPv4) and decodes cleanly (see decodeSimple): returns true with `out`
   * exactly as decodeAt() leaves it, or false with nothing counted (then call decodeAt()).
   */
  decodeSimpleAt(data: Uint8Array, start: number, end: number, out: DecodedFrame): boolean {
    if (!decodeSimple(out, data, start, end, this.ports)) return false;
    this.stats.packets++;
    this.stats.errors[DecodeError.None]!++;
    return true;
  }

  /**
   * Decodes every packet of a batch into `frame` (reused) and calls `each(i, frame)` after each one.
   * The frame's buffer is the batch buffer itself (layer 0 at `batch.offsets[i]`), or the reassembler's
   * when a datagram completed: copy what must outlive the call.
   */
  decodeBatch(
    batch: PacketBatch,
    frame: DecodedFrame,
    each: (i: number, frame: DecodedFrame) => void,
  ): void {
    const { buffer, offsets, capLens, timestamps, linkType } = batch;
    for (let i = 0; i < batch.count; i++) {
      const start = offsets[i]!;
      this.decodeAt(linkType, buffer, start, start + capLens[i]!, frame, timestamps[i]!);
      each(i, frame);
    }
  }
}

const stateless = new FrameDecoder();

/**
 * Decodes one frame without IPv4 reassembly (`opts.ipDefrag` needs a FrameDecoder, which keeps the
 * partial datagrams); see FrameDecoder.decode.
 */
export function decodeFrame(
  linkType: number,
  data: Uint8Array,
  out: DecodedFrame,
  opts?: DecodeOptions,
): void {
  if (opts?.ipDefrag)
    throw new TypeError('decodeFrame: ipDefrag needs a FrameDecoder (it keeps state)');
  stateless.decode(linkType, data, out);
}
