// SPDX-License-Identifier: Apache-2.0
// IPv4 reassembly through FrameDecoder: out-of-order and duplicate fragments, refused fragments,
// bounded state (max datagrams, timeout), only the outermost IPv4, and frames inside a batch buffer.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FrameDecoder } from './decode.js';
import * as fields from './fields.js';
import { createDecodedFrame, DecodeError, FragmentState, layersPath } from './layers.js';
import type { DecodedFrame } from './layers.js';
import { cat, eth, gre, icmpEcho, ipv4 } from './testing/craft.js';

/** An ICMP echo of `size` payload bytes split into IPv4 fragments of `chunk` bytes (multiple of 8). */
function fragments(id: number, size: number, chunk: number, src = [10, 0, 0, 1]): Uint8Array[] {
  const datagram = icmpEcho(
    99,
    1,
    Array.from({ length: size }, (_, i) => i & 0xff),
  );
  const out: Uint8Array[] = [];
  for (let o = 0; o < datagram.length; o += chunk) {
    const part = datagram.subarray(o, Math.min(datagram.length, o + chunk));
    out.push(
      eth(0x0800, ipv4(1, part, { id, fragOffset: o, mf: o + chunk < datagram.length, src })),
    );
  }
  return out;
}

function run(dec: FrameDecoder, frames: Uint8Array[], f: DecodedFrame, t0 = 0): number[] {
  return frames.map((fr, i) => {
    dec.decode(1, fr, f, t0 + i);
    return f.fragment;
  });
}

it('reassembles out-of-order fragments and reports Fragments', () => {
  const dec = new FrameDecoder({ extraLayers: 0, ipDefrag: true });
  const f = createDecodedFrame();
  const parts = fragments(7, 3000, 1200);
  const states = run(dec, [parts[2]!, parts[0]!, parts[0]!, parts[1]!], f);
  assert.deepEqual(states, [
    FragmentState.Held,
    FragmentState.Held,
    FragmentState.Held,
    FragmentState.Reassembled,
  ]);
  assert.equal(layersPath(f), 'Ethernet/IPv4/Fragment/ICMPv4');
  assert.equal(f.ipFragments, 3);
  assert.equal(f.ipFragmentErrors, 0);
  const icmp = f.count - 2;
  assert.equal(fields.icmpId(f, icmp), 99);
  assert.equal(f.lengths[icmp], 3008);
  assert.equal(f.buffer[f.offsets[icmp]! + 8 + 2999], 2999 & 0xff);
  assert.equal(dec.defrag?.size, 0);
});

it('counts refused fragments in the datagram IPMetric and in the stats', () => {
  const dec = new FrameDecoder({ extraLayers: 0, ipDefrag: true });
  const f = createDecodedFrame();
  const parts = fragments(8, 100, 64);
  const tiny = eth(0x0800, ipv4(1, [1, 2, 3, 4], { id: 8, fragOffset: 800, mf: true }));
  dec.decode(1, parts[0]!, f);
  dec.decode(1, tiny, f);
  assert.equal(f.fragment, FragmentState.Refused);
  assert.equal(f.error, DecodeError.FragmentError);
  dec.decode(1, parts[1]!, f);
  assert.equal(f.fragment, FragmentState.Reassembled);
  assert.deepEqual([f.ipFragments, f.ipFragmentErrors], [1, 1]);
  assert.equal(dec.stats.errors[DecodeError.FragmentError], 1);
  assert.equal(dec.defrag?.stats.fragmentErrors, 1);
});

it('bounds partial datagrams by count and by age', () => {
  const dec = new FrameDecoder({
    extraLayers: 0,
    ipDefrag: true,
    defragMaxDatagrams: 4,
    defragTimeoutMicros: 1000,
  });
  const f = createDecodedFrame();
  for (let id = 0; id < 10; id++) dec.decode(1, fragments(id, 100, 64)[0]!, f, 0);
  assert.equal(dec.defrag?.size, 4);
  assert.equal(dec.defrag?.stats.evicted, 6);
  dec.decode(1, fragments(100, 100, 64)[0]!, f, 5000);
  assert.equal(dec.defrag?.size, 1);
  assert.equal(dec.defrag?.stats.expired, 4);
  // The first fragment of an evicted datagram is gone: its last fragment alone does not complete it.
  dec.decode(1, fragments(0, 100, 64)[1]!, f, 5001);
  assert.equal(f.fragment, FragmentState.Held);
});

it('leaves inner IPv4 fragments and DF-flagged ones alone, and plain packets untouched', () => {
  const dec = new FrameDecoder({ extraLayers: 0, ipDefrag: true });
  const f = createDecodedFrame();
  const innerFrag = ipv4(1, icmpEcho(1, 1, new Array(16).fill(0)), { mf: true });
  dec.decode(1, eth(0x0800, ipv4(47, gre(0x0800, innerFrag))), f);
  assert.equal(layersPath(f), 'Ethernet/IPv4/GRE/IPv4/Fragment');
  assert.equal(f.fragment, FragmentState.None);
  dec.decode(
    1,
    eth(0x0800, ipv4(1, icmpEcho(1, 1, new Array(16).fill(0)), { mf: true, df: true })),
    f,
  );
  assert.equal(f.fragment, FragmentState.None);
  assert.equal(layersPath(f), 'Ethernet/IPv4/Fragment');
  dec.decode(1, eth(0x0800, ipv4(1, icmpEcho(1, 1))), f);
  assert.deepEqual(
    [f.fragment, f.ipFragments, layersPath(f)],
    [FragmentState.None, 0, 'Ethernet/IPv4/ICMPv4'],
  );
});

it('reassembles frames that sit inside a larger buffer (decodeAt) with offsets from 0', () => {
  const dec = new FrameDecoder({ extraLayers: 0, ipDefrag: true });
  const f = createDecodedFrame();
  const parts = fragments(9, 200, 128);
  const buf = cat(new Array(10).fill(0xaa), parts[0]!, parts[1]!);
  dec.decodeAt(1, buf, 10, 10 + parts[0]!.length, f);
  assert.equal(f.offsets[0], 10);
  dec.decodeAt(1, buf, 10 + parts[0]!.length, buf.length, f);
  assert.equal(f.fragment, FragmentState.Reassembled);
  assert.equal(f.offsets[0], 0);
  assert.equal(f.offsets[1], 14);
  assert.equal(f.lengths[0], 14 + 20 + 208);
  assert.equal(f.lengths[1], 20 + 208);
  assert.equal(layersPath(f), 'Ethernet/IPv4/Fragment/ICMPv4');
  assert.equal(fields.icmpId(f, f.count - 2), 99);
});

it('adds no Fragment layer for an empty fragment payload, and refuses it with ipDefrag', () => {
  const empty = eth(0x0800, ipv4(1, [], { mf: true, id: 3 }));
  const f = createDecodedFrame();
  new FrameDecoder().decode(1, empty, f);
  assert.equal(layersPath(f), 'Ethernet/IPv4');
  const dec = new FrameDecoder({ extraLayers: 0, ipDefrag: true });
  dec.decode(1, empty, f);
  assert.equal(f.fragment, FragmentState.Refused);
});
