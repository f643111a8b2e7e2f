// SPDX-License-Identifier: Apache-2.0
// Network steps of the layer walk: IPv4 (options checked as gopacket does), IPv6 with its hop-by-hop,
// routing, fragment and destination-options headers, IPsec AH/ESP, and raw-IP link types.
import { DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { u16 } from './bytes.js';
import { cur, fail, IP_STEP, push, short, STOP, UNKNOWN } from './steps.js';

/**
 * IPv4: the layer ends at Total Length (Ethernet padding dropped); a payload shorter than it marks
 * the frame truncated and continues. A fragment (MF or offset) is followed by Fragment.
 */
export function ipv4(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const avail = end - off;
  if (avail < 20) return short(f);
  const ihl = b[off]! & 15;
  let total = u16(b, off + 2);
  if (total === 0) total = avail; // TCP segmentation offload leaves it 0
  if (total < 20 || ihl < 5 || ihl * 4 > total) {
    push(f, Layer.IPv4, off, avail, 20);
    return fail(f, DecodeError.Malformed);
  }
  let layerEnd = end;
  if (avail > total) layerEnd = off + total;
  else if (avail < total) {
    f.truncated = true;
    if (ihl * 4 > avail) {
      push(f, Layer.IPv4, off, avail, 20);
      return fail(f, DecodeError.Truncated, true);
    }
  }
  const hend = off + ihl * 4;
  for (let o = off + 20; o < hend; ) {
    const t = b[o]!;
    if (t === 0) break;
    if (t === 1) {
      o++;
      continue;
    }
    const l = hend - o < 2 ? 0 : b[o + 1]!;
    if (l <= 2 || hend - o < l) {
      push(f, Layer.IPv4, off, layerEnd - off, ihl * 4);
      return fail(f, DecodeError.Malformed);
    }
    o += l;
  }
  push(f, Layer.IPv4, off, layerEnd - off, ihl * 4);
  cur.off = hend;
  cur.end = layerEnd;
  if ((b[off + 6]! & 0x20) !== 0 || (u16(b, off + 6) & 0x1fff) !== 0) return Layer.Fragment;
  return IP_STEP[b[off + 9]!]!;
}

/** Walks the TLV options of a hop-by-hop or destination header; returns the jumbo length, -1 if none, -2 if bad. */
function tlvOptions(b: Uint8Array, o: number, end: number): number {
  let jumbo = -1;
  while (o < end) {
    const type = b[o]!;
    if (type === 0) {
      o++;
      continue;
    }
    if (end - o < 2) return -2;
    const len = b[o + 1]!;
    if (o + 2 + len > end) return -2;
    if (type === 0xc2) {
      if (len !== 4) return -2;
      jumbo = ((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0;
      if (jumbo <= 65535) return -2;
    }
    o += 2 + len;
  }
  return jumbo;
}

/**
 * IPv6: 40 bytes; a hop-by-hop header right after is part of it in gopacket (its own layer follows,
 * jumbograms honoured). The layer ends at Payload Length; less captured marks the frame truncated.
 */
export function ipv6(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const avail = end - off;
  if (avail < 40) return short(f);
  const plen = u16(b, off + 4);
  const nh = b[off + 6]!;
  let payEnd = off + 40 + plen;
  if (nh === 0) {
    const h = off + 40;
    if (end - h < 2 || end - h < (b[h + 1]! + 1) * 8) {
      push(f, Layer.IPv6, off, avail, 40);
      return fail(f, DecodeError.Truncated, true);
    }
    const hlen = (b[h + 1]! + 1) * 8;
    const jumbo = tlvOptions(b, h + 2, h + hlen);
    if (jumbo === -2 || jumbo >= 0 !== (plen === 0)) {
      push(f, Layer.IPv6, off, avail, 40);
      return fail(f, DecodeError.Malformed);
    }
    if (jumbo >= 0) payEnd = off + 40 + jumbo;
    if (payEnd > end) {
      f.truncated = true;
      payEnd = end;
    }
    if (f.count + 2 > f.types.length) return fail(f, DecodeError.TooManyLayers);
    push(f, Layer.IPv6, off, payEnd - off, 40);
    push(f, Layer.IPv6HopByHop, h, payEnd - h, hlen);
    cur.off = h + hlen;
    cur.end = payEnd;
    return IP_STEP[b[h]!]!;
  }
  if (plen === 0) {
    push(f, Layer.IPv6, off, avail, 40);
    return fail(f, DecodeError.Malformed);
  }
  if (payEnd > end) {
    f.truncated = true;
    payEnd = end;
  }
  push(f, Layer.IPv6, off, payEnd - off, 40);
  cur.off = off + 40;
  cur.end = payEnd;
  return IP_STEP[nh]!;
}

/** Hop-by-hop (not first after IPv6), routing (type 0 only, as gopacket) and destination options. */
export function ipv6Extension(
  f: DecodedFrame,
  b: Uint8Array,
  off: number,
  end: number,
  type: number,
): number {
  if (end - off < 2) return short(f);
  const hlen = (b[off + 1]! + 1) * 8;
  if (end - off < hlen) {
    if (type !== Layer.IPv6Routing) push(f, type, off, end - off, end - off);
    return fail(f, DecodeError.Truncated, true);
  }
  if (type === Layer.IPv6Routing) {
    if (end - off < 8) return short(f);
    if (b[off + 2] !== 0) return fail(f, DecodeError.Unsupported);
    if ((hlen - 8) % 16 !== 0) return fail(f, DecodeError.Malformed);
  } else if (tlvOptions(b, off + 2, off + hlen) === -2) {
    push(f, type, off, end - off, hlen);
    return fail(f, DecodeError.Malformed);
  }
  push(f, type, off, end - off, hlen);
  cur.off = off + hlen;
  cur.end = end;
  return IP_STEP[b[off]!]!;
}

/** IPv6 fragment header (8 bytes); gopacket never reassembles IPv6, the rest is a Fragment. */
export function ipv6Fragment(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  push(f, Layer.IPv6Fragment, off, end - off, 8);
  cur.off = off + 8;
  cur.end = end;
  return Layer.Fragment;
}

/** Raw IP link types: the version nibble picks IPv4 or IPv6. */
export function ipAny(_f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  cur.off = off;
  cur.end = end;
  const v = b[off]! >> 4;
  return v === 4 ? Layer.IPv4 : v === 6 ? Layer.IPv6 : UNKNOWN;
}

/** IPsec AH: 12 bytes plus the authentication data ((length + 2) * 4 in all), then the next header. */
export function ipsecAh(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 12) return short(f);
  const hlen = (b[off + 1]! + 2) * 4;
  if (end - off < hlen) return short(f);
  push(f, Layer.IPSecAH, off, end - off, hlen);
  cur.off = off + hlen;
  cur.end = end;
  return IP_STEP[b[off]!]!;
}

/** IPsec ESP: SPI and sequence (8 bytes), the rest encrypted; nothing follows. */
export function ipsecEsp(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  push(f, Layer.IPSecESP, off, end - off, end - off);
  return STOP;
}
