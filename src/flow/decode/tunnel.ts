// SPDX-License-Identifier: Apache-2.0
// Tunnel steps of the layer walk: GRE (checksum, key, sequence, routing, ack; payload by protocol
// type), VXLAN (then Ethernet) and GENEVE (options; payload by protocol type).
import { DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { u16 } from './bytes.js';
import { cur, ETHER_STEP, fail, push, short, UNKNOWN } from './steps.js';

/** Length of the GRE header at `off` (flags decide the optional words), or -1 when it runs past `end`. */
export function greHeaderLength(b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return -1;
  const f0 = b[off]!;
  let o = off + 4;
  if ((f0 & 0xc0) !== 0) o += 4; // checksum (and offset) with C or R
  if ((f0 & 0x20) !== 0) o += 4; // key
  if ((f0 & 0x10) !== 0) o += 4; // sequence
  if ((f0 & 0x40) !== 0) {
    for (;;) {
      if (end - o < 4) return -1;
      const af = u16(b, o);
      const len = b[o + 3]!;
      o += 4 + len;
      if (af === 0 && len === 0) break;
    }
  }
  if ((b[off + 1]! & 0x80) !== 0) o += 4; // acknowledgment (GRE v1)
  return o > end ? -1 : o - off;
}

/** GRE: the payload is chosen by the protocol type like an EtherType (0x6558 Ethernet, 0x88be ERSPAN II, 0x8847 MPLS). */
export function gre(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const hdr = greHeaderLength(b, off, end);
  if (hdr < 0) return short(f);
  push(f, Layer.GRE, off, end - off, hdr);
  cur.off = off + hdr;
  cur.end = end;
  return ETHER_STEP[u16(b, off + 2)]!;
}

/** VXLAN: 8 bytes (flags, 24-bit VNI at offset 4), then Ethernet. */
export function vxlan(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  push(f, Layer.VXLAN, off, end - off, 8);
  cur.off = off + 8;
  cur.end = end;
  return Layer.Ethernet;
}

/** GENEVE: 8 bytes plus options (each 4 + 4*len bytes), 24-bit VNI at offset 4, protocol at 2. */
export function geneve(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  let left = (b[off]! & 0x3f) * 4;
  if (end - off < 8 + left) return short(f);
  let o = off + 8;
  while (left > 0) {
    if (end - o < 4) return fail(f, DecodeError.Malformed);
    const len = (b[o + 3]! & 0xf) * 4 + 4;
    if (end - o < len) return fail(f, DecodeError.Malformed);
    left -= len;
    o += len;
  }
  push(f, Layer.Geneve, off, end - off, o - off);
  cur.off = o;
  cur.end = end;
  return ETHER_STEP[u16(b, off + 2)]!;
}

/**
 * GTP-U (v1): 8 bytes, 12 with sequence/N-PDU/extension flags, plus extension headers; the message
 * length must fit. The payload is IPv4 or IPv6 by version nibble (gopacket tries PPP otherwise).
 */
export function gtpv1u(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const avail = end - off;
  if (avail < 8 || avail < 8 + u16(b, off + 2)) return fail(f, DecodeError.Malformed);
  let hdr = 8;
  if ((b[off]! & 0x07) !== 0) {
    hdr = 12;
    if (avail < 12) return fail(f, DecodeError.Malformed);
    if ((b[off]! & 0x04) !== 0) {
      for (;;) {
        if (hdr >= avail) return fail(f, DecodeError.Malformed);
        const units = b[off + hdr]!;
        if (units === 0 || hdr + units * 4 > avail) return fail(f, DecodeError.Malformed);
        hdr += units * 4;
        if (b[off + hdr - 1] === 0) break;
      }
    }
  }
  push(f, Layer.GTPv1U, off, avail, hdr);
  cur.off = off + hdr;
  cur.end = end;
  if (hdr === avail) return fail(f, DecodeError.Malformed);
  const v = b[off + hdr]! >> 4;
  return v === 4 ? Layer.IPv4 : v === 6 ? Layer.IPv6 : UNKNOWN;
}
