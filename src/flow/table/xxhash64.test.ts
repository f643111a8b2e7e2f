// SPDX-License-Identifier: Apache-2.0
// XXH64 against a BigInt reference written from the algorithm description, the well-known
// empty-input digest and the flow-ids.md vectors; mid-stream digests equal one-shot digests.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XXH64, hex64, xxh64Hex } from './xxhash64.js';

const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
const rd = (acc: bigint, v: bigint) => (rotl((acc + v * P2) & M, 31n) * P1) & M;
const le = (b: Uint8Array, p: number, n: number) => {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[p + i] as number);
  return v;
};

/** Reference XXH64 in BigInt (tests only). */
function refXXH64(b: Uint8Array, seed = 0n): bigint {
  let p = 0;
  let h: bigint;
  if (b.length >= 32) {
    let v1 = (seed + P1 + P2) & M;
    let v2 = (seed + P2) & M;
    let v3 = seed;
    let v4 = (seed - P1) & M;
    for (; p + 32 <= b.length; p += 32) {
      v1 = rd(v1, le(b, p, 8));
      v2 = rd(v2, le(b, p + 8, 8));
      v3 = rd(v3, le(b, p + 16, 8));
      v4 = rd(v4, le(b, p + 24, 8));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    for (const v of [v1, v2, v3, v4]) h = ((((h ^ rd(0n, v)) * P1) & M) + P4) & M;
  } else h = (seed + P5) & M;
  h = (h + BigInt(b.length)) & M;
  for (; p + 8 <= b.length; p += 8) h = (rotl(h ^ rd(0n, le(b, p, 8)), 27n) * P1 + P4) & M;
  if (p + 4 <= b.length) {
    h = (rotl(h ^ ((le(b, p, 4) * P1) & M), 23n) * P2 + P3) & M;
    p += 4;
  }
  for (; p < b.length; p++) h = (rotl(h ^ ((BigInt(b[p] as number) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

const hexBytes = (s: string) => Uint8Array.from(Buffer.from(s.replace(/[\s|]/g, ''), 'hex'));

test('empty input gives the published XXH64 digest', () => {
  assert.equal(xxh64Hex(new Uint8Array(0)), 'ef46db3751d8e999');
  assert.equal(refXXH64(new Uint8Array(0)).toString(16), 'ef46db3751d8e999');
});

test('matches the BigInt reference for lengths 0..200 and several seeds', () => {
  const data = new Uint8Array(200);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (const seed of [0n, 1n, 0x9e42a86914a043b8n, M]) {
    const sh = Number(seed >> 32n);
    const sl = Number(seed & 0xffffffffn);
    for (let n = 0; n <= 200; n++) {
      const got = xxh64Hex(data.subarray(0, n), sh, sl);
      assert.equal(got, refXXH64(data.subarray(0, n), seed).toString(16), `len ${n} seed ${seed}`);
    }
  }
});

test('digest mid-stream equals the one-shot digest of the prefix, and writing goes on', () => {
  const data = new Uint8Array(97);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 0xff;
  const h = new XXH64();
  let written = 0;
  for (const step of [3, 10, 1, 25, 40, 18]) {
    h.update(data, written, step);
    written += step;
    assert.equal(h.digest().hex(), refXXH64(data.subarray(0, written)).toString(16));
  }
  const b = new XXH64();
  for (let i = 0; i < 50; i++) b.byte(data[i] as number);
  assert.equal(b.digest().hex(), refXXH64(data.subarray(0, 50)).toString(16));
});

test('flow-ids.md vectors: layer-key-mode ICMP flow in L3 and L2 modes', () => {
  const l3 = 'c0a80001 c0a80002 0000000000000001 02005c34 0000000000000000';
  assert.equal(xxh64Hex(hexBytes(l3)), '9e42a86914a043b8');
  const l2 = `${l3} 2eb92d762407 f245255b3abc 0000000000000003`;
  assert.equal(xxh64Hex(hexBytes(l2)), 'a25d427a9f9dcdb8');
  const l2b = `${l3} 2eb92d762407 f245255b3aac 0000000000000003`;
  assert.equal(xxh64Hex(hexBytes(l2b)), '6952cad8cd38c63c');
  // streaming: the L3 digest then the L2 digest from one hasher
  const h = new XXH64().update(hexBytes(l3));
  assert.equal(h.digest().hex(), '9e42a86914a043b8');
  h.update(hexBytes('2eb92d762407 f245255b3abc 0000000000000003'));
  assert.equal(h.digest().hex(), 'a25d427a9f9dcdb8');
});

test('flow-ids.md vectors: UUID, DNS and VXLAN keys', () => {
  const uuid = new XXH64(0x9e42a869, 0x14a043b8).u64be(0x163, 0x6897912b).digest().hex();
  assert.equal(uuid, 'b19e0a54df6a2006');
  const dns = new XXH64().update(
    hexBytes('0a00000c 0a00008a 0000000000000001 a13e 0035 0000000000000005'),
  );
  assert.equal(dns.digest().hex(), '1a2a86685b29c35e');
  dns.update(hexBytes('144f8ad7593d 409bcdd27b11 0000000000000003'));
  assert.equal(dns.digest().hex(), '181ad6ecea69f1b3');
  const vx = new XXH64().update(
    hexBytes('ac100002 ac100001 0000000000000001 0000000a 12b5 0000000000000000'),
  );
  assert.equal(vx.digest().hex(), '966aa2a8220b5690');
  vx.update(hexBytes('3a07fe34458e fa3671467619 0000000000000003'));
  assert.equal(vx.digest().hex(), '41c208dd8e419276');
});

test('hex64 has no zero padding on the high half and pads the low half', () => {
  assert.equal(hex64(0, 0), '0');
  assert.equal(hex64(0xaeea0b9, 0x0a10c46), 'aeea0b900a10c46');
  assert.equal(hex64(1, 0), '100000000');
});
