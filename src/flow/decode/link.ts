// SPDX-License-Identifier: Apache-2.0
// Link-level steps of the layer walk: Ethernet, 802.1Q/QinQ, Linux SLL, BSD loopback, LLC/SNAP/STP,
// LLDP, CDP, ARP, MPLS (with Skydive's IPv4/IPv6/Ethernet payload guess), ERSPAN II, EAPOL, EtherIP,
// PPPoE and PPP.
import { DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { u16 } from './bytes.js';
import { cur, ETHER_STEP, fail, MPLS_GUESS, push, short, STOP, UNKNOWN } from './steps.js';

/** Ethernet II or 802.3 (type field below 0x600 is a length: the payload is LLC, cut to it). */
export function ethernet(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 14) return short(f);
  const type = u16(b, off + 12);
  let payEnd = end;
  let next: number;
  if (type < 0x600) {
    if (end - off - 14 > type) payEnd = off + 14 + type;
    else if (end - off - 14 < type) f.truncated = true;
    next = Layer.LLC;
  } else next = ETHER_STEP[type]!;
  push(f, Layer.Ethernet, off, payEnd - off, 14);
  cur.off = off + 14;
  cur.end = payEnd;
  return next;
}

/** 802.1Q tag (also 0x88a8 and 0x9100): TCI then the inner EtherType. */
export function dot1q(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return short(f);
  push(f, Layer.Dot1Q, off, end - off, 4);
  cur.off = off + 4;
  cur.end = end;
  return ETHER_STEP[u16(b, off + 2)]!;
}

/** Linux cooked capture header (16 bytes, EtherType at 14). */
export function linuxSll(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 16) return short(f);
  push(f, Layer.LinuxSLL, off, end - off, 16);
  cur.off = off + 16;
  cur.end = end;
  return ETHER_STEP[u16(b, off + 14)]!;
}

/** BSD loopback: a 4-byte protocol family in either byte order. */
export function loopback(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return short(f);
  const family =
    b[off] === 0 && b[off + 1] === 0
      ? (b[off + 2]! << 8) | b[off + 3]!
      : b[off + 2] === 0 && b[off + 3] === 0
        ? (b[off + 1]! << 8) | b[off]!
        : 0x10000;
  if (family > 0xff) return fail(f, DecodeError.Malformed);
  push(f, Layer.Loopback, off, end - off, 4);
  cur.off = off + 4;
  cur.end = end;
  if (family === 2) return Layer.IPv4;
  if (family === 10 || family === 24 || family === 28 || family === 30) return Layer.IPv6;
  return UNKNOWN;
}

/** 802.2 LLC: 3 bytes, or 4 with an I/S-format control field; then SNAP, STP or nothing known. */
export function llc(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 3) return fail(f, DecodeError.Truncated, true);
  const control = b[off + 2]!;
  const hdr = (control & 1) === 0 || (control & 3) === 1 ? 4 : 3;
  if (end - off < hdr) return short(f);
  push(f, Layer.LLC, off, end - off, hdr);
  cur.off = off + hdr;
  cur.end = end;
  const dsap = b[off]! & 0xfe;
  const ssap = b[off + 1]! & 0xfe;
  if (dsap === 0xaa && ssap === 0xaa) return Layer.SNAP;
  if (dsap === 0x42 && ssap === 0x42) return Layer.STP;
  return UNKNOWN;
}

/** SNAP: 3-byte OUI then an EtherType. */
export function snap(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 5) return short(f);
  push(f, Layer.SNAP, off, end - off, 5);
  cur.off = off + 5;
  cur.end = end;
  return ETHER_STEP[u16(b, off + 3)]!;
}

/** Spanning tree BPDU: kept whole, nothing after it. */
export function stp(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  push(f, Layer.STP, off, end - off, end - off);
  return STOP;
}

/**
 * LLDP: the TLV list must hold chassis ID, port ID, TTL and End (as gopacket requires); then both
 * gopacket layers, LinkLayerDiscovery (the TLVs) and LinkLayerDiscoveryInfo (empty, at the end).
 */
export function lldp(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  let o = off;
  let tlvs = 0;
  let chassis = false;
  let port = false;
  let gotEnd = false;
  while (o < end) {
    if (end - o < 2) return short(f);
    const type = b[o]! >> 1;
    const len = ((b[o]! & 1) << 8) | b[o + 1]!;
    if (o + 2 + len > end) return fail(f, DecodeError.Malformed, true);
    tlvs++;
    if (type === 0) {
      gotEnd = true;
      break;
    }
    if ((type === 1 || type === 2 || type === 3) && len < 2) return fail(f, DecodeError.Malformed);
    if (type === 1) chassis = b[o + 2] !== 0;
    if (type === 2) port = b[o + 2] !== 0;
    o += 2 + len;
  }
  if (tlvs < 4 || !chassis || !port || !gotEnd) return fail(f, DecodeError.Malformed);
  if (f.count + 2 > f.types.length) return fail(f, DecodeError.TooManyLayers);
  push(f, Layer.LinkLayerDiscovery, off, end - off, end - off);
  push(f, Layer.LinkLayerDiscoveryInfo, end, 0, 0);
  return STOP;
}

/** ARP: 8 bytes then sender/target hardware and protocol addresses of the sizes it announces. */
export function arp(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  const hdr = 8 + 2 * (b[off + 4]! + b[off + 5]!);
  if (end - off < hdr) return short(f);
  push(f, Layer.ARP, off, end - off, hdr);
  cur.off = off + hdr;
  cur.end = end;
  return Layer.Payload;
}

/** One MPLS label stack entry; the bottom one (S bit) hands over to MPLS_GUESS. */
export function mpls(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return short(f);
  push(f, Layer.MPLS, off, end - off, 4);
  cur.off = off + 4;
  cur.end = end;
  return (b[off + 2]! & 1) === 1 ? MPLS_GUESS : Layer.MPLS;
}

/**
 * What follows the bottom MPLS label (Skydive replaces gopacket's guess): a version nibble of 4 or 6
 * whose header decodes is IP, anything else Ethernet.
 */
export function mplsGuess(_f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  cur.off = off;
  cur.end = end;
  const v = b[off]! >> 4;
  const avail = end - off;
  if (v === 4 && avail >= 20) {
    const ihl = b[off]! & 15;
    const total = u16(b, off + 2) || avail;
    if (ihl >= 5 && total >= 20 && ihl * 4 <= total && ihl * 4 <= avail) return Layer.IPv4;
  } else if (v === 6 && avail >= 40 && (u16(b, off + 4) !== 0 || b[off + 6] === 0)) {
    return Layer.IPv6;
  }
  return Layer.Ethernet;
}

/** ERSPAN type II: an 8-byte header (invisible in Skydive's LayersPath) then Ethernet. */
export function erspan2(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  push(f, Layer.ERSPANII, off, end - off, 8);
  cur.off = off + 8;
  cur.end = end;
  return Layer.Ethernet;
}

/** Payload nobody decodes (kept as a layer when not empty). */
export function payload(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end > off) push(f, Layer.Payload, off, end - off, end - off);
  return STOP;
}

/** The payload of an IPv4 fragment that is not reassembled, or of an IPv6 fragment. */
export function fragment(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  push(f, Layer.Fragment, off, end - off, end - off);
  return STOP;
}

/** EAPOL: 4 bytes; gopacket then decodes EAP (type 0) or EAPOL-Key (3), which is not done here. */
export function eapol(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return short(f);
  push(f, Layer.EAPOL, off, end - off, 4);
  cur.off = off + 4;
  cur.end = end;
  return UNKNOWN;
}

/** EtherIP: a 2-byte header, then Ethernet. */
export function etherIp(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 2) return short(f);
  push(f, Layer.EtherIP, off, end - off, 2);
  cur.off = off + 2;
  cur.end = end;
  return Layer.Ethernet;
}

/** PPPoE: 6 bytes and a Length that must fit; only a session packet (code 0) carries PPP. */
export function pppoe(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 6) return short(f);
  const len = u16(b, off + 4);
  if (6 + len > end - off) return short(f);
  push(f, Layer.PPPoE, off, 6 + len, 6);
  cur.off = off + 6;
  cur.end = off + 6 + len;
  return b[off + 1] === 0 ? Layer.PPP : UNKNOWN;
}

/** PPP: an optional ff 03 address/control, a 1- or 2-byte protocol (IPv4, IPv6, MPLS). */
export function ppp(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const avail = end - off;
  if (avail < 2) return short(f);
  let o = b[off] === 0xff && b[off + 1] === 0x03 ? 2 : 0;
  if (avail <= o) return short(f);
  let proto: number;
  if ((b[off + o]! & 1) === 0) {
    if (avail < o + 2) return short(f);
    if ((b[off + o + 1]! & 1) === 0) return fail(f, DecodeError.Malformed);
    proto = u16(b, off + o);
    o += 2;
  } else {
    proto = b[off + o]!;
    o += 1;
  }
  push(f, Layer.PPP, off, avail, o);
  cur.off = off + o;
  cur.end = end;
  if (proto === 0x21) return Layer.IPv4;
  if (proto === 0x57) return Layer.IPv6;
  if (proto === 0x281 || proto === 0x283) return Layer.MPLS;
  return UNKNOWN;
}

/**
 * CDP: version 1 or 2, then TLVs that must each be at least 4 bytes and fit. gopacket adds the
 * CiscoDiscovery header layer and a CiscoDiscoveryInfo layer over the TLVs (when there are any).
 */
export function cdp(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return short(f);
  if (b[off] !== 1 && b[off] !== 2) return fail(f, DecodeError.Malformed);
  for (let o = off + 4; o < end; ) {
    if (end - o < 4) return short(f);
    const len = u16(b, o + 2);
    if (len < 4) return fail(f, DecodeError.Malformed);
    if (len > end - o) return short(f);
    o += len;
  }
  push(f, Layer.CiscoDiscovery, off, end - off, 4);
  if (end > off + 4) {
    if (f.count >= f.types.length) return fail(f, DecodeError.TooManyLayers);
    push(f, Layer.CiscoDiscoveryInfo, off + 4, end - off - 4, end - off - 4);
  }
  return STOP;
}
