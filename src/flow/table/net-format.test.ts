// SPDX-License-Identifier: Apache-2.0
// The text forms built from character codes equal the obvious string formatting: formatMAC against
// toString(16) per byte, hex64 against BigInt's toString(16), over random and edge values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMAC } from './net-format.js';
import { hex64 } from './xxhash64.js';

/** Deterministic xorshift32. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

test('formatMAC prints six two-digit lower-case hex bytes', () => {
  const next = rng(3);
  const b = new Uint8Array(8);
  for (let i = 0; i < 5000; i++) {
    for (let k = 0; k < 8; k++) b[k] = i < 256 ? (i + k) & 0xff : next() & 0xff;
    const want = [...b.subarray(1, 7)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    assert.equal(formatMAC(b, 1), want);
  }
});

test('hex64 prints like Go strconv.FormatUint(x, 16)', () => {
  const next = rng(9);
  const edge = [0, 1, 0xf, 0x10, 0x0fffffff, 0x10000000, 0x7fffffff, 0x80000000, 0xffffffff];
  const values: [number, number][] = [];
  for (const hi of edge) for (const lo of edge) values.push([hi, lo]);
  for (let i = 0; i < 5000; i++) values.push([next() >>> (next() & 31), next()]);
  for (const [hi, lo] of values) {
    const want = ((BigInt(hi) << 32n) | BigInt(lo)).toString(16);
    assert.equal(hex64(hi, lo), want, `${hi} ${lo}`);
  }
});
