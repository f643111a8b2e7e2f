// SPDX-License-Identifier: Apache-2.0
// Tests of the history provider: it writes what is queued before reading, one flush at a time, and
// never waits forever (a queue that never empties) nor while the writer retries a failing store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryHistoryStore } from '../../storage/memory/history-store.js';
import { storeHistory, type PendingWrites } from './provider.js';

function writer(backlog: number, retrying: boolean, flush: () => Promise<void>) {
  let calls = 0;
  const w: PendingWrites = {
    status: () => ({ backlog, retrying }),
    flush: () => {
      calls++;
      return flush();
    },
  };
  return { w, calls: () => calls };
}

test('a flush that never ends delays the snapshot only up to the bound, once for all', async () => {
  const store = new MemoryHistoryStore();
  const { w, calls } = writer(10, false, () => new Promise<void>(() => {}));
  const p = storeHistory(store, w, 20);
  const views = await Promise.all([p.at(Date.now()), p.at(Date.now())]);
  assert.equal(views.length, 2);
  assert.equal(calls(), 1, 'concurrent queries share one flush');
  await store.close();
});

test('no flush when nothing is queued or while the writer retries; a failed flush is no error', async () => {
  const store = new MemoryHistoryStore();
  const idle = writer(0, false, () => Promise.resolve());
  await storeHistory(store, idle.w).at(Date.now());
  assert.equal(idle.calls(), 0);
  const retrying = writer(5, true, () => Promise.resolve());
  await storeHistory(store, retrying.w).at(Date.now());
  assert.equal(retrying.calls(), 0);
  const failing = writer(5, false, () => Promise.reject(new Error('down')));
  const view = await storeHistory(store, failing.w).at(Date.now());
  assert.equal(failing.calls(), 1);
  assert.equal(view.nodeCount, 0);
  await store.close();
});
