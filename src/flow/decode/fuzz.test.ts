// SPDX-License-Identifier: Apache-2.0
// Fuzz-style robustness: random bytes, every truncation and random byte flips of every pcaptraces
// frame never throw, and every decoded layer stays inside the frame's buffer.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { it } from 'node:test';
import { FrameDecoder } from './decode.js';
import { createDecodedFrame, DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { readPcapRecords } from './testing/pcap-records.js';

const dir =
  process.env['SKYDIVE_PCAPTRACES'] ??
  new URL('../../../test/fixtures/pcaptraces', import.meta.url).pathname;
const LINK_TYPES = [0, 1, 12, 101, 113, 228, 229];

/** Deterministic xorshift32 so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Fixed header size of the layers fields.ts reads: a recorded layer always has at least this much. */
const FIXED: Record<number, number> = {
  [Layer.Ethernet]: 14,
  [Layer.Dot1Q]: 4,
  [Layer.MPLS]: 4,
  [Layer.ARP]: 8,
  [Layer.IPv4]: 20,
  [Layer.IPv6]: 40,
  [Layer.TCP]: 20,
  [Layer.UDP]: 8,
  [Layer.SCTP]: 12,
  [Layer.ICMPv4]: 8,
  [Layer.ICMPv6]: 4,
  [Layer.ICMPv6Echo]: 4,
  [Layer.GRE]: 4,
  [Layer.VXLAN]: 8,
  [Layer.Geneve]: 8,
};

function checkFrame(f: DecodedFrame, start: number, end: number): void {
  assert.ok(f.count <= f.types.length);
  assert.ok(f.error >= DecodeError.None && f.error <= DecodeError.FragmentError);
  const limit = f.buffer.length;
  for (let k = 0; k < f.count; k++) {
    const o = f.offsets[k]!;
    assert.ok(o + f.lengths[k]! <= limit, `layer ${k} ends past the buffer`);
    assert.ok(f.headerLengths[k]! <= f.lengths[k]!, `layer ${k} header longer than the layer`);
    const fixed = FIXED[f.types[k]!] ?? 0;
    assert.ok(
      f.headerLengths[k]! >= fixed && o + fixed <= limit,
      `layer ${k} fixed header incomplete`,
    );
    if (f.fragment === 0)
      assert.ok(o >= start && o + f.lengths[k]! <= end, `layer ${k} outside the frame`);
  }
}

function decodeChecked(dec: FrameDecoder, lt: number, data: Uint8Array, f: DecodedFrame): void {
  // Embed the frame in a larger buffer so reads past its end would be caught by checkFrame.
  const buf = new Uint8Array(data.length + 16).fill(0x5a);
  buf.set(data, 8);
  dec.decodeAt(lt, buf, 8, 8 + data.length, f, 0);
  checkFrame(f, 8, 8 + data.length);
}

it('random bytes never throw, whatever the link type', () => {
  const next = rng(0x5eed);
  const f = createDecodedFrame();
  const dec = new FrameDecoder({ extraLayers: 255, ipDefrag: true, mplsUdpPorts: [6635] });
  for (let i = 0; i < 20000; i++) {
    const data = new Uint8Array(Math.floor(next() * 200));
    for (let j = 0; j < data.length; j++) data[j] = Math.floor(next() * 256);
    // Bias the first bytes toward real headers so the walk gets deep.
    if (data.length > 14 && next() < 0.5) data.set([0x08, 0x00], 12);
    if (data.length > 15 && next() < 0.3) data[14] = 0x45;
    decodeChecked(dec, LINK_TYPES[i % LINK_TYPES.length]!, data, f);
  }
  assert.equal(dec.stats.packets, 20000);
});

it('every truncation and random corruption of every pcaptraces frame never throws', () => {
  const next = rng(42);
  const f = createDecodedFrame();
  const dec = new FrameDecoder({ extraLayers: 255, ipDefrag: true, mplsUdpPorts: [51234] });
  let frames = 0;
  for (const file of readdirSync(dir).filter((n) => n.endsWith('.pcap'))) {
    const { linkType, records } = readPcapRecords(`${dir}/${file}`);
    for (const r of records.slice(0, 40)) {
      frames++;
      for (let cut = 0; cut <= r.data.length; cut++)
        decodeChecked(dec, linkType, r.data.subarray(0, cut), f);
      for (let n = 0; n < 20; n++) {
        const copy = Uint8Array.from(r.data);
        for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--)
          copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
        decodeChecked(dec, linkType, copy, f);
      }
    }
  }
  assert.ok(frames > 100);
  assert.ok(dec.stats.errors[DecodeError.Truncated]! > 0);
});
