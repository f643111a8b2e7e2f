// SPDX-License-Identifier: Apache-2.0
// The commonest frame, decoded without the generic layer walk: Ethernet / IPv4 without options or
// fragmentation / TCP, UDP (to ports nothing else decodes) or ICMPv4 / payload, complete (not cut by
// the snap length). It writes exactly what the walk writes for such a frame, or declines.
import { DecodeError, FragmentState, Layer, type DecodedFrame } from './layers.js';

const u16 = (b: Uint8Array, o: number) => ((b[o] as number) << 8) | (b[o + 1] as number);

/**
 * Decodes the Ethernet frame b[start, end) into `f` when it is Ethernet/IPv4/(TCP|UDP|ICMPv4) and
 * decodes cleanly (no error, not truncated), and returns true; else returns false and the caller
 * runs the generic walk (which resets `f`). `ports` is the decoder's UDP port table: a UDP port
 * with a decoder of its own (DNS, VXLAN, …) is declined.
 */
export function decodeSimple(
  f: DecodedFrame,
  b: Uint8Array,
  start: number,
  end: number,
  ports: Uint8Array,
): boolean {
  const ip = start + 14;
  if (end - ip < 20 || b[start + 12] !== 0x08 || b[start + 13] !== 0 || b[ip] !== 0x45)
    return false;
  const avail = end - ip;
  let total = u16(b, ip + 2);
  if (total === 0) total = avail; // TCP segmentation offload leaves it 0
  // not truncated, no fragment (MF clear, offset 0), room for the transport's fixed header
  if (total < 28 || total > avail || ((b[ip + 6] as number) & 0x3f) !== 0 || b[ip + 7] !== 0)
    return false;
  const ipEnd = ip + total;
  const t = ip + 20;
  const proto = b[ip + 9];
  let type: number;
  let tEnd = ipEnd;
  let hdr: number;
  if (proto === 6) {
    if (ipEnd - t < 20) return false;
    hdr = ((b[t + 12] as number) >> 4) * 4;
    if (hdr < 20 || hdr > ipEnd - t) return false;
    // options as the walk checks them
    const hend = t + hdr;
    for (let o = t + 20; o < hend; ) {
      const kind = b[o] as number;
      if (kind === 0) break;
      if (kind === 1) {
        o++;
        continue;
      }
      const l = hend - o < 2 ? 0 : (b[o + 1] as number);
      if (l < 2 || l > hend - o) return false;
      o += l;
    }
    type = Layer.TCP;
  } else if (proto === 17) {
    const len = u16(b, t + 4);
    if (len >= 8) {
      if (t + len > ipEnd) return false; // truncated
      tEnd = t + len;
    } else if (len !== 0) return false; // malformed
    if (ports[u16(b, t + 2)] !== 0 || ports[u16(b, t)] !== 0) return false;
    hdr = 8;
    type = Layer.UDP;
  } else if (proto === 1) {
    hdr = 8;
    type = Layer.ICMPv4;
  } else return false;
  const types = f.types;
  const offsets = f.offsets;
  const lengths = f.lengths;
  const headers = f.headerLengths;
  f.buffer = b;
  f.truncated = false;
  f.error = DecodeError.None;
  f.fragment = FragmentState.None;
  f.ipFragments = 0;
  f.ipFragmentErrors = 0;
  types[0] = Layer.Ethernet;
  offsets[0] = start;
  lengths[0] = end - start;
  headers[0] = 14;
  types[1] = Layer.IPv4;
  offsets[1] = ip;
  lengths[1] = total;
  headers[1] = 20;
  types[2] = type;
  offsets[2] = t;
  lengths[2] = tEnd - t;
  headers[2] = hdr;
  const pay = t + hdr;
  if (pay < tEnd) {
    types[3] = Layer.Payload;
    offsets[3] = pay;
    lengths[3] = tEnd - pay;
    headers[3] = tEnd - pay;
    f.count = 4;
  } else f.count = 3;
  return true;
}
