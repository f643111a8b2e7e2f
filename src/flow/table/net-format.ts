// SPDX-License-Identifier: Apache-2.0
// Text forms of link and network addresses as Go prints them (net.HardwareAddr.String,
// net.IP.String): flows carry these strings in Link.A/B and Network.A/B.

const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** "aa:bb:cc:dd:ee:ff" from 6 bytes at `p` (one flat string made from its 17 character codes). */
export function formatMAC(b: Uint8Array, p: number): string {
  const h = HEX_CODES;
  const a0 = b[p] as number;
  const a1 = b[p + 1] as number;
  const a2 = b[p + 2] as number;
  const a3 = b[p + 3] as number;
  const a4 = b[p + 4] as number;
  const a5 = b[p + 5] as number;
  return String.fromCharCode(
    h[a0 >> 4] as number,
    h[a0 & 15] as number,
    58,
    h[a1 >> 4] as number,
    h[a1 & 15] as number,
    58,
    h[a2 >> 4] as number,
    h[a2 & 15] as number,
    58,
    h[a3 >> 4] as number,
    h[a3 & 15] as number,
    58,
    h[a4 >> 4] as number,
    h[a4 & 15] as number,
    58,
    h[a5 >> 4] as number,
    h[a5 & 15] as number,
  );
}

/** Dotted quad from 4 bytes at `p`. */
export function formatIPv4(b: Uint8Array, p: number): string {
  return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
}

/**
 * An IPv6 address from 16 bytes at `p` like Go's net.IP.String(): an IPv4-mapped address as a plain
 * dotted quad, else the longest run of two or more zero groups becomes "::" (the first one on ties),
 * hex groups without leading zeros.
 */
export function formatIPv6(b: Uint8Array, p: number): string {
  let mapped = true;
  for (let i = 0; i < 10; i++) if (b[p + i] !== 0) mapped = false;
  if (mapped && b[p + 10] === 0xff && b[p + 11] === 0xff) return formatIPv4(b, p + 12);
  const g: number[] = [];
  for (let i = 0; i < 8; i++)
    g.push(((b[p + 2 * i] as number) << 8) | (b[p + 2 * i + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += (g[i] as number).toString(16);
  }
  return s;
}
