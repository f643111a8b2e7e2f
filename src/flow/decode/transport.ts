// SPDX-License-Identifier: Apache-2.0
// Transport steps of the layer walk: TCP (options checked, not kept), UDP (next layer by port table),
// UDP-Lite, SCTP and its chunks, ICMPv4, ICMPv6 and the ICMPv6 messages gopacket decodes (echo, NDP, MLD).
import { DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { u16 } from './bytes.js';
import { cur, fail, push, short, STOP } from './steps.js';

/** TCP: data offset and options are checked as gopacket does; the payload is always Payload. */
export function tcp(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const avail = end - off;
  if (avail < 20) return short(f);
  const hdr = (b[off + 12]! >> 4) * 4;
  if (hdr < 20) {
    push(f, Layer.TCP, off, avail, 20);
    return fail(f, DecodeError.Malformed);
  }
  if (hdr > avail) {
    push(f, Layer.TCP, off, avail, 20);
    return fail(f, DecodeError.Truncated, true);
  }
  const hend = off + hdr;
  for (let o = off + 20; o < hend; ) {
    const kind = b[o]!;
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    const l = hend - o < 2 ? 0 : b[o + 1]!;
    if (l < 2 || l > hend - o) {
      push(f, Layer.TCP, off, avail, hdr);
      return fail(f, hend - o < 2 || l > hend - o ? DecodeError.Truncated : DecodeError.Malformed);
    }
    o += l;
  }
  push(f, Layer.TCP, off, avail, hdr);
  cur.off = hend;
  cur.end = end;
  return Layer.Payload;
}

/**
 * UDP: the layer ends at its Length field (0 = jumbogram: the rest). The next step comes from
 * `ports` (destination port first, then source port), Payload when neither is known.
 */
export function udp(
  f: DecodedFrame,
  b: Uint8Array,
  off: number,
  end: number,
  ports: Uint8Array,
): number {
  const avail = end - off;
  if (avail < 8) return short(f);
  const len = u16(b, off + 4);
  let layerEnd = end;
  if (len >= 8) {
    if (off + len > end) f.truncated = true;
    else layerEnd = off + len;
  } else if (len !== 0) {
    push(f, Layer.UDP, off, avail, 8);
    return fail(f, DecodeError.Malformed);
  }
  push(f, Layer.UDP, off, layerEnd - off, 8);
  cur.off = off + 8;
  cur.end = layerEnd;
  const next = ports[u16(b, off + 2)]!;
  return next !== 0 ? next : ports[u16(b, off)]! || Layer.Payload;
}

/** SCTP common header (12 bytes); the chunks follow, one layer each. */
export function sctp(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 12) return short(f);
  push(f, Layer.SCTP, off, end - off, 12);
  cur.off = off + 12;
  cur.end = end;
  return SCTP_CHUNK;
}

/** Step: the SCTP chunk at the cursor, its layer type taken from the chunk type. */
export const SCTP_CHUNK = 102;

/** Chunk type → layer (0 = gopacket has no decoder: the walk fails there). */
const CHUNK_LAYER: Uint8Array = (() => {
  const t = new Uint8Array(256);
  [
    Layer.SCTPData,
    Layer.SCTPInit,
    Layer.SCTPInitAck,
    Layer.SCTPSack,
    Layer.SCTPHeartbeat,
    Layer.SCTPHeartbeatAck,
    Layer.SCTPAbort,
    Layer.SCTPShutdown,
    Layer.SCTPShutdownAck,
    Layer.SCTPError,
    Layer.SCTPCookieEcho,
    Layer.SCTPCookieAck,
  ].forEach((layer, type) => (t[type] = layer));
  t[14] = Layer.SCTPShutdownComplete;
  return t;
})();

/** True when the TLV parameters in [o, end) each have a length of at least 4 and fit, padding included. */
function sctpParams(b: Uint8Array, o: number, end: number): boolean {
  while (o < end) {
    if (end - o < 4) return false;
    const len = u16(b, o + 2);
    if (len < 4 || len > end - o) return false;
    const actual = (len + 3) & ~3;
    if (actual > end - o) return false;
    o += actual;
  }
  return true;
}

/**
 * One SCTP chunk as gopacket decodes it: length at least 4, padded to 4 bytes, fields the chunk type
 * needs present. A DATA chunk is 16 bytes and everything after it (but its padding) is Payload;
 * other chunks are followed by the next chunk.
 */
export function sctpChunk(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  const avail = end - off;
  if (avail < 4) return short(f);
  const type = b[off]!;
  const layer = CHUNK_LAYER[type]!;
  if (layer === 0) return fail(f, DecodeError.Unsupported);
  const len = u16(b, off + 2);
  if (len < 4) return fail(f, DecodeError.Malformed);
  const actual = (len + 3) & ~3;
  if (layer === Layer.SCTPData) {
    if (avail < 16 || avail < actual - len + 16) return short(f);
    push(f, layer, off, avail, 16);
    cur.off = off + 16;
    cur.end = end - (actual - len);
    return Layer.Payload;
  }
  if (actual > avail) return short(f);
  let ok = true;
  switch (layer) {
    case Layer.SCTPInit:
    case Layer.SCTPInitAck:
      ok = actual >= 20 && sctpParams(b, off + 20, off + actual);
      break;
    case Layer.SCTPSack:
      ok = avail >= 16 && 16 + 2 * u16(b, off + 12) + 4 * u16(b, off + 14) <= avail;
      break;
    case Layer.SCTPHeartbeat:
    case Layer.SCTPHeartbeatAck:
    case Layer.SCTPAbort:
    case Layer.SCTPError:
      ok = sctpParams(b, off + 4, off + len);
      break;
    case Layer.SCTPShutdown:
      ok = avail >= 8;
      break;
  }
  if (!ok) return fail(f, DecodeError.Malformed);
  push(f, layer, off, avail, actual);
  cur.off = off + actual;
  cur.end = end;
  return SCTP_CHUNK;
}

/** ICMPv4: type, code, checksum and the 4-byte rest (id and sequence of an echo). */
export function icmpv4(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  push(f, Layer.ICMPv4, off, end - off, 8);
  cur.off = off + 8;
  cur.end = end;
  return Layer.Payload;
}

/** ICMPv6: a 4-byte header, then the message layer gopacket picks by type. */
export function icmpv6(f: DecodedFrame, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return short(f);
  push(f, Layer.ICMPv6, off, end - off, 4);
  cur.off = off + 4;
  cur.end = end;
  switch (b[off]) {
    case 128:
    case 129:
      return Layer.ICMPv6Echo;
    case 133:
      return Layer.ICMPv6RouterSolicitation;
    case 134:
      return Layer.ICMPv6RouterAdvertisement;
    case 135:
      return Layer.ICMPv6NeighborSolicitation;
    case 136:
      return Layer.ICMPv6NeighborAdvertisement;
    case 137:
      return Layer.ICMPv6Redirect;
    case 130:
      return end - off - 4 > 20
        ? Layer.MLDv2MulticastListenerQuery
        : Layer.MLDv1MulticastListenerQuery;
    case 132:
      return Layer.MLDv1MulticastListenerDone;
    case 131:
      return Layer.MLDv1MulticastListenerReport;
    case 143:
      return Layer.MLDv2MulticastListenerReport;
    default:
      return Layer.Payload;
  }
}

/** Fixed part of each ICMPv6 message after the 4-byte ICMPv6 header; NDP messages carry options. */
function icmpv6Fixed(type: number): number {
  switch (type) {
    case Layer.ICMPv6Echo:
    case Layer.ICMPv6RouterSolicitation:
    case Layer.MLDv2MulticastListenerReport:
      return 4;
    case Layer.ICMPv6RouterAdvertisement:
      return 12;
    case Layer.ICMPv6NeighborSolicitation:
    case Layer.ICMPv6NeighborAdvertisement:
    case Layer.MLDv1MulticastListenerQuery:
    case Layer.MLDv1MulticastListenerDone:
    case Layer.MLDv1MulticastListenerReport:
      return 20;
    case Layer.MLDv2MulticastListenerQuery:
      return 24;
    default:
      return 36; // Redirect
  }
}

/** True when `count` MLDv2 multicast address records (sources and auxiliary data included) fit in [o, end). */
function mldv2Records(b: Uint8Array, o: number, end: number, count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (end - o < 20) return false;
    o += 20 + 16 * u16(b, o + 2) + 4 * b[o + 1]!;
    if (o > end) return false;
  }
  return true;
}

/** An ICMPv6 message layer; NDP options must each have a non-zero length that fits. */
export function icmpv6Message(
  f: DecodedFrame,
  b: Uint8Array,
  off: number,
  end: number,
  type: number,
): number {
  const fixed = icmpv6Fixed(type);
  if (end - off < fixed) return short(f);
  const ndp =
    type === Layer.ICMPv6RouterSolicitation ||
    type === Layer.ICMPv6RouterAdvertisement ||
    type === Layer.ICMPv6NeighborSolicitation ||
    type === Layer.ICMPv6NeighborAdvertisement ||
    type === Layer.ICMPv6Redirect;
  if (ndp) {
    for (let o = off + fixed; o < end; ) {
      if (end - o < 2) return short(f);
      const len = b[o + 1]! * 8;
      if (len === 0) return fail(f, DecodeError.Malformed);
      if (end - o < len) return short(f);
      o += len;
    }
  }
  if (type === Layer.MLDv2MulticastListenerQuery && fixed + 16 * u16(b, off + 22) > end - off) {
    return short(f);
  }
  if (
    type === Layer.MLDv2MulticastListenerReport &&
    !mldv2Records(b, off + 4, end, u16(b, off + 2))
  ) {
    return short(f);
  }
  const hdr = type === Layer.ICMPv6Echo ? 4 : end - off;
  push(f, type, off, end - off, hdr);
  cur.off = off + hdr;
  cur.end = end;
  return type === Layer.ICMPv6Echo ? Layer.Payload : STOP;
}

/** UDP-Lite: 8 bytes (ports, checksum coverage, checksum); its payload is Payload. */
export function udpLite(f: DecodedFrame, _b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return short(f);
  push(f, Layer.UDPLite, off, end - off, 8);
  cur.off = off + 8;
  cur.end = end;
  return Layer.Payload;
}
