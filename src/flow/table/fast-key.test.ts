// SPDX-License-Identifier: Apache-2.0
// fastKeyHash must give exactly hashKey(buildKey()) whenever it handles a level: over every level of
// every shared capture and over hand-made frames covering each swap rule (MACs, addresses, ports).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FrameDecoder } from '../decode/decode.js';
import { createDecodedFrame, type DecodedFrame } from '../decode/layers.js';
import { encapsulationLevels } from '../decode/levels.js';
import { LinkType } from '../packet.js';
import { readCapture } from '../pcap/index.js';
import { haveTraces, tracesDir } from '../pcap/traces.test-util.js';
import { fastKeyHash } from './fast-key.js';
import { hashKey, keyHash } from './flow-index.js';
import { KeyScratch, SubPacket, buildKey } from './subpacket.js';

const sp = new SubPacket();
const ks = new KeyScratch();
const starts = new Uint32Array(16);

/** Checks every level of a decoded frame in both key modes; returns how many the fast path took. */
function check(f: DecodedFrame, what: string): number {
  let fast = 0;
  const n = encapsulationLevels(f, starts);
  for (let l = 0; l < n; l++) {
    const from = starts[l] as number;
    const to = l + 1 < n ? (starts[l + 1] as number) : f.count;
    sp.locate(f, from, to, from === 0);
    for (const l2 of [true, false]) {
      keyHash[0] = 0x1234;
      keyHash[1] = 0x5678;
      if (!fastKeyHash(f, sp, l2)) {
        assert.deepEqual([...keyHash], [0x1234, 0x5678], `${what}: keyHash untouched`);
        continue;
      }
      fast++;
      const got = [...keyHash];
      assert.ok(buildKey(f, sp, l2, null, ks), `${what}: buildKey makes a key`);
      hashKey(ks.bytes, ks.len);
      assert.deepEqual(got, [...keyHash], `${what} level ${l} l2=${l2}`);
    }
  }
  return fast;
}

test('fast key hash equals hashKey(buildKey) on every level of the shared captures', (t) => {
  if (!haveTraces) return t.skip('captures missing');
  const dec = new FrameDecoder();
  const f = createDecodedFrame(64);
  let fast = 0;
  let levels = 0;
  for (const name of readdirSync(tracesDir).filter((n) => n.endsWith('.pcap'))) {
    for (const b of readCapture(readFileSync(join(tracesDir, name))).batches)
      for (let i = 0; i < b.count; i++) {
        const s = b.offsets[i] as number;
        dec.decodeAt(b.linkType, b.buffer, s, s + (b.capLens[i] as number), f);
        fast += check(f, `${name} #${i}`);
        levels++;
      }
  }
  assert.ok(levels > 500, `${levels} packets checked`);
  assert.ok(fast > 800, `fast path taken ${fast} times`);
});

/** Ethernet/IPv4 frame with a TCP (6), UDP (17) or ICMP echo (1) header. */
function frame(
  mac1: number[],
  mac2: number[],
  ip1: number[],
  ip2: number[],
  proto: number,
  p1: number,
  p2: number,
): Uint8Array {
  const l4 = proto === 6 ? 20 : 8;
  const f = new Uint8Array(14 + 20 + l4 + 4);
  f.set(mac2, 0); // destination
  f.set(mac1, 6); // source
  f.set([8, 0], 12);
  f.set([0x45, 0, 0, 20 + l4 + 4, 0, 0, 0x40, 0, 64, proto, 0, 0, ...ip1, ...ip2], 14);
  if (proto === 1) f.set([8, 0, 0, 0, p1 >> 8, p1 & 0xff, 0, 1], 34);
  else f.set([p1 >> 8, p1 & 0xff, p2 >> 8, p2 & 0xff], 34);
  if (proto === 6) f[34 + 12] = 0x50;
  if (proto === 17) f.set([0, 12], 38);
  return f;
}

test('fast key hash equals hashKey(buildKey) for every swap rule', () => {
  const dec = new FrameDecoder();
  const f = createDecodedFrame(16);
  const macs = [
    [2, 0, 0, 0, 0, 1],
    [2, 0, 0, 0, 0, 2],
    [1, 0, 0, 0, 0, 9],
    [2, 1, 0, 0, 0, 0],
  ];
  const ips = [
    [10, 0, 0, 1],
    [10, 0, 0, 2],
    [192, 168, 1, 1],
    [9, 255, 255, 255],
  ];
  const ports = [80, 443, 1024, 65535];
  let fast = 0;
  for (const proto of [6, 17, 1])
    for (const m1 of macs)
      for (const m2 of [macs[0]!, macs[3]!, m1])
        for (const a of ips)
          for (const b of [ips[1]!, ips[3]!, a])
            for (const p1 of ports)
              for (const p2 of [ports[0]!, p1]) {
                const data = frame(m1, m2, a, b, proto, p1, p2);
                dec.decode(LinkType.ETHERNET, data, f);
                fast += check(f, `proto ${proto} ${m1}>${m2} ${a}>${b} ${p1}>${p2}`);
                dec.decode(LinkType.IPV4, data.subarray(14), f);
                fast += check(f, `raw proto ${proto} ${a}>${b} ${p1}>${p2}`);
              }
  assert.ok(fast > 3000, `fast path taken ${fast} times`);
});

test('locateSimple finds what locate finds on every frame decodeSimple takes', (t) => {
  if (!haveTraces) return t.skip('captures missing');
  const dec = new FrameDecoder();
  const f = createDecodedFrame(64);
  const a = new SubPacket();
  const b = new SubPacket();
  let n = 0;
  for (const name of readdirSync(tracesDir).filter((x) => x.endsWith('.pcap')))
    for (const batch of readCapture(readFileSync(join(tracesDir, name))).batches) {
      if (batch.linkType !== LinkType.ETHERNET) continue;
      for (let i = 0; i < batch.count; i++) {
        const s = batch.offsets[i] as number;
        if (!dec.decodeSimpleAt(batch.buffer, s, s + (batch.capLens[i] as number), f)) continue;
        a.locate(f, 0, f.count, true);
        b.locateSimple(f);
        assert.deepEqual({ ...b }, { ...a }, `${name} #${i}`);
        n++;
      }
    }
  assert.ok(n > 300, `${n} frames`);
});
