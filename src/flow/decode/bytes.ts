// SPDX-License-Identifier: Apache-2.0
// Big-endian readers and the address formatters the flow table needs (Go's net.IP / net.HardwareAddr
// String() forms, so flow JSON matches Skydive's). Reads past the end of a buffer give 0.

/** Unsigned 16-bit big-endian at `o` (bytes beyond the buffer read as 0). */
export function u16(b: Uint8Array, o: number): number {
  return ((b[o]! << 8) | b[o + 1]!) & 0xffff;
}

/** Unsigned 24-bit big-endian at `o`. */
export function u24(b: Uint8Array, o: number): number {
  return ((b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!) & 0xffffff;
}

/** Unsigned 32-bit big-endian at `o`. */
export function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** "aa:bb:cc:dd:ee:ff" for the 6 bytes at `o` (Go's net.HardwareAddr.String()). */
export function macString(b: Uint8Array, o: number, len = 6): string {
  let s = HEX[b[o]! & 0xff]!;
  for (let i = 1; i < len; i++) s += `:${HEX[b[o + i]! & 0xff]!}`;
  return s;
}

/** Dotted quad for the 4 bytes at `o`. */
export function ipv4String(b: Uint8Array, o: number): string {
  return `${b[o]! & 0xff}.${b[o + 1]! & 0xff}.${b[o + 2]! & 0xff}.${b[o + 3]! & 0xff}`;
}

/**
 * The 16 bytes at `o` as Go's net.IP.String() prints them: an IPv4-mapped address (::ffff:a.b.c.d)
 * as a dotted quad, otherwise RFC 5952 (lower-case hex, the longest run of two or more zero groups
 * shortened to "::", the first one on ties).
 */
export function ipv6String(b: Uint8Array, o: number): string {
  let mapped = b[o + 10] === 0xff && b[o + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[o + i] !== 0) mapped = false;
  if (mapped) return ipv4String(b, o + 12);
  let bestStart = -1;
  let bestLen = 0;
  for (let g = 0; g < 8; ) {
    if (u16(b, o + g * 2) !== 0) {
      g++;
      continue;
    }
    let e = g;
    while (e < 8 && u16(b, o + e * 2) === 0) e++;
    if (e - g > bestLen && e - g >= 2) {
      bestStart = g;
      bestLen = e - g;
    }
    g = e;
  }
  let s = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += '::';
      g += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += u16(b, o + g * 2).toString(16);
  }
  return s;
}

/** An IP address of 4 or 16 bytes at `o` as Go prints it. */
export function ipString(b: Uint8Array, o: number, len: number): string {
  return len === 4 ? ipv4String(b, o) : ipv6String(b, o);
}
