// SPDX-License-Identifier: Apache-2.0
// The flow's extra layers (capture ExtraLayers): DNS messages, DHCPv4 and VRRPv2 headers read into
// the shapes of src/protocol/flow-types.ts with gopacket's names ("Query", "No Error", "AAAA", "IN").
// Called once per packet that has such a layer and only when asked; damaged input gives null.

import { toBase64 } from '../../protocol/flow-layers-proto.js';
import type { DHCPv4Layer, DNSLayer, DNSResourceRecord, VRRPv2Layer } from '../../protocol/flow.js';
import { formatIPv4, formatIPv6 } from './net-format.js';

const DNS_TYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  3: 'MD',
  4: 'MF',
  5: 'CNAME',
  6: 'SOA',
  7: 'MB',
  8: 'MG',
  9: 'MR',
  10: 'NULL',
  11: 'WKS',
  12: 'PTR',
  13: 'HINFO',
  14: 'MINFO',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  41: 'OPT',
  256: 'URI',
};
const DNS_CLASSES: Record<number, string> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 255: 'Any' };
const OP_CODES: Record<number, string> = {
  0: 'Query',
  1: 'Inverse Query',
  2: 'Status',
  4: 'Notify',
  5: 'Update',
};
const RCODES: Record<number, string> = {
  0: 'No Error',
  1: 'Format Error',
  // gopacket's string, trailing space included: Skydive's flows carry it as is.
  2: 'Server Failure ',
  3: 'Non-Existent Domain',
  4: 'Not Implemented',
  5: 'Query Refused',
  6: 'Name Exists when it should not',
  7: 'RR Set Exists when it should not',
  8: 'RR Set that should exist does not',
  9: 'Server Not Authoritative for zone',
  10: 'Name not contained in zone',
  16: 'Bad OPT Version',
  17: 'Key not recognized',
  18: 'Signature out of time window',
  19: 'Bad TKEY Mode',
  20: 'Duplicate key name',
  21: 'Algorithm not supported',
};
const OPT_CODES: Record<number, string> = {
  3: 'NSID',
  5: 'DAU',
  6: 'DHU',
  7: 'N3U',
  8: 'ClientSubnet',
  9: 'Expire',
  10: 'Cookie',
  11: 'TCPKeepAlive',
  12: 'Padding',
};

class Malformed extends Error {}

const u16 = (b: Uint8Array, p: number) => ((b[p] as number) << 8) | (b[p + 1] as number);
const u32 = (b: Uint8Array, p: number) => u16(b, p) * 65536 + u16(b, p + 2);

/** Reads a (possibly compressed) domain name at p of the message [s, e); returns [name, next]. */
function readName(b: Uint8Array, s: number, e: number, p: number): [string, number] {
  const labels: string[] = [];
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (p >= e) throw new Malformed();
    const len = b[p] as number;
    if (len === 0) {
      p++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= e || ++jumps > 255) throw new Malformed();
      if (next < 0) next = p + 2;
      p = s + (((len & 0x3f) << 8) | (b[p + 1] as number));
      continue;
    }
    if (p + 1 + len > e) throw new Malformed();
    let l = '';
    for (let i = p + 1; i <= p + len; i++) l += String.fromCharCode(b[i] as number);
    labels.push(l);
    p += 1 + len;
  }
  return [labels.join('.'), next < 0 ? p : next];
}

function readRR(
  b: Uint8Array,
  s: number,
  e: number,
  p: number,
): [DNSResourceRecord | null, number] {
  const [name, q] = readName(b, s, e, p);
  if (q + 10 > e) throw new Malformed();
  const type = u16(b, q);
  const dataLength = u16(b, q + 8);
  const d = q + 10;
  if (d + dataLength > e) throw new Malformed();
  const rr: DNSResourceRecord = {
    name,
    type: DNS_TYPES[type] ?? 'Unknown',
    class: DNS_CLASSES[u16(b, q + 2)] ?? 'Unknown',
    TTL: u32(b, q + 4),
    data_length: dataLength,
  };
  const next = d + dataLength;
  switch (type) {
    case 1:
      if (dataLength >= 4) rr.IP = formatIPv4(b, d);
      break;
    case 28:
      if (dataLength >= 16) rr.IP = formatIPv6(b, d);
      break;
    case 2:
      rr.NS = readName(b, s, e, d)[0];
      break;
    case 5:
      rr.c_name = readName(b, s, e, d)[0];
      break;
    case 12:
      rr.PTR = readName(b, s, e, d)[0];
      break;
    case 6: {
      const [m, a] = readName(b, s, e, d);
      const [r, c] = readName(b, s, e, a);
      if (c + 20 > e) throw new Malformed();
      rr.SOA = {
        m_name: m,
        r_name: r,
        serial: u32(b, c),
        refresh: u32(b, c + 4),
        retry: u32(b, c + 8),
        expire: u32(b, c + 12),
        minimum: u32(b, c + 16),
      };
      break;
    }
    case 33:
      rr.SRV = {
        priority: u16(b, d),
        weight: u16(b, d + 2),
        port: u16(b, d + 4),
        name: readName(b, s, e, d + 6)[0],
      };
      break;
    case 15:
      rr.MX = { preference: u16(b, d), name: readName(b, s, e, d + 2)[0] };
      break;
    case 13:
    case 16: {
      const txts: string[] = [];
      for (let t = d; t < next; ) {
        const l = b[t] as number;
        let str = '';
        for (let i = t + 1; i <= t + l && i < next; i++) str += String.fromCharCode(b[i] as number);
        txts.push(str);
        t += 1 + l;
      }
      rr.TXTs = txts;
      break;
    }
    case 41: {
      const opts: { code?: string; data?: string }[] = [];
      for (let t = d; t + 4 <= next; ) {
        const l = u16(b, t + 2);
        let data = '';
        for (let i = t + 4; i < t + 4 + l && i < next; i++)
          data += String.fromCharCode(b[i] as number);
        opts.push({ code: OPT_CODES[u16(b, t)] ?? 'Unknown', data });
        t += 4 + l;
      }
      rr.OPT = opts;
      break;
    }
    default:
      return [null, next]; // Skydive keeps only the record types above
  }
  return [rr, next];
}

/** The DNS message at buf[off, off+len) as Skydive's flow DNS layer, or null when damaged. */
export function parseDNS(
  b: Uint8Array,
  off: number,
  len: number,
  timestampMicros: number,
): DNSLayer | null {
  const e = off + len;
  if (len < 12) return null;
  try {
    const flags = u16(b, off + 2);
    const counts = [u16(b, off + 4), u16(b, off + 6), u16(b, off + 8), u16(b, off + 10)] as const;
    const d: DNSLayer = {
      ID: u16(b, off),
      QR: (flags & 0x8000) !== 0,
      op_code: OP_CODES[(flags >> 11) & 0xf] ?? 'Unknown',
      AA: (flags & 0x400) !== 0,
      TC: (flags & 0x200) !== 0,
      RD: (flags & 0x100) !== 0,
      RA: (flags & 0x80) !== 0,
      z: (flags >> 4) & 0x7,
      response_code: RCODES[flags & 0xf] ?? 'Unknown',
      q_d_count: counts[0],
      a_n_count: counts[1],
      n_s_count: counts[2],
      a_r_count: counts[3],
    };
    let p = off + 12;
    if (counts[0] > 0) {
      d.questions = [];
      for (let i = 0; i < counts[0]; i++) {
        const [name, q] = readName(b, off, e, p);
        if (q + 4 > e) throw new Malformed();
        d.questions.push({
          name,
          type: DNS_TYPES[u16(b, q)] ?? 'Unknown',
          class: DNS_CLASSES[u16(b, q + 2)] ?? 'Unknown',
        });
        p = q + 4;
      }
    }
    const sections = ['answers', 'authorities', 'additionals'] as const;
    for (let s = 0; s < 3; s++) {
      const n = counts[s + 1] as number;
      if (n === 0) continue;
      const list: DNSResourceRecord[] = [];
      for (let i = 0; i < n; i++) {
        const [rr, q] = readRR(b, off, e, p);
        if (rr) list.push(rr);
        p = q;
      }
      d[sections[s] as (typeof sections)[number]] = list;
    }
    const seconds = Math.floor(timestampMicros / 1e6);
    d.timestamp = { seconds, nanos: Math.round((timestampMicros - seconds * 1e6) * 1000) };
    return d;
  } catch (err) {
    if (err instanceof Malformed) return null;
    throw err;
  }
}

/** The fields Skydive keeps of a DHCPv4 header at buf[off, off+len), or null when too short. */
export function parseDHCPv4(b: Uint8Array, off: number, len: number): DHCPv4Layer | null {
  if (len < 236) return null;
  return {
    hardware_len: b[off + 2] as number,
    hardware_opts: b[off + 3] as number,
    secs: u16(b, off + 8),
    flags: u16(b, off + 10),
    server_name: toBase64(b.subarray(off + 44, off + 108)),
    file: toBase64(b.subarray(off + 108, off + 236)),
  };
}

/** The fields Skydive keeps of a VRRPv2 header, or null when too short. */
export function parseVRRPv2(b: Uint8Array, off: number, len: number): VRRPv2Layer | null {
  if (len < 8) return null;
  return {
    version: (b[off] as number) >> 4,
    virtual_rtrID: b[off + 1] as number,
    priority: b[off + 2] as number,
    adver_int: b[off + 5] as number,
  };
}
