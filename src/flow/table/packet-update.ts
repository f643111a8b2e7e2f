// SPDX-License-Identifier: Apache-2.0
// What one packet of an encapsulation level does to its flow (Skydive's Flow.Update): A→B or B→A
// counters with flow-ids.md §7's length rules, RTT, TCPMetric flag times and reassembly counters.

import { Layer, type DecodedFrame } from '../decode/layers.js';
import { emptyTCPMetric } from '../../protocol/flow.js';
import type { FlowEntry } from './entry.js';
import { Proto } from './entry.js';
import {
  ADDR_SRC_IP,
  ADDR_STRIDE,
  F_LINK,
  F_RTT,
  F_TCPM,
  HOT,
  H_ABB,
  H_ABP,
  H_BAB,
  H_BAP,
  H_FLAGS,
  H_LAST,
  H_MACA,
  H_RTT,
  H_RTT1ST,
  H_TRANSA,
  NET_SHIFT,
  TRANS_SHIFT,
  type FlowIndex,
} from './flow-index.js';
import { icmpv4FlowType, icmpv6FlowType, type SubPacket } from './subpacket.js';
import { TcpStream } from './tcp-reassembly.js';

const u16 = (b: Uint8Array, p: number) => ((b[p] as number) << 8) | (b[p + 1] as number);

/** Source IP of the level's network layer equals the flow's A address (kept in `addr`). */
function srcIsA(
  id: number,
  netProto: number,
  f: DecodedFrame,
  net: number,
  addr: Uint8Array,
): boolean {
  if (netProto < 0) return false;
  const b = f.buffer;
  const is4 = f.types[net] === Layer.IPv4;
  if (is4 !== (netProto === Proto.IPV4)) return false;
  const n = is4 ? 4 : 16;
  const p = (f.offsets[net] as number) + (is4 ? 12 : 8);
  const a = id * ADDR_STRIDE + ADDR_SRC_IP;
  for (let i = 0; i < n; i++) if (b[p + i] !== addr[a + i]) return false;
  return true;
}

function sameSrcDstIP(f: DecodedFrame, net: number): boolean {
  const b = f.buffer;
  const is4 = f.types[net] === Layer.IPv4;
  const n = is4 ? 4 : 16;
  const p = (f.offsets[net] as number) + (is4 ? 12 : 8);
  for (let i = 0; i < n; i++) if (b[p + i] !== b[p + n + i]) return false;
  return true;
}

/** Skydive's isABPacket: by source IP; on equal IPs by ports (or ICMP type) against the flow's A. */
function isAB(
  ix: FlowIndex,
  id: number,
  flags: number,
  f: DecodedFrame,
  sp: SubPacket,
  addr: Uint8Array,
): boolean {
  const netProto = ((flags >> NET_SHIFT) & 15) - 1;
  if (netProto < 0 || sp.net < 0) return false;
  const cmp = srcIsA(id, netProto, f, sp.net, addr);
  if (((flags >> TRANS_SHIFT) & 15) !== 0 && sameSrcDstIP(f, sp.net)) {
    const b = f.buffer;
    const transA = ix.hot[id * HOT + H_TRANSA] as number;
    const t = sp.tcp >= 0 ? sp.tcp : sp.udp >= 0 ? sp.udp : sp.sctp;
    if (t >= 0) return transA > u16(b, f.offsets[t] as number);
    const is4 = f.types[sp.net] === Layer.IPv4;
    const icmpType = ix.entry(id).icmpType;
    if (is4 && sp.icmp4 >= 0)
      return icmpType > icmpv4FlowType(b[f.offsets[sp.icmp4] as number] as number);
    if (!is4 && sp.icmp6 >= 0)
      return icmpType > icmpv6FlowType(b[f.offsets[sp.icmp6] as number] as number);
  }
  return cmp;
}

/** IPv4 total length or IPv6 payload length of the level's network layer. */
function ipLength(f: DecodedFrame, net: number): number {
  const o = f.offsets[net] as number;
  return f.types[net] === Layer.IPv4 ? u16(f.buffer, o + 2) : u16(f.buffer, o + 4);
}

function add(hot: Float64Array, r: number, ab: boolean, length: number): void {
  if (ab) {
    hot[r + H_ABP] = (hot[r + H_ABP] as number) + 1;
    hot[r + H_ABB] = (hot[r + H_ABB] as number) + length;
  } else {
    hot[r + H_BAP] = (hot[r + H_BAP] as number) + 1;
    hot[r + H_BAB] = (hot[r + H_BAB] as number) + length;
  }
}

/**
 * Counts one packet of level `sp` in flow `id` (Skydive's Flow.Update minus DNS), in the index's row
 * of the flow: the flow object is read only for TCPMetric and for equal-address ICMP.
 */
export function updateFlow(
  ix: FlowIndex,
  id: number,
  f: DecodedFrame,
  sp: SubPacket,
  l3Mode: boolean,
  tsMicros: number,
  base: number,
): void {
  const hot = ix.hot;
  const addr = ix.addr;
  const r = id * HOT;
  const flags = hot[r + H_FLAGS] as number;
  hot[r + H_LAST] = Math.floor(tsMicros / 1000) - base;
  const b = f.buffer;
  const eth = sp.eth;
  if (l3Mode) {
    let length = sp.length;
    if (length === 0 && eth >= 0) length = f.lengths[eth] as number;
    if (sp.net >= 0)
      add(hot, r, isAB(ix, id, flags, f, sp, addr), length === 0 ? ipLength(f, sp.net) : length);
  } else if (eth >= 0 && (flags & F_LINK) !== 0) {
    const length = sp.length !== 0 ? sp.length : (f.lengths[eth] as number);
    const o = f.offsets[eth] as number;
    const srcHi = ((b[o + 6] as number) << 8) | (b[o + 7] as number);
    const srcLo =
      (((b[o + 8] as number) << 24) |
        ((b[o + 9] as number) << 16) |
        ((b[o + 10] as number) << 8) |
        (b[o + 11] as number)) >>>
      0;
    let ab = srcHi * 4294967296 + srcLo === hot[r + H_MACA];
    let same = true;
    for (let i = 0; i < 6; i++) if (b[o + i] !== b[o + 6 + i]) same = false;
    if (same) ab = isAB(ix, id, flags, f, sp, addr);
    add(hot, r, ab, length);
  } else if (sp.net >= 0) add(hot, r, isAB(ix, id, flags, f, sp, addr), ipLength(f, sp.net));

  updateRTT(hot, r, flags, f, sp, tsMicros);
  if ((flags & F_TCPM) !== 0) updateTCPMetric(ix.entry(id), f, sp, tsMicros, addr);
}

function rttStart(hot: Float64Array, r: number, ts: number): void {
  hot[r + H_RTT1ST] = ts;
  hot[r + H_FLAGS] = (hot[r + H_FLAGS] as number) | F_RTT;
}

function rttEnd(hot: Float64Array, r: number, ts: number): void {
  hot[r + H_RTT] = Math.round((ts - (hot[r + H_RTT1ST] as number)) * 1000);
  hot[r + H_FLAGS] = (hot[r + H_FLAGS] as number) & ~F_RTT;
}

function updateRTT(
  hot: Float64Array,
  r: number,
  flags: number,
  f: DecodedFrame,
  sp: SubPacket,
  ts: number,
): void {
  const b = f.buffer;
  const pending = (flags & F_RTT) !== 0;
  if (sp.icmp4 >= 0 || sp.icmp6 >= 0) {
    const t =
      sp.icmp4 >= 0
        ? (b[f.offsets[sp.icmp4] as number] as number)
        : (b[f.offsets[sp.icmp6] as number] as number);
    const request = sp.icmp4 >= 0 ? 8 : 128;
    const reply = sp.icmp4 >= 0 ? 0 : 129;
    if (t === request) {
      if (!pending) rttStart(hot, r, ts);
    } else if (t === reply && pending) rttEnd(hot, r, ts);
    return;
  }
  if (sp.tcp >= 0) {
    const fl = b[(f.offsets[sp.tcp] as number) + 13] as number;
    const syn = (fl & 0x02) !== 0;
    if (syn && !pending) rttStart(hot, r, ts);
    else if (pending && ((syn && (fl & 0x10) !== 0) || (fl & 0x04) !== 0)) rttEnd(hot, r, ts);
  }
}

function updateTCPMetric(
  e: FlowEntry,
  f: DecodedFrame,
  sp: SubPacket,
  ts: number,
  addr: Uint8Array,
): void {
  const m = e.tcpMetric;
  if (m === null || e.netProto < 0 || e.transProto !== Proto.TCP || sp.tcp < 0 || sp.net < 0)
    return;
  const b = f.buffer;
  const flags = b[(f.offsets[sp.tcp] as number) + 13] as number;
  if ((flags & 0x07) === 0) return;
  const is4 = f.types[sp.net] === Layer.IPv4;
  if (is4 !== (e.netProto === Proto.IPV4)) return;
  const no = f.offsets[sp.net] as number;
  const ttl = is4 ? (b[no + 8] as number) : (b[no + 7] as number);
  const fromA = srcIsA(e.id, e.netProto, f, sp.net, addr);
  const ms = Math.floor(ts / 1000);
  if (flags & 0x02) {
    if (fromA && m.ABSynStart === 0) {
      m.ABSynStart = ms;
      m.ABSynTTL = ttl;
    } else if (m.BASynStart === 0) {
      m.BASynStart = ms;
      m.BASynTTL = ttl;
    }
  } else if (flags & 0x01) {
    if (fromA) m.ABFinStart = ms;
    else m.BAFinStart = ms;
  } else if (fromA) m.ABRstStart = ms;
  else m.BARstStart = ms;
}

/**
 * Bytes of TCP payload the segment carried: what was captured after the header, or, when the snap
 * length cut the frame, what the IP length says was sent (IPv4 Total Length 0, as segmentation
 * offload leaves it, and IPv6 jumbograms fall back to the captured bytes).
 */
function tcpPayload(f: DecodedFrame, net: number, t: number): number {
  const captured = Math.max(0, (f.lengths[t] as number) - (f.headerLengths[t] as number));
  if (!f.truncated) return captured;
  const declared = ipLength(f, net);
  if (declared === 0) return captured;
  const o = f.offsets[net] as number;
  const end = o + declared + (f.types[net] === Layer.IPv4 ? 0 : 40);
  return Math.max(captured, end - (f.offsets[t] as number) - (f.headerLengths[t] as number));
}

/** Feeds the level's TCP segment to the flow's per-direction sequence trackers. */
export function reassemble(e: FlowEntry, f: DecodedFrame, sp: SubPacket, addr: Uint8Array): void {
  if (e.transProto !== Proto.TCP || sp.tcp < 0 || sp.net < 0) return;
  const b = f.buffer;
  const t = sp.tcp;
  const o = f.offsets[t] as number;
  const fromA = srcIsA(e.id, e.netProto, f, sp.net, addr) && u16(b, o) === e.transA;
  const streams = (e.tcpStreams ??= [null, null]);
  const i = fromA ? 0 : 1;
  const s = (streams[i] ??= new TcpStream());
  const seq =
    (b[o + 4] as number) * 16777216 +
    (((b[o + 5] as number) << 16) | ((b[o + 6] as number) << 8) | (b[o + 7] as number));
  const flags = b[o + 13] as number;
  const payload = tcpPayload(f, sp.net, t);
  if (!s.add(seq, payload, (flags & 2) !== 0, (flags & 1) !== 0, (flags & 4) !== 0)) return;
  const m = (e.tcpMetric ??= emptyTCPMetric());
  if (fromA) {
    m.ABSegmentOutOfOrder = s.outOfOrder;
    m.ABSegmentSkipped = s.skipped;
    m.ABSegmentSkippedBytes = s.skippedBytes;
    m.ABPackets = s.packets;
    m.ABBytes = s.bytes;
    m.ABSawStart = s.sawStart ? 1 : 0;
    m.ABSawEnd = s.sawEnd ? 1 : 0;
  } else {
    m.BASegmentOutOfOrder = s.outOfOrder;
    m.BASegmentSkipped = s.skipped;
    m.BASegmentSkippedBytes = s.skippedBytes;
    m.BAPackets = s.packets;
    m.BABytes = s.bytes;
    m.BASawStart = s.sawStart ? 1 : 0;
    m.BASawEnd = s.sawEnd ? 1 : 0;
  }
}
