// SPDX-License-Identifier: Apache-2.0
// Protobuf codec of the flow extra layers (flow/layers/dns.proto, dhcpv4.proto, vrrpv2.proto).
// Byte fields are base64 strings in the JSON-shaped types, raw bytes on the wire.

import { type ProtoReader, type ProtoWriter, WireType } from './proto-wire.js';
import type { DHCPv4Layer, DNSLayer, DNSResourceRecord, VRRPv2Layer } from './flow-types.js';

const V = WireType.Varint;
const L = WireType.LengthDelimited;

/** base64 → bytes (browser-safe). */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** bytes → base64 (browser-safe). */
export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return btoa(s);
}

type FieldKind = 'u' | 's' | 'b' | 'B'; // uint32, string, bool, bytes(base64)
type Spec = readonly (readonly [number, string, FieldKind])[];

function writeFields(w: ProtoWriter, spec: Spec, o: Record<string, unknown>): void {
  for (const [n, k, kind] of spec) {
    const v = o[k];
    if (v === undefined || v === '' || v === 0 || v === false) continue;
    if (kind === 'u') w.uint32Field(n, v as number);
    else if (kind === 's') w.stringField(n, v as string);
    else if (kind === 'b') w.boolField(n, true);
    else w.bytesField(n, fromBase64(v as string));
  }
}

function readField(r: ProtoReader, tag: number, spec: Spec, o: Record<string, unknown>): boolean {
  const n = tag >>> 3;
  for (const [fn, k, kind] of spec) {
    if (fn !== n) continue;
    const wt = tag & 7;
    if (kind === 'u' && wt === V) o[k] = r.uint32();
    else if (kind === 'b' && wt === V) o[k] = r.bool();
    else if (kind === 's' && wt === L) o[k] = r.string();
    else if (kind === 'B' && wt === L) o[k] = toBase64(r.bytes());
    else return false;
    return true;
  }
  return false;
}

function readAll<T>(r: ProtoReader, spec: Spec): T {
  const o: Record<string, unknown> = {};
  while (r.more()) {
    const tag = r.tag();
    if (!readField(r, tag, spec, o)) r.skip(tag & 7);
  }
  return o as T;
}

const DHCP: Spec = [
  [1, 'contents', 'B'],
  [2, 'payload', 'B'],
  [3, 'hardware_len', 'u'],
  [4, 'hardware_opts', 'u'],
  [5, 'xid', 'u'],
  [6, 'secs', 'u'],
  [7, 'flags', 'u'],
  [8, 'server_name', 'B'],
  [9, 'file', 'B'],
];
const VRRP: Spec = [
  [1, 'contents', 'B'],
  [2, 'payload', 'B'],
  [3, 'version', 'u'],
  [4, 'virtual_rtrID', 'u'],
  [5, 'priority', 'u'],
  [6, 'count_ipaddr', 'u'],
  [7, 'adver_int', 'u'],
  [8, 'checksum', 'u'],
];
const DNS: Spec = [
  [1, 'ID', 'u'],
  [2, 'QR', 'b'],
  [3, 'op_code', 's'],
  [4, 'AA', 'b'],
  [5, 'TC', 'b'],
  [6, 'RD', 'b'],
  [7, 'RA', 'b'],
  [8, 'z', 'u'],
  [9, 'response_code', 's'],
  [10, 'q_d_count', 'u'],
  [11, 'a_n_count', 'u'],
  [12, 'n_s_count', 'u'],
  [13, 'a_r_count', 'u'],
];
const QUESTION: Spec = [
  [1, 'name', 's'],
  [2, 'type', 's'],
  [3, 'class', 's'],
];
const RR: Spec = [
  ...QUESTION,
  [4, 'TTL', 'u'],
  [5, 'data_length', 'u'],
  [6, 'IP', 's'],
  [7, 'NS', 's'],
  [8, 'c_name', 's'],
  [9, 'PTR', 's'],
];
const SOA: Spec = [
  [1, 'm_name', 's'],
  [2, 'r_name', 's'],
  [3, 'serial', 'u'],
  [4, 'refresh', 'u'],
  [5, 'retry', 'u'],
  [6, 'expire', 'u'],
  [7, 'minimum', 'u'],
];
const SRV: Spec = [
  [1, 'priority', 'u'],
  [2, 'weight', 'u'],
  [3, 'port', 'u'],
  [4, 'name', 's'],
];
const MX: Spec = [
  [1, 'preference', 'u'],
  [2, 'name', 's'],
];
const OPT: Spec = [
  [1, 'code', 's'],
  [2, 'data', 's'],
];

function sub(w: ProtoWriter, field: number, spec: Spec, o: object): void {
  const m = w.begin(field);
  writeFields(w, spec, o as Record<string, unknown>);
  w.end(m);
}

/** Writes a DHCPv4 layer as field `field`. */
export function encodeDHCPv4(w: ProtoWriter, field: number, d: DHCPv4Layer): void {
  sub(w, field, DHCP, d);
}

/** Writes a VRRPv2 layer as field `field`. */
export function encodeVRRPv2(w: ProtoWriter, field: number, d: VRRPv2Layer): void {
  sub(w, field, VRRP, d);
}

function encodeRR(w: ProtoWriter, field: number, rr: DNSResourceRecord): void {
  const m = w.begin(field);
  writeFields(w, RR, rr as Record<string, unknown>);
  for (const t of rr.TXTs ?? []) w.stringField(10, t);
  if (rr.SOA) sub(w, 11, SOA, rr.SOA);
  if (rr.SRV) sub(w, 12, SRV, rr.SRV);
  if (rr.MX) sub(w, 13, MX, rr.MX);
  for (const o of rr.OPT ?? []) sub(w, 14, OPT, o);
  w.end(m);
}

/** Writes a DNS layer as field `field`. */
export function encodeDNS(w: ProtoWriter, field: number, d: DNSLayer): void {
  const m = w.begin(field);
  writeFields(w, DNS, d as Record<string, unknown>);
  for (const q of d.questions ?? []) sub(w, 14, QUESTION, q);
  for (const a of d.answers ?? []) encodeRR(w, 15, a);
  for (const a of d.authorities ?? []) encodeRR(w, 16, a);
  for (const a of d.additionals ?? []) encodeRR(w, 17, a);
  if (d.timestamp) {
    const t = w.begin(18);
    if (d.timestamp.seconds) w.int64Field(1, d.timestamp.seconds);
    if (d.timestamp.nanos) w.int64Field(2, d.timestamp.nanos);
    w.end(t);
  }
  w.end(m);
}

/** Reads a DHCPv4 layer. */
export function decodeDHCPv4(r: ProtoReader): DHCPv4Layer {
  return readAll<DHCPv4Layer>(r, DHCP);
}

/** Reads a VRRPv2 layer. */
export function decodeVRRPv2(r: ProtoReader): VRRPv2Layer {
  return readAll<VRRPv2Layer>(r, VRRP);
}

function decodeRR(r: ProtoReader): DNSResourceRecord {
  const o: DNSResourceRecord = {};
  const rec = o as Record<string, unknown>;
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    const isL = (tag & 7) === L;
    if (readField(r, tag, RR, rec)) continue;
    if (n === 10 && isL) (o.TXTs ??= []).push(r.string());
    else if (n === 11 && isL) o.SOA = readAll(r.sub(), SOA);
    else if (n === 12 && isL) o.SRV = readAll(r.sub(), SRV);
    else if (n === 13 && isL) o.MX = readAll(r.sub(), MX);
    else if (n === 14 && isL) (o.OPT ??= []).push(readAll(r.sub(), OPT));
    else r.skip(tag & 7);
  }
  return o;
}

/** Reads a DNS layer. */
export function decodeDNS(r: ProtoReader): DNSLayer {
  const d: DNSLayer = {};
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    const isL = (tag & 7) === L;
    if (readField(r, tag, DNS, d as Record<string, unknown>)) continue;
    if (n === 14 && isL) (d.questions ??= []).push(readAll(r.sub(), QUESTION));
    else if (n === 15 && isL) (d.answers ??= []).push(decodeRR(r.sub()));
    else if (n === 16 && isL) (d.authorities ??= []).push(decodeRR(r.sub()));
    else if (n === 17 && isL) (d.additionals ??= []).push(decodeRR(r.sub()));
    else if (n === 18 && isL) {
      const s = r.sub();
      const ts: { seconds?: number; nanos?: number } = {};
      while (s.more()) {
        const t = s.tag();
        if (t >>> 3 === 1 && (t & 7) === V) ts.seconds = s.int64();
        else if (t >>> 3 === 2 && (t & 7) === V) ts.nanos = s.int32();
        else s.skip(t & 7);
      }
      d.timestamp = ts;
    } else r.skip(tag & 7);
  }
  return d;
}
