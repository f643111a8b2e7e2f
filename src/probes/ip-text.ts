// SPDX-License-Identifier: Apache-2.0
// Address text as Go's net.IP.String() writes it (and so Skydive): shared by the probes that read
// raw addresses (netlink attributes, /proc/net tables).

/**
 * Dotted quad for 4 bytes and for IPv4-mapped IPv6, otherwise RFC 5952 (lower case, the longest
 * run of two or more zero groups shortened to `::`). Expects 4 or 16 bytes.
 */
export function formatIP(bytes: ArrayLike<number>): string {
  const b = Array.from(bytes);
  if (b.length === 4) return b.join('.');
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return b.slice(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}
