// SPDX-License-Identifier: Apache-2.0
// Test helper: builds headers byte by byte for the decoder tests (lengths filled in, checksums zero)
// and names the layers a frame decoded to.
import { FrameDecoder } from '../decode.js';
import type { FrameDecoderOptions } from '../decode.js';
import { createDecodedFrame, LAYER_NAMES } from '../layers.js';
import type { DecodedFrame } from '../layers.js';

type Bytes = ArrayLike<number>;

/** Concatenates byte arrays. */
export function cat(...parts: Bytes[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(Array.from(p), o);
    o += p.length;
  }
  return out;
}

/** Big-endian 16-bit value as two bytes. */
export const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
/** Big-endian 32-bit value as four bytes. */
export const be32 = (v: number): number[] => [
  (v >>> 24) & 0xff,
  (v >> 16) & 0xff,
  (v >> 8) & 0xff,
  v & 0xff,
];

const MAC_A = [2, 0, 0, 0, 0, 1];
const MAC_B = [2, 0, 0, 0, 0, 2];

/** Ethernet II header + payload. */
export const eth = (type: number, payload: Bytes = [], dst = MAC_B, src = MAC_A): Uint8Array =>
  cat(dst, src, be16(type), payload);

/** 802.1Q tag (TPID supplied by the outer header) + inner type + payload. */
export const dot1q = (vlan: number, type: number, payload: Bytes = []): Uint8Array =>
  cat(be16(vlan & 0xfff), be16(type), payload);

/** IPv4 header (+ options, padded to 4 bytes) + payload. */
export function ipv4(
  proto: number,
  payload: Bytes = [],
  o: {
    options?: number[];
    id?: number;
    mf?: boolean;
    df?: boolean;
    fragOffset?: number;
    src?: number[];
    dst?: number[];
    total?: number;
  } = {},
): Uint8Array {
  const opts = o.options ?? [];
  const pad = (4 - (opts.length % 4)) % 4;
  const hlen = 20 + opts.length + pad;
  const flags = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) >> 3);
  return cat(
    [0x40 | (hlen / 4), 0],
    be16(o.total ?? hlen + payload.length),
    be16(o.id ?? 1),
    be16(flags),
    [64, proto, 0, 0],
    o.src ?? [10, 0, 0, 1],
    o.dst ?? [10, 0, 0, 2],
    opts,
    new Array<number>(pad).fill(0),
    payload,
  );
}

/** IPv6 header + payload (payload length filled in unless given). */
export function ipv6(next: number, payload: Bytes = [], plen = payload.length): Uint8Array {
  const src = [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dst = [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  return cat([0x60, 0, 0, 0], be16(plen), [next, 64], src, dst, payload);
}

/** An IPv6 extension header (hop-by-hop, routing, destination) padded to 8 bytes. */
export function ext6(next: number, body: number[], payload: Bytes = []): Uint8Array {
  const len = Math.ceil((body.length + 2) / 8) * 8;
  const pad = new Array<number>(len - 2 - body.length).fill(0);
  if (pad.length === 1)
    pad[0] = 0; // Pad1
  else if (pad.length > 1) pad.splice(0, 2, 1, pad.length - 2); // PadN
  return cat([next, len / 8 - 1], body, pad, payload);
}

/** UDP header + payload. */
export const udp = (
  sport: number,
  dport: number,
  payload: Bytes = [],
  len = 8 + payload.length,
): Uint8Array => cat(be16(sport), be16(dport), be16(len), [0, 0], payload);

/** TCP header (flags, options padded with NOPs... given as is) + payload. */
export function tcp(
  sport: number,
  dport: number,
  flags = 0x02,
  options: number[] = [],
  payload: Bytes = [],
): Uint8Array {
  const pad = (4 - (options.length % 4)) % 4;
  const hlen = 20 + options.length + pad;
  return cat(
    be16(sport),
    be16(dport),
    be32(1000),
    be32(0),
    [(hlen / 4) << 4, flags],
    be16(65535),
    [0, 0, 0, 0],
    options,
    new Array<number>(pad).fill(0),
    payload,
  );
}

/** ICMPv4 echo request. */
export const icmpEcho = (id: number, seq: number, payload: Bytes = []): Uint8Array =>
  cat([8, 0, 0, 0], be16(id), be16(seq), payload);

/** GRE header with optional checksum/key/sequence words. */
export function gre(
  proto: number,
  payload: Bytes = [],
  o: { key?: number; seq?: number; csum?: boolean } = {},
): Uint8Array {
  const flags =
    (o.csum ? 0x80 : 0) | (o.key !== undefined ? 0x20 : 0) | (o.seq !== undefined ? 0x10 : 0);
  return cat(
    [flags, 0],
    be16(proto),
    o.csum ? [0, 0, 0, 0] : [],
    o.key !== undefined ? be32(o.key) : [],
    o.seq !== undefined ? be32(o.seq) : [],
    payload,
  );
}

/** VXLAN header with a VNI. */
export const vxlan = (vni: number, payload: Bytes = []): Uint8Array =>
  cat([8, 0, 0, 0], be32(vni << 8), payload);

/** MPLS label stack entry. */
export const mpls = (label: number, bottom: boolean, payload: Bytes = []): Uint8Array =>
  cat(be32((label << 12) | (bottom ? 0x100 : 0) | 64), payload);

/** Decodes `data` and returns the layer names joined by '/', with ' !error' when the walk stopped on one. */
export function layersOf(
  data: Uint8Array,
  linkType = 1,
  opts: Partial<FrameDecoderOptions> = {},
  frame: DecodedFrame = createDecodedFrame(),
): string {
  new FrameDecoder({ extraLayers: 0, ipDefrag: false, ...opts }).decode(linkType, data, frame);
  const names = Array.from(frame.types.subarray(0, frame.count), (t) => LAYER_NAMES[t]).join('/');
  return frame.error ? `${names} !${frame.error}` : names;
}
