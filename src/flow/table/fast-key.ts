// SPDX-License-Identifier: Apache-2.0
// The table hash of the commonest flow keys (IPv4 with TCP, UDP or ICMPv4, with or without the MAC
// record, no parent) read straight from the packet: the same value hashKey() gives over buildKey()'s
// bytes, without writing the key bytes first. Everything else goes through buildKey().

import { Layer, type DecodedFrame } from '../decode/layers.js';
import { fmix, keyHash, mix } from './flow-index.js';
import { icmpv4FlowType, type SubPacket } from './subpacket.js';

/** Little-endian 32-bit words of the key (see buildKey's records). */
const W = new Int32Array(16);

/** The 4 bytes at p as the little-endian int32 hashKey() reads. */
function le32(b: Uint8Array, p: number): number {
  return (
    (b[p] as number) |
    ((b[p + 1] as number) << 8) |
    ((b[p + 2] as number) << 16) |
    ((b[p + 3] as number) << 24)
  );
}

/** The 4 bytes at p as an unsigned big-endian number (address comparisons). */
function be32(b: Uint8Array, p: number): number {
  return (
    (((b[p] as number) << 24) |
      ((b[p + 1] as number) << 16) |
      ((b[p + 2] as number) << 8) |
      (b[p + 3] as number)) >>>
    0
  );
}

/**
 * Puts into keyHash the hash of the key buildKey() would write for sub-packet `sp` without a parent,
 * and returns true; returns false (keyHash untouched) when the level is not one of the shapes handled
 * here: IPv4 key network layer with a TCP or UDP (not a tunnel's) key transport and no ICMP layer, or
 * an ICMPv4 layer and no transport; `l2Mode` adds the MAC record when the level has Ethernet.
 */
export function fastKeyHash(f: DecodedFrame, sp: SubPacket, l2Mode: boolean): boolean {
  const net = sp.keyNet;
  const types = f.types;
  if (net < 0 || types[net] !== Layer.IPv4 || sp.icmp6 >= 0 || sp.icmp6echo >= 0) return false;
  const tr = sp.keyTrans;
  let trType = 0;
  if (tr >= 0) {
    if (sp.icmp4 >= 0) return false;
    const t = types[tr];
    if (t === Layer.TCP) trType = 4;
    else if (t === Layer.UDP) {
      const last = types[sp.to - 1];
      if (last === Layer.VXLAN || last === Layer.Geneve) return false;
      trType = 5;
    } else return false;
  } else if (sp.icmp4 < 0) return false;
  const b = f.buffer;
  const offsets = f.offsets;
  const withMac = l2Mode && sp.eth >= 0;
  const eo = withMac ? (offsets[sp.eth] as number) : 0;
  const no = (offsets[net] as number) + 12;
  const to = tr >= 0 ? (offsets[tr] as number) : 0;

  // buildKey's swap decision (flow-ids.md §3)
  let swap = false;
  let fromNetwork = true;
  if (withMac) {
    const srcHi = ((b[eo + 6] as number) << 8) | (b[eo + 7] as number);
    const dstHi = ((b[eo] as number) << 8) | (b[eo + 1] as number);
    const srcLo = be32(b, eo + 8);
    const dstLo = be32(b, eo + 2);
    swap = srcHi !== dstHi ? srcHi > dstHi : srcLo > dstLo;
    fromNetwork = srcHi === dstHi && srcLo === dstLo;
  }
  if (fromNetwork) {
    const src = be32(b, no);
    const dst = be32(b, no + 4);
    swap = src > dst;
    if (src === dst && tr >= 0)
      swap =
        (((b[to] as number) << 8) | (b[to + 1] as number)) >
        (((b[to + 2] as number) << 8) | (b[to + 3] as number));
  }

  // the records as little-endian words (flow-ids.md §4)
  W[0] = le32(b, swap ? no + 4 : no);
  W[1] = le32(b, swap ? no : no + 4);
  W[2] = 0;
  W[3] = 1 << 24;
  if (tr >= 0) {
    const s = swap ? to + 2 : to;
    const d = swap ? to : to + 2;
    W[4] =
      (b[s] as number) |
      ((b[s + 1] as number) << 8) |
      ((b[d] as number) << 16) |
      ((b[d + 1] as number) << 24);
    W[6] = trType << 24;
  } else {
    const io = offsets[sp.icmp4] as number;
    W[4] =
      icmpv4FlowType(b[io] as number) |
      ((b[io + 1] as number) << 8) |
      ((b[io + 4] as number) << 16) |
      ((b[io + 5] as number) << 24);
    W[6] = 0;
  }
  W[5] = 0;
  let n = 7;
  if (withMac) {
    const m1 = swap ? eo : eo + 6;
    const m2 = swap ? eo + 6 : eo;
    W[7] = le32(b, m1);
    W[8] =
      (b[m1 + 4] as number) |
      ((b[m1 + 5] as number) << 8) |
      ((b[m2] as number) << 16) |
      ((b[m2 + 1] as number) << 24);
    W[9] = le32(b, m2 + 2);
    W[10] = 0;
    W[11] = 3 << 24;
    n = 12;
  }
  const len = n * 4;
  let h1 = len;
  let h2 = len ^ 0x9747b28c;
  for (let i = 0; i < n; i++) {
    const k = W[i] as number;
    h1 = mix(h1, k);
    h2 = mix(h2, k ^ 0x5bd1e995);
  }
  // hashKey's tail step (no bytes left: k = 0)
  h1 = mix(h1, 0);
  h2 = mix(h2, 0x5bd1e995);
  keyHash[0] = fmix(h1);
  keyHash[1] = fmix(h2);
  return true;
}
