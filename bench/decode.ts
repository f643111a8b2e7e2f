// SPDX-License-Identifier: Apache-2.0
// Packet decoding: frames/s of FrameDecoder.decodeBatch over a mixed synthetic batch (TCP 60 %, UDP
// 25 %, ICMP echo 10 %, VXLAN-in-UDP with inner TCP 5 %), reading the flow key fields (addresses,
// ports, ICMP id) from the buffer, against the named baseline "cap-decoders": the per-packet object
// decoders shipped with `cap` (require('cap').decoders: Ethernet → IPV4 → TCP/UDP/ICMPV4, and again
// for the inner frame of VXLAN), reading the same fields from the objects they return. One core.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { FrameDecoder } from '../src/flow/decode/decode.js';
import * as fields from '../src/flow/decode/fields.js';
import { createDecodedFrame, Layer } from '../src/flow/decode/layers.js';
import type { DecodedFrame } from '../src/flow/decode/layers.js';
import { PacketBatchBuilder } from '../src/flow/packet.js';
import type { PacketBatch } from '../src/flow/packet.js';
import { printFigure } from './lib/report.js';

const PACKETS = Number(process.env['PACKETS'] ?? 200_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 7);

let seed = 7;
const rnd = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
};

function ethIPv4(
  f: Uint8Array,
  o: number,
  a: number,
  b: number,
  proto: number,
  ipLen: number,
): number {
  f.set([2, 0, 0, (b >>> 8) & 0xff, b & 0xff, 1, 2, 0, 0, (a >>> 8) & 0xff, a & 0xff, 1, 8, 0], o);
  f.set(
    [
      0x45,
      0,
      ipLen >> 8,
      ipLen & 0xff,
      0,
      0,
      0x40,
      0,
      64,
      proto,
      0,
      0,
      10,
      0,
      (a >>> 8) & 0xff,
      a & 0xff,
      10,
      1,
      (b >>> 8) & 0xff,
      b & 0xff,
    ],
    o + 14,
  );
  return o + 34;
}

function tcpHeader(f: Uint8Array, o: number, sport: number, dport: number): number {
  f.set(
    [
      sport >> 8,
      sport & 0xff,
      dport >> 8,
      dport & 0xff,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0x50,
      0x18,
      0xff,
      0xff,
      0,
      0,
      0,
      0,
    ],
    o,
  );
  return o + 20;
}

/** One synthetic frame of flow `i`. */
function frame(i: number): Uint8Array {
  const kind = i % 20;
  const a = 1 + (i % 5000);
  const b = 6000 + rnd(200);
  const payload = 40 + rnd(400);
  if (kind < 12) {
    const f = new Uint8Array(14 + 20 + 20 + payload);
    tcpHeader(f, ethIPv4(f, 0, a, b, 6, 40 + payload), 1024 + a, 443);
    return f;
  }
  if (kind < 17) {
    const f = new Uint8Array(14 + 20 + 8 + payload);
    const o = ethIPv4(f, 0, a, b, 17, 28 + payload);
    f.set(
      [
        (1024 + a) >> 8,
        (1024 + a) & 0xff,
        0x1f,
        0x90,
        (8 + payload) >> 8,
        (8 + payload) & 0xff,
        0,
        0,
      ],
      o,
    );
    return f;
  }
  if (kind < 19) {
    const f = new Uint8Array(14 + 20 + 8 + 56);
    const o = ethIPv4(f, 0, a, b, 1, 84);
    f.set([8, 0, 0, 0, a >> 8, a & 0xff, 0, 1], o);
    return f;
  }
  const inner = 14 + 20 + 20 + payload;
  const f = new Uint8Array(14 + 20 + 8 + 8 + inner);
  let o = ethIPv4(f, 0, a, b, 17, 20 + 8 + 8 + inner);
  f.set([0xc0, 0x01, 0x12, 0xb5, (16 + inner) >> 8, (16 + inner) & 0xff, 0, 0], o);
  f.set([8, 0, 0, 0, 0, 0, 42, 0], o + 8);
  o = ethIPv4(f, o + 16, a + 7, b + 7, 6, 40 + payload);
  tcpHeader(f, o, 2000 + a, 80);
  return f;
}

const builder = new PacketBatchBuilder(1, PACKETS, PACKETS * 300);
for (let i = 0; i < PACKETS; i++) builder.push(frame(i), i);
const batch = builder.take();

/** Ours: decode each frame in place, then read the innermost addresses, ports and ICMP id. */
function ours(dec: FrameDecoder, f: DecodedFrame, b: PacketBatch): number {
  let acc = 0;
  dec.decodeBatch(b, f, (_i, fr) => {
    for (let k = fr.count - 1; k >= 0; k--) {
      const t = fr.types[k];
      if (t === Layer.TCP || t === Layer.UDP) acc += fields.srcPort(fr, k) + fields.dstPort(fr, k);
      else if (t === Layer.ICMPv4) acc += fields.icmpId(fr, k);
      else if (t === Layer.IPv4) {
        acc +=
          fr.buffer[fields.srcAddressOffset(fr, k) + 3]! +
          fr.buffer[fields.dstAddressOffset(fr, k) + 3]!;
        break;
      }
    }
  });
  return acc;
}

interface CapDecoders {
  Ethernet(b: Buffer, o: number): { info: { type?: number }; offset: number };
  IPV4(
    b: Buffer,
    o: number,
  ): {
    info: { protocol: number; srcaddr: string; dstaddr: string; totallen: number };
    hdrlen: number;
    offset: number;
  };
  TCP(b: Buffer, o: number): { info: { srcport: number; dstport: number }; offset: number };
  UDP(b: Buffer, o: number): { info: { srcport: number; dstport: number }; offset: number };
  ICMPV4(
    b: Buffer,
    n: number,
    o: number,
  ): { info: { identifier?: number } | undefined; offset: number };
}
const cap = (createRequire(import.meta.url)('cap') as { decoders: CapDecoders }).decoders;

/** Baseline: cap's object decoders, the same layers and fields (addresses as strings, as they return them). */
function baseline(b: PacketBatch): number {
  const buf = Buffer.from(b.buffer.buffer, b.buffer.byteOffset, b.buffer.byteLength);
  let acc = 0;
  for (let i = 0; i < b.count; i++) {
    let o = b.offsets[i]!;
    for (let depth = 0; depth < 2; depth++) {
      const eth = cap.Ethernet(buf, o);
      if (eth.info.type !== 0x0800) break;
      const ip = cap.IPV4(buf, eth.offset);
      acc += ip.info.srcaddr.length + ip.info.dstaddr.length;
      if (ip.info.protocol === 6) {
        const t = cap.TCP(buf, ip.offset);
        acc += t.info.srcport + t.info.dstport;
      } else if (ip.info.protocol === 17) {
        const u = cap.UDP(buf, ip.offset);
        acc += u.info.srcport + u.info.dstport;
        if (u.info.dstport === 4789) {
          o = u.offset + 8;
          continue;
        }
      } else if (ip.info.protocol === 1) {
        const c = cap.ICMPV4(buf, ip.info.totallen - ip.hdrlen, ip.offset);
        acc += c.info?.identifier ?? 0;
      }
      break;
    }
  }
  return acc;
}

function rate(fn: () => number): number {
  const t0 = performance.now();
  const sink = fn();
  const s = (performance.now() - t0) / 1000;
  if (sink === -1) console.log('');
  return PACKETS / s;
}

const dec = new FrameDecoder();
const frameOut = createDecodedFrame();
const oursRates: number[] = [];
const baseRates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  oursRates.push(rate(() => ours(dec, frameOut, batch)));
  baseRates.push(rate(() => baseline(batch)));
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
console.log(
  `${PACKETS} frames (TCP 60 %, UDP 25 %, ICMP 10 %, VXLAN 5 %), ${ROUNDS} rounds, median`,
);
printFigure('decode (frames/s)', median(oursRates), 'cap-decoders', median(baseRates), 'frames/s');
const errors = dec.stats.errors.reduce((a, v, i) => (i === 0 ? a : a + v), 0);
console.log(`decoded ${dec.stats.packets} frames, ${errors} with errors`);
