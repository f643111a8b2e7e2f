// SPDX-License-Identifier: Apache-2.0
// Header fields the flow table reads straight from the frame buffer at a layer's offset (no objects).
// Each accessor takes the frame and the layer index k; the table of offsets is in docs/flows.md.
import { u16, u24, u32 } from './bytes.js';
import { Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';

/** Byte offset of layer k in frame.buffer. */
function at(f: DecodedFrame, k: number): number {
  return f.offsets[k]!;
}

/**
 * Where the source address of layer k starts in frame.buffer (Ethernet: MAC at +6, IPv4: +12,
 * IPv6: +8, ARP: sender protocol address), or -1 for a layer without addresses.
 */
export function srcAddressOffset(f: DecodedFrame, k: number): number {
  const o = at(f, k);
  switch (f.types[k]) {
    case Layer.Ethernet:
      return o + 6;
    case Layer.IPv4:
      return o + 12;
    case Layer.IPv6:
      return o + 8;
    case Layer.ARP:
      return o + 8 + f.buffer[o + 4]!;
    default:
      return -1;
  }
}

/** Where the destination address of layer k starts (Ethernet +0, IPv4 +16, IPv6 +24, ARP target protocol address), or -1. */
export function dstAddressOffset(f: DecodedFrame, k: number): number {
  const o = at(f, k);
  switch (f.types[k]) {
    case Layer.Ethernet:
      return o;
    case Layer.IPv4:
      return o + 16;
    case Layer.IPv6:
      return o + 24;
    case Layer.ARP:
      return o + 8 + 2 * f.buffer[o + 4]! + f.buffer[o + 5]!;
    default:
      return -1;
  }
}

/** Address length of layer k: 6 (Ethernet), 4 (IPv4), 16 (IPv6), ARP's protocol address size, else 0. */
export function addressLength(f: DecodedFrame, k: number): number {
  switch (f.types[k]) {
    case Layer.Ethernet:
      return 6;
    case Layer.IPv4:
      return 4;
    case Layer.IPv6:
      return 16;
    case Layer.ARP:
      return f.buffer[at(f, k) + 5]!;
    default:
      return 0;
  }
}

/** Source port of a TCP, UDP or SCTP layer. */
export function srcPort(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k));
}

/** Destination port of a TCP, UDP or SCTP layer. */
export function dstPort(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k) + 2);
}

/** EtherType of an Ethernet layer (or its 802.3 length when below 0x600). */
export function etherType(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k) + 12);
}

/** VLAN identifier (12 bits) of a Dot1Q layer. */
export function vlanId(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k)) & 0xfff;
}

/**
 * Skydive's Link ID of layers [from, to): the VLAN IDs packed 12 bits each, the outermost tag in the
 * lowest bits (tags 8, 10, 20, 30 from the outside give 30<<36 | 20<<24 | 10<<12 | 8); 0 without tags.
 */
export function linkId(f: DecodedFrame, from = 0, to = f.count): number {
  let id = 0;
  for (let k = to - 1; k >= from; k--)
    if (f.types[k] === Layer.Dot1Q) id = id * 4096 + vlanId(f, k);
  return id;
}

/** 24-bit VNI of a VXLAN or Geneve layer. */
export function vni(f: DecodedFrame, k: number): number {
  return u24(f.buffer, at(f, k) + 4);
}

/** GRE key of a GRE layer (0 when the K flag is clear). */
export function greKey(f: DecodedFrame, k: number): number {
  const o = at(f, k);
  const flags = f.buffer[o]!;
  if ((flags & 0x20) === 0) return 0;
  return u32(f.buffer, o + 4 + ((flags & 0xc0) !== 0 ? 4 : 0));
}

/**
 * Skydive's Network ID of layers [from, to): the VNI or GRE key of the innermost VXLAN, GRE or
 * Geneve layer among them, else 0.
 */
export function networkId(f: DecodedFrame, from = 0, to = f.count): number {
  for (let k = to - 1; k >= from; k--) {
    const t = f.types[k];
    if (t === Layer.VXLAN || t === Layer.Geneve) return vni(f, k);
    if (t === Layer.GRE) return greKey(f, k);
  }
  return 0;
}

/** MPLS label (20 bits) of an MPLS layer. */
export function mplsLabel(f: DecodedFrame, k: number): number {
  return u24(f.buffer, at(f, k)) >>> 4;
}

/** IPv4 TTL or IPv6 hop limit. */
export function ipTtl(f: DecodedFrame, k: number): number {
  return f.buffer[at(f, k) + (f.types[k] === Layer.IPv4 ? 8 : 7)]!;
}

/**
 * gopacket's Length of an IP layer, the L3 byte count Skydive's metrics use: IPv4 Total Length (when
 * 0, as TCP segmentation offload leaves it, the captured length of the layer, as gopacket does) or
 * IPv6 Payload Length (the 40-byte header not included).
 */
export function ipLength(f: DecodedFrame, k: number): number {
  const o = at(f, k);
  if (f.types[k] !== Layer.IPv4) return u16(f.buffer, o + 4);
  return u16(f.buffer, o + 2) || f.lengths[k]!;
}

/** IPv4 protocol or IPv6 next header. */
export function ipProtocol(f: DecodedFrame, k: number): number {
  return f.buffer[at(f, k) + (f.types[k] === Layer.IPv4 ? 9 : 6)]!;
}

/** TCP flag byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80). */
export function tcpFlags(f: DecodedFrame, k: number): number {
  return f.buffer[at(f, k) + 13]!;
}

/** TCP sequence number. */
export function tcpSeq(f: DecodedFrame, k: number): number {
  return u32(f.buffer, at(f, k) + 4);
}

/** TCP acknowledgment number. */
export function tcpAck(f: DecodedFrame, k: number): number {
  return u32(f.buffer, at(f, k) + 8);
}

/** TCP payload length (bytes after the header up to the end of the layer). */
export function tcpPayloadLength(f: DecodedFrame, k: number): number {
  return f.lengths[k]! - f.headerLengths[k]!;
}

/**
 * Finds TCP option `kind` (e.g. 2 MSS, 3 window scale, 8 timestamps) in layer k; returns the offset
 * of its first data byte in frame.buffer, or -1. Options are only walked when asked.
 */
export function tcpOption(f: DecodedFrame, k: number, kind: number): number {
  const b = f.buffer;
  const end = at(f, k) + f.headerLengths[k]!;
  for (let o = at(f, k) + 20; o < end; ) {
    const t = b[o]!;
    if (t === 0) return -1;
    if (t === 1) {
      o++;
      continue;
    }
    if (t === kind) return o + 2;
    o += Math.max(2, b[o + 1]!);
  }
  return -1;
}

/** ICMPv4 / ICMPv6 type. */
export function icmpType(f: DecodedFrame, k: number): number {
  return f.buffer[at(f, k)]!;
}

/** ICMPv4 / ICMPv6 code. */
export function icmpCode(f: DecodedFrame, k: number): number {
  return f.buffer[at(f, k) + 1]!;
}

/**
 * Echo identifier: of an ICMPv4 layer (bytes 4-5, whatever the type, as gopacket reads it) or of an
 * ICMPv6Echo layer (bytes 0-1).
 */
export function icmpId(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k) + (f.types[k] === Layer.ICMPv4 ? 4 : 0));
}

/** Echo sequence number (ICMPv4 bytes 6-7, ICMPv6Echo bytes 2-3). */
export function icmpSeq(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k) + (f.types[k] === Layer.ICMPv4 ? 6 : 2));
}

/** IPv4 identification, fragment offset (in bytes) and More Fragments of an IPv4 layer. */
export function ipv4Id(f: DecodedFrame, k: number): number {
  return u16(f.buffer, at(f, k) + 4);
}

/** IPv4 fragment offset in bytes. */
export function ipv4FragmentOffset(f: DecodedFrame, k: number): number {
  return (u16(f.buffer, at(f, k) + 6) & 0x1fff) * 8;
}

/** True when the IPv4 More Fragments flag is set. */
export function ipv4MoreFragments(f: DecodedFrame, k: number): boolean {
  return (f.buffer[at(f, k) + 6]! & 0x20) !== 0;
}
