// SPDX-License-Identifier: Apache-2.0
// PacketBatchBuilder: packets survive growth of both the index and the byte buffer.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LinkType, PacketBatchBuilder, packetAt } from './packet.js';

it('collects packets across growth and starts afresh after take()', () => {
  const b = new PacketBatchBuilder(LinkType.ETHERNET, 2, 8);
  for (let i = 0; i < 10; i++) b.push(new Uint8Array(i + 1).fill(i), 1000 + i, 60 + i);
  const batch = b.take();
  assert.equal(batch.count, 10);
  for (let i = 0; i < 10; i++) {
    assert.deepEqual([...packetAt(batch, i)], new Array(i + 1).fill(i));
    assert.equal(batch.wireLens[i], 60 + i);
    assert.equal(batch.timestamps[i], 1000 + i);
  }
  assert.equal(b.count, 0);
  b.push(Uint8Array.of(7), 1);
  assert.deepEqual([...packetAt(b.take(), 0)], [7]);
  assert.deepEqual(
    [...packetAt(batch, 9)],
    new Array(10).fill(9),
    'an old batch is not overwritten',
  );
});

it('pushFrom copies a range of a larger buffer, short and long', () => {
  const src = new Uint8Array(400).map((_, i) => i & 0xff);
  const b = new PacketBatchBuilder(LinkType.ETHERNET, 1, 16);
  b.pushFrom(src, 3, 10, 5, 60);
  b.pushFrom(src, 100, 200, 6, 200);
  const batch = b.take();
  assert.equal(batch.count, 2);
  assert.deepEqual([...packetAt(batch, 0)], [...src.subarray(3, 13)]);
  assert.deepEqual([...packetAt(batch, 1)], [...src.subarray(100, 300)]);
  assert.deepEqual([batch.wireLens[0], batch.timestamps[1]], [60, 6]);
});
