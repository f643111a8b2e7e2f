// SPDX-License-Identifier: Apache-2.0
// One encapsulation level of a decoded frame (flow-ids.md §1) and its flow key bytes (§2–§4): the
// exact XXH64 input, written into a reusable scratch buffer, which also serves as the table key.

import { Layer, type DecodedFrame } from '../decode/layers.js';
import type { FlowEntry } from './entry.js';

/** Endpoint type codes of the key records (gopacket EndpointType values). */
const T_IPV4 = 1;
const T_IPV6 = 2;
const T_MAC = 3;
const T_TCP = 4;
const T_UDP = 5;
const T_SCTP = 6;

/** Skydive's flow ICMP type (ICMPType enum) of an ICMPv4 type. */
export function icmpv4FlowType(t: number): number {
  switch (t) {
    case 0:
    case 8:
      return 2; // ECHO
    case 17:
    case 18:
      return 4; // ADDRESS_MASK
    case 3:
      return 1; // DESTINATION_UNREACHABLE
    case 15:
    case 16:
      return 5; // INFO
    case 12:
      return 6; // PARAMETER_PROBLEM
    case 5:
      return 7; // REDIRECT
    case 9:
    case 10:
      return 8; // ROUTER
    case 4:
      return 9; // SOURCE_QUENCH
    case 11:
      return 10; // TIME_EXCEEDED
    case 13:
    case 14:
      return 11; // TIMESTAMP
    default:
      return 0;
  }
}

/** Skydive's flow ICMP type of an ICMPv6 type. */
export function icmpv6FlowType(t: number): number {
  switch (t) {
    case 128:
    case 129:
      return 2; // ECHO
    case 135:
    case 136:
      return 3; // NEIGHBOR
    case 1:
      return 1; // DESTINATION_UNREACHABLE
    case 2:
      return 12; // PACKET_TOO_BIG
    case 4:
      return 6; // PARAMETER_PROBLEM
    case 137:
      return 7; // REDIRECT
    case 133:
    case 134:
      return 8; // ROUTER
    case 3:
      return 10; // TIME_EXCEEDED
    default:
      return 0;
  }
}

/** Layer indices of one sub-packet (−1 when absent). Reused: locate() overwrites every field. */
export class SubPacket {
  from = 0;
  to = 0;
  /** First sub-packet of the frame (its key uses the frame's first network/transport layers). */
  outer = true;
  /** Bytes this level accounts for (flow-ids.md §7 "Byte length"). */
  length = 0;
  eth = -1;
  /** First IPv4, else first IPv6, of this level (flow fields, counters). */
  net = -1;
  /** Network layer of the key (the frame's first for the outermost level). */
  keyNet = -1;
  /** Transport layer of the key: first UDP, else TCP, else SCTP. */
  keyTrans = -1;
  tcp = -1;
  udp = -1;
  sctp = -1;
  icmp4 = -1;
  icmp6 = -1;
  icmp6echo = -1;

  /**
   * The layers of a whole frame that decodeSimple() decoded: Ethernet, IPv4, then TCP, UDP or
   * ICMPv4 at index 2 (what locate(f, 0, f.count, true) finds for it, without the search).
   */
  locateSimple(f: DecodedFrame): void {
    const t = f.types[2];
    this.from = 0;
    this.to = f.count;
    this.outer = true;
    this.eth = 0;
    this.net = 1;
    this.keyNet = 1;
    this.tcp = t === Layer.TCP ? 2 : -1;
    this.udp = t === Layer.UDP ? 2 : -1;
    this.icmp4 = t === Layer.ICMPv4 ? 2 : -1;
    this.keyTrans = t === Layer.ICMPv4 ? -1 : 2;
    this.sctp = -1;
    this.icmp6 = -1;
    this.icmp6echo = -1;
  }

  /** Finds the layers of [from, to) in `f`. */
  locate(f: DecodedFrame, from: number, to: number, outer: boolean): void {
    this.from = from;
    this.to = to;
    this.outer = outer;
    let eth = -1,
      ip4 = -1,
      ip6 = -1,
      tcp = -1,
      udp = -1,
      sctp = -1,
      icmp4 = -1,
      icmp6 = -1,
      echo = -1;
    const types = f.types;
    for (let k = from; k < to; k++) {
      switch (types[k]) {
        case Layer.Ethernet:
          if (eth < 0) eth = k;
          break;
        case Layer.IPv4:
          if (ip4 < 0) ip4 = k;
          break;
        case Layer.IPv6:
          if (ip6 < 0) ip6 = k;
          break;
        case Layer.TCP:
          if (tcp < 0) tcp = k;
          break;
        case Layer.UDP:
          if (udp < 0) udp = k;
          break;
        case Layer.SCTP:
          if (sctp < 0) sctp = k;
          break;
        case Layer.ICMPv4:
          if (icmp4 < 0) icmp4 = k;
          break;
        case Layer.ICMPv6:
          if (icmp6 < 0) icmp6 = k;
          break;
        case Layer.ICMPv6Echo:
          if (echo < 0) echo = k;
          break;
      }
    }
    this.eth = eth;
    this.net = ip4 >= 0 ? ip4 : ip6;
    this.tcp = tcp;
    this.udp = udp;
    this.sctp = sctp;
    this.icmp4 = icmp4;
    this.icmp6 = icmp6;
    this.icmp6echo = echo;
    if (!outer || to === f.count) {
      this.keyNet = this.net;
      this.keyTrans = udp >= 0 ? udp : tcp >= 0 ? tcp : sctp;
    } else {
      // Quirk (flow-ids.md §1): the outermost level keys on the frame's first layers.
      let n4 = -1,
        n6 = -1,
        u = -1,
        t = -1,
        s = -1;
      for (let k = 0; k < f.count; k++) {
        const ty = types[k];
        if (ty === Layer.IPv4 && n4 < 0) n4 = k;
        else if (ty === Layer.IPv6 && n6 < 0) n6 = k;
        else if (ty === Layer.UDP && u < 0) u = k;
        else if (ty === Layer.TCP && t < 0) t = k;
        else if (ty === Layer.SCTP && s < 0) s = k;
      }
      this.keyNet = n4 >= 0 ? n4 : n6;
      this.keyTrans = u >= 0 ? u : t >= 0 ? t : s;
    }
  }
}

/** The bytes of a flow key and where the L3 and L2 digests are read. */
export class KeyScratch {
  readonly bytes = new Uint8Array(256);
  len = 0;
  l3Len = 0;
  l2Len = 0;
  swap = false;
}

const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** Writes the ASCII hex of a 64-bit value without leading zeros (the UUID text) at p; returns the end. */
export function writeHex64(o: Uint8Array, p: number, hi: number, lo: number): number {
  let started = false;
  for (let shift = 28; shift >= 0; shift -= 4) {
    const d = (hi >>> shift) & 0xf;
    if (d !== 0 || started) {
      o[p++] = HEX_DIGITS[d] as number;
      started = true;
    }
  }
  for (let shift = 28; shift >= 0; shift -= 4) {
    const d = (lo >>> shift) & 0xf;
    if (d !== 0 || started || shift === 0) {
      o[p++] = HEX_DIGITS[d] as number;
      started = true;
    }
  }
  return p;
}

/** Compares b[p, p+n) with b[q, q+n) as unsigned bytes: <0, 0, >0. */
function cmpBytes(b: Uint8Array, p: number, q: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = (b[p + i] as number) - (b[q + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Writes the 8-byte big-endian endpoint type (< 256) at p; returns p + 8. */
function putType(o: Uint8Array, p: number, t: number): number {
  o[p] = 0;
  o[p + 1] = 0;
  o[p + 2] = 0;
  o[p + 3] = 0;
  o[p + 4] = 0;
  o[p + 5] = 0;
  o[p + 6] = 0;
  o[p + 7] = t;
  return p + 8;
}

/** VNI of the VXLAN or Geneve layer at index k (both keep it in header bytes 4..6). */
export function tunnelVNI(f: DecodedFrame, k: number): number {
  const b = f.buffer;
  const o = f.offsets[k] as number;
  return ((b[o + 4] as number) << 16) | ((b[o + 5] as number) << 8) | (b[o + 6] as number);
}

/** GRE key of the GRE layer at index k (0 without the K flag). */
export function greKey(f: DecodedFrame, k: number): number {
  const b = f.buffer;
  const o = f.offsets[k] as number;
  const flags = b[o] as number;
  if ((flags & 0x20) === 0) return 0;
  const p = o + 4 + (flags & 0xc0 ? 4 : 0);
  if (p + 4 > o + (f.headerLengths[k] as number)) return 0;
  return (
    (((b[p] as number) << 24) |
      ((b[p + 1] as number) << 16) |
      ((b[p + 2] as number) << 8) |
      (b[p + 3] as number)) >>>
    0
  );
}

/**
 * Writes the key bytes of sub-packet `sp` (flow-ids.md §3–§4) into `ks`, ending with the parent
 * UUID's ASCII bytes. `l2Mode` is the L2 layer key mode. Returns false when the level has neither a
 * link nor a network layer (Skydive makes no flow of it).
 */
export function buildKey(
  f: DecodedFrame,
  sp: SubPacket,
  l2Mode: boolean,
  parent: FlowEntry | null,
  ks: KeyScratch,
): boolean {
  const b = f.buffer;
  const o = ks.bytes;
  const eth = sp.eth;
  const net = sp.keyNet;
  if (eth < 0 && net < 0) return false;
  const ethOff = eth >= 0 ? (f.offsets[eth] as number) : 0;
  const netIs4 = net >= 0 && f.types[net] === Layer.IPv4;
  const netOff = net >= 0 ? (f.offsets[net] as number) + (netIs4 ? 12 : 8) : 0;
  const addrLen = netIs4 ? 4 : 16;
  const tr = sp.keyTrans;
  const trOff = tr >= 0 ? (f.offsets[tr] as number) : 0;
  const lastType = f.types[sp.to - 1];
  const tunnelTransport =
    tr >= 0 && f.types[tr] === Layer.UDP && (lastType === Layer.VXLAN || lastType === Layer.Geneve);

  // §3 swap decision
  let swap = false;
  let fromNetwork = true;
  if ((l2Mode && eth >= 0) || net < 0) {
    fromNetwork = false;
    const c = cmpBytes(b, ethOff + 6, ethOff, 6); // src vs dst
    swap = c > 0;
    if (c === 0 && net >= 0) fromNetwork = true;
  }
  if (fromNetwork) {
    const c = cmpBytes(b, netOff, netOff + addrLen, addrLen);
    swap = c > 0;
    if (c === 0 && tr >= 0) {
      if (tunnelTransport) {
        // unswapped tunnel record: VNI (4 bytes) vs destination port (2 bytes)
        const vni = tunnelVNI(f, sp.to - 1);
        const port = ((b[trOff + 2] as number) << 8) | (b[trOff + 3] as number);
        const v0 = vni >>> 24;
        const v1 = (vni >>> 16) & 0xff;
        swap =
          v0 !== port >>> 8 ? v0 > port >>> 8 : v1 !== (port & 0xff) ? v1 > (port & 0xff) : true;
      } else swap = cmpBytes(b, trOff, trOff + 2, 2) > 0;
    }
  }
  ks.swap = swap;

  // §4 records
  let p = 0;
  if (net >= 0) {
    const first = swap ? netOff + addrLen : netOff;
    const second = swap ? netOff : netOff + addrLen;
    for (let i = 0; i < addrLen; i++) o[p++] = b[first + i] as number;
    for (let i = 0; i < addrLen; i++) o[p++] = b[second + i] as number;
    p = putType(o, p, netIs4 ? T_IPV4 : T_IPV6);
  }
  if (tr >= 0) {
    if (tunnelTransport) {
      const vni = tunnelVNI(f, sp.to - 1);
      o[p++] = 0;
      o[p++] = vni >>> 16;
      o[p++] = (vni >>> 8) & 0xff;
      o[p++] = vni & 0xff;
      o[p++] = b[trOff + 2] as number;
      o[p++] = b[trOff + 3] as number;
      p = putType(o, p, 0);
    } else {
      const s = swap ? trOff + 2 : trOff;
      const d = swap ? trOff : trOff + 2;
      o[p++] = b[s] as number;
      o[p++] = b[s + 1] as number;
      o[p++] = b[d] as number;
      o[p++] = b[d + 1] as number;
      const ty = f.types[tr];
      p = putType(o, p, ty === Layer.UDP ? T_UDP : ty === Layer.TCP ? T_TCP : T_SCTP);
    }
  }
  if (sp.icmp4 >= 0) {
    const io = f.offsets[sp.icmp4] as number;
    o[p++] = icmpv4FlowType(b[io] as number);
    o[p++] = b[io + 1] as number;
    o[p++] = b[io + 4] as number;
    o[p++] = b[io + 5] as number;
    p = putType(o, p, 0);
  } else if (sp.icmp6echo >= 0) {
    const io = f.offsets[sp.icmp6echo] as number;
    o[p++] = 2;
    o[p++] = 0;
    o[p++] = b[io] as number;
    o[p++] = b[io + 1] as number;
    p = putType(o, p, 0);
  } else if (sp.icmp6 >= 0) {
    const io = f.offsets[sp.icmp6] as number;
    o[p++] = icmpv6FlowType(b[io] as number);
    o[p++] = b[io + 1] as number;
    o[p++] = 0;
    o[p++] = 0;
    p = putType(o, p, 0);
  }
  ks.l3Len = p;
  if (eth >= 0 && ((l2Mode && eth >= 0) || net < 0)) {
    const first = swap ? ethOff : ethOff + 6;
    const second = swap ? ethOff + 6 : ethOff;
    for (let i = 0; i < 6; i++) o[p++] = b[first + i] as number;
    for (let i = 0; i < 6; i++) o[p++] = b[second + i] as number;
    p = putType(o, p, T_MAC);
  }
  ks.l2Len = p;
  if (parent !== null) p = writeHex64(o, p, parent.uHi, parent.uLo);
  ks.len = p;
  return true;
}
