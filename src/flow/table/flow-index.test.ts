// SPDX-License-Identifier: Apache-2.0
// FlowIndex: lookups after growth and backward-shift removals, id reuse, and recency order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowEntry } from './entry.js';
import { FlowIndex, hashKey, keyHash, LAZY_FROM } from './flow-index.js';

function key(i: number): Uint8Array {
  const b = new Uint8Array(8 + (i % 40));
  new DataView(b.buffer).setUint32(0, i * 2654435761);
  b[5] = i & 0xff;
  return b;
}

test('finds every key after growth and random removals; removed keys are gone', () => {
  const idx = new FlowIndex(16);
  const entries: FlowEntry[] = [];
  for (let i = 0; i < 20000; i++) {
    const e = new FlowEntry(idx);
    const k = key(i);
    hashKey(k, k.length);
    idx.insert(e, keyHash[0]!, keyHash[1]!);
    entries.push(e);
  }
  assert.equal(idx.size, 20000);
  for (let i = 0; i < 20000; i += 3) idx.remove(entries[i]!);
  for (let i = 0; i < 20000; i++) {
    const k = key(i);
    hashKey(k, k.length);
    const found = idx.find(keyHash[0]!, keyHash[1]!);
    assert.equal(found >= 0 ? idx.entry(found) : null, i % 3 === 0 ? null : entries[i], `key ${i}`);
  }
  // freed ids are reused and the new keys are found
  for (let i = 20000; i < 23000; i++) {
    const e = new FlowEntry(idx);
    const k = key(i);
    hashKey(k, k.length);
    idx.insert(e, keyHash[0]!, keyHash[1]!);
    hashKey(k, k.length);
    assert.equal(idx.entry(idx.find(keyHash[0]!, keyHash[1]!)), e);
  }
  assert.equal(idx.size, 20000 - 6667 + 3000);
});

test('recency: touch moves an entry to the newest end; oldest is evicted first', () => {
  const idx = new FlowIndex(16);
  const es = [0, 1, 2].map((i) => {
    const e = new FlowEntry(idx);
    const k = key(i);
    hashKey(k, k.length);
    idx.insert(e, keyHash[0]!, keyHash[1]!);
    return e;
  });
  idx.touch(es[0]!.id);
  assert.deepEqual(idx.list(), [es[1], es[2], es[0]]);
  assert.equal(idx.oldest, es[1]);
  idx.remove(es[1]!);
  assert.equal(idx.oldest, es[2]);
});

test('recency above LAZY_FROM: used entries are skipped when the oldest is asked for', () => {
  const idx = new FlowIndex(16);
  const es: FlowEntry[] = [];
  for (let i = 0; i < LAZY_FROM + 10; i++) {
    const e = new FlowEntry(idx);
    const k = key(i);
    hashKey(k, k.length);
    idx.insert(e, keyHash[0]!, keyHash[1]!);
    es.push(e);
  }
  // the five oldest are used again: the sixth is now the least recently used
  for (let i = 0; i < 5; i++) idx.touch(es[i]!.id);
  assert.equal(idx.oldest, es[5]);
  idx.remove(es[5]!);
  assert.equal(idx.oldest, es[6]);
  // every entry used again but one: that one is the oldest, wherever it stood in the list
  for (const e of es) if (e.id >= 0 && e !== es[9]) idx.touch(e.id);
  assert.equal(idx.oldest, es[9]);
  assert.equal(idx.list().length, es.length - 1);
});
