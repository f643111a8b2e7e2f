// SPDX-License-Identifier: Apache-2.0
// Text forms of link and network addresses as Go prints them (net.HardwareAddr.String,
// net.IP.String): flows carry these strings in Link.A/B and Network.A/B.

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));

/** "aa:bb:cc:dd:ee:ff" from 6 bytes at `p`. */
export function formatMAC(b: Uint8Array, p: number): string {
  return `${HEX2[b[p] as number]}:${HEX2[b[p + 1] as number]}:${HEX2[b[p + 2] as number]}:${HEX2[b[p + 3] as number]}:${HEX2[b[p + 4] as number]}:${HEX2[b[p + 5] as number]}`;
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
