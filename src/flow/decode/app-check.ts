// SPDX-License-Identifier: Apache-2.0
// Application steps of the layer walk: DNS, DHCPv4, DHCPv6, VRRPv2, NTP, BFD, SIP and IGMP are layers
// only when gopacket would decode them, so these checks follow gopacket's rules without building anything.
import { DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { u16 } from './bytes.js';
import { checkSip } from './sip-check.js';
import { fail, push, STOP } from './steps.js';

/** gopacket's limit on nested compression pointers. */
const MAX_NAME_LEVEL = 255;

/**
 * Skips the DNS name at message position `pos` (message at `base`, `len` bytes), following
 * compression pointers the way gopacket does (at most 255 levels, so loops end). Returns the position
 * after the name in the original place, or -1 when it is invalid.
 */
export function skipDnsName(b: Uint8Array, base: number, len: number, pos: number): number {
  let ret = -1;
  let index = pos;
  for (let level = 1; ; level++) {
    if (level > MAX_NAME_LEVEL || index >= len || index < 0) return -1;
    const start = index;
    let jumped = false;
    while (b[base + index] !== 0) {
      const c = b[base + index]!;
      if ((c & 0xc0) === 0) {
        const next = index + c + 1;
        if (next - start > 255 || next > len) return -1;
        index = next;
      } else if ((c & 0xc0) === 0xc0) {
        if (index + 2 > len) return -1;
        const p = u16(b, base + index) & 0x3fff;
        if (p > len) return -1;
        if (ret < 0) ret = index + 2;
        index = p;
        jumped = true;
        break;
      } else return -1;
      if (index >= len) return -1;
    }
    if (!jumped) return ret >= 0 ? ret : index + 1;
  }
}

/** Checks the RDATA of a record of `type` at message position `r` (ending at `rend`). */
function rdataValid(
  b: Uint8Array,
  base: number,
  len: number,
  type: number,
  r: number,
  rend: number,
): boolean {
  switch (type) {
    case 13: // HINFO
    case 16: // TXT
      for (let i = r; i !== rend; ) {
        i = i + 1 + b[base + i]!;
        if (i > rend) return false;
      }
      return true;
    case 2: // NS
    case 5: // CNAME
    case 12: // PTR
      return skipDnsName(b, base, len, r) >= 0;
    case 6: {
      // SOA
      const n1 = skipDnsName(b, base, len, r);
      const n2 = n1 < 0 ? -1 : skipDnsName(b, base, len, n1);
      return n2 >= 0 && n2 + 20 <= len;
    }
    case 15: // MX
      return r + 2 <= len && skipDnsName(b, base, len, r + 2) >= 0;
    case 33: // SRV
      return r + 6 <= len && skipDnsName(b, base, len, r + 6) >= 0;
    case 41: // OPT: gopacket reads options up to the end of the message, not of the record
      for (let i = r; i < len; ) {
        if (i + 4 > len) return false;
        i += 4 + u16(b, base + i + 2);
        if (i > len) return false;
      }
      return true;
    default:
      return true;
  }
}

/** DecodeError code for the DNS message at [off, end): None when gopacket would decode it. */
export function checkDns(b: Uint8Array, off: number, end: number): number {
  const len = end - off;
  if (len < 12) return DecodeError.Truncated;
  const qd = u16(b, off + 4);
  const records = u16(b, off + 6) + u16(b, off + 8) + u16(b, off + 10);
  let pos = 12;
  for (let i = 0; i < qd; i++) {
    pos = skipDnsName(b, off, len, pos);
    if (pos < 0 || pos + 4 > len) return DecodeError.Malformed;
    pos += 4;
  }
  for (let i = 0; i < records; i++) {
    pos = skipDnsName(b, off, len, pos);
    if (pos < 0 || pos + 10 > len) return DecodeError.Malformed;
    const rend = pos + 10 + u16(b, off + pos + 8);
    if (rend > len) return DecodeError.Malformed;
    if (!rdataValid(b, off, len, u16(b, off + pos), pos + 10, rend)) return DecodeError.Malformed;
    pos = rend;
  }
  return DecodeError.None;
}

/** DecodeError code for a DHCPv4 message: 240 bytes with the magic cookie, options that fit. */
export function checkDhcpv4(b: Uint8Array, off: number, end: number): number {
  const len = end - off;
  if (len < 240 || 28 + b[off + 2]! > len) return DecodeError.Truncated;
  if (u16(b, off + 236) !== 0x6382 || u16(b, off + 238) !== 0x5363) return DecodeError.Malformed;
  for (let o = off + 240; o < end; ) {
    const t = b[o]!;
    if (t === 255) break;
    if (t === 0) {
      o++;
      continue;
    }
    if (end - o < 2 || b[o + 1]! > end - o - 2) return DecodeError.Malformed;
    o += 2 + b[o + 1]!;
  }
  return DecodeError.None;
}

/** DecodeError code for VRRPv2: an advertisement (type 1) with at least one address, all present. */
export function checkVrrp(b: Uint8Array, off: number, end: number): number {
  const len = end - off;
  if (len < 8) return DecodeError.Truncated;
  if ((b[off]! & 15) !== 1 || b[off + 3] === 0) return DecodeError.Malformed;
  return 8 + 4 * b[off + 3]! > len ? DecodeError.Truncated : DecodeError.None;
}

/** DecodeError code for IGMP as gopacket's type/length dispatch accepts it. */
export function checkIgmp(b: Uint8Array, off: number, end: number): number {
  const len = end - off;
  if (len < 1) return DecodeError.Truncated;
  switch (b[off]) {
    case 0x11: // membership query: v3 (>= 12 bytes) or v1/v2 (exactly 8)
      return len >= 12 || len === 8 ? DecodeError.None : DecodeError.Malformed;
    case 0x22: // v3 report
      return len >= 8 ? DecodeError.None : DecodeError.Truncated;
    case 0x12:
    case 0x16:
    case 0x17:
      return len >= 8 ? DecodeError.None : DecodeError.Truncated;
    default:
      return DecodeError.Unsupported;
  }
}

/** DecodeError code for DHCPv6: message type and transaction ID (or relay addresses), then options that fit. */
export function checkDhcpv6(b: Uint8Array, off: number, end: number): number {
  const len = end - off;
  if (len < 1) return DecodeError.Truncated;
  const relay = b[off] === 12 || b[off] === 13;
  let o = off + (relay ? 34 : 4);
  if (o > end) return DecodeError.Truncated;
  while (o < end) {
    if (end - o < 4) return DecodeError.Malformed;
    o += 4 + u16(b, o + 2);
    if (o > end) return DecodeError.Malformed;
  }
  return DecodeError.None;
}

/** DecodeError code for a BFD control packet: 24 bytes at least, Length equal to the datagram, auth fields present. */
export function checkBfd(b: Uint8Array, off: number, end: number): number {
  const len = end - off;
  if (len < 24) return DecodeError.Truncated;
  if (b[off + 3] !== len) return DecodeError.Malformed;
  const rest = len - 24;
  const authType = b[off + 24]!;
  if ((b[off + 1]! & 0x04) !== 0 && rest > 2 && authType >= 2 && authType <= 5 && rest - 3 < 5) {
    return DecodeError.Malformed;
  }
  return DecodeError.None;
}

/** An application layer that is the rest of the datagram when `check` accepts it; nothing follows. */
export function appLayer(
  f: DecodedFrame,
  b: Uint8Array,
  off: number,
  end: number,
  type: number,
): number {
  let err: number;
  switch (type) {
    case Layer.DNS:
      err = checkDns(b, off, end);
      break;
    case Layer.DHCPv4:
      err = checkDhcpv4(b, off, end);
      break;
    case Layer.VRRPv2:
      err = checkVrrp(b, off, end);
      break;
    case Layer.IGMP:
      err = checkIgmp(b, off, end);
      break;
    case Layer.DHCPv6:
      err = checkDhcpv6(b, off, end);
      break;
    case Layer.BFD:
      err = checkBfd(b, off, end);
      break;
    case Layer.SIP:
      err = checkSip(b, off, end);
      break;
    default: // NTP
      err = end - off < 48 ? DecodeError.Truncated : DecodeError.None;
  }
  if (err !== DecodeError.None) return fail(f, err);
  push(f, type, off, end - off, end - off);
  return STOP;
}
