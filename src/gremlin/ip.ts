// SPDX-License-Identifier: Apache-2.0
// Small IP helpers for IPV4RANGE and NextHop: parse IPv4/IPv6 addresses and CIDR prefixes into
// integers and test containment. No dependency on node:net, so the core stays pure.

/** An address as an integer of its family's width. */
export interface IpAddr {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A prefix: network address (masked) and length. */
export interface IpPrefix {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly length: number;
}

const V4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4 (`10.0.0.1`) into an unsigned integer, or undefined. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return undefined;
    v = v * 256 + Number(p);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.includes('%')) s = s.slice(0, s.indexOf('%'));
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return v;
}

/** Parses an IPv4 or IPv6 address. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is reported as IPv4. */
export function parseIP(s: string): IpAddr | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
  const v6 = parseIPv6(s);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

const width = (family: 4 | 6): bigint => (family === 4 ? 32n : 128n);

function mask(family: 4 | 6, length: number): bigint {
  const w = width(family);
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(length))) - 1n);
}

/** Parses `addr/len` (the address is masked, like Go's net.ParseCIDR). */
export function parseCIDR(s: string): IpPrefix | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIP(s.slice(0, slash));
  const lenText = s.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(lenText)) return undefined;
  const length = Number(lenText);
  if (length > Number(width(addr.family))) return undefined;
  return { family: addr.family, network: addr.value & mask(addr.family, length), length };
}

/** True when `addr` lies inside `prefix` (families must match). */
export function prefixContains(prefix: IpPrefix, addr: IpAddr): boolean {
  return (
    prefix.family === addr.family &&
    (addr.value & mask(prefix.family, prefix.length)) === prefix.network
  );
}

/** True when two addresses are equal (same family and value). */
export function sameIP(a: IpAddr, b: IpAddr): boolean {
  return a.family === b.family && a.value === b.value;
}

/**
 * Matcher for IPV4RANGE: accepts `a.b.c.d` or `a.b.c.d/nn` values (nn one or two digits, as in
 * Skydive's generated regular expression) whose address lies in `prefix`.
 */
export function ipv4InPrefix(prefix: IpPrefix, value: string): boolean {
  const slash = value.indexOf('/');
  let addr = value;
  if (slash >= 0) {
    if (!/^\d{1,2}$/.test(value.slice(slash + 1))) return false;
    addr = value.slice(0, slash);
  }
  const v4 = parseIPv4(addr);
  return v4 !== undefined && prefixContains(prefix, { family: 4, value: BigInt(v4) });
}
