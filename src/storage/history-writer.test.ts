// SPDX-License-Identifier: Apache-2.0
// The batched history writer on a real graph and real stores: batching, copies taken at event time,
// and a PostgreSQL server stopped and started again while changes keep coming.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Graph } from '../graph/graph.js';
import { HistoryWriter } from './history-writer.js';
import { MemoryHistoryStore } from './memory/history-store.js';
import { PostgresHistoryStore } from './postgres/history-store.js';
import { SqliteHistoryStore } from './sqlite/history-store.js';
import { startPostgres } from './testing/postgres-server.js';
import { nodeJSON } from './history-store.suite.js';

/** Polls `cond` every 10 ms; fails after `ms` (a wait, not a timing assertion). */
async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HistoryWriter', () => {
  it('does not record the elements its skip predicate names', async () => {
    const g = new Graph({ host: 'h1', origin: 'analyzer.h1' });
    const store = new MemoryHistoryStore();
    const w = new HistoryWriter(store, { flushIntervalMs: 60_000 });
    const detach = w.attach(g, (el) => el.origin === 'analyzer.peer');
    try {
      const mine = g.newNode({ Name: 'mine', Type: 'device' });
      const theirs = g.newNode({ Name: 'theirs', Type: 'device' }, { origin: 'analyzer.peer' });
      g.newEdge(mine.id, theirs.id, { RelationType: 'layer2' }, { origin: 'analyzer.peer' });
      g.addMetadata(theirs, 'MTU', 9000);
      g.delNode(theirs.id);
      g.addMetadata(mine, 'MTU', 1500);
      // mine: added, updated; everything of analyzer.peer skipped
      assert.equal(w.backlog, 2);
    } finally {
      detach();
      await w.close();
    }
  });

  it('records a live graph into SQLite: adds, in-place updates and deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-hwriter-'));
    let t = 1000;
    const g = new Graph({ host: 'h1', origin: 'analyzer.h1', clock: () => t });
    const store = SqliteHistoryStore.open({ dataDir: dir });
    const w = new HistoryWriter(store, { flushIntervalMs: 60_000 });
    const detach = w.attach(g);
    try {
      const a = g.newNode({ Name: 'a', Type: 'veth', MTU: 1500 });
      const b = g.newNode({ Name: 'b', Type: 'device' });
      g.newEdge(a.id, b.id, { RelationType: 'layer2' });
      t = 2000;
      g.addMetadata(a, 'MTU', 9000);
      t = 2500;
      g.addMetadata(a, 'Type', 'device');
      t = 3000;
      g.delNode(b.id);
      // Nothing reaches the store in the caller's stack.
      assert.equal(w.status().written, 0);
      assert.equal(w.backlog, 7); // 3 adds, 2 updates, edge delete, node delete
      await w.flush();
      const st = w.status();
      assert.equal(st.queued, 7);
      assert.equal(st.written, 7);
      assert.equal(st.backlog, 0);
      assert.equal(st.dropped, 0);
      const v1 = await store.snapshot(1500);
      assert.equal(v1.getNode(a.id)?.metadata['MTU'], 1500);
      assert.equal(v1.edgeCount, 1);
      // The in-place update of Type at 2500 did not leak into the 2000 revision's indexed column.
      assert.deepEqual(
        [...((await store.snapshot(2200)).lookupNodes('Type', 'veth') ?? [])].map((n) => n.id),
        [a.id],
      );
      assert.equal((await store.snapshot(2200)).getNode(a.id)?.metadata['MTU'], 9000);
      const v3 = await store.snapshot(3000);
      assert.equal(v3.getNode(b.id), undefined);
      assert.equal(v3.edgeCount, 0);
      assert.equal(v3.getNode(a.id)?.metadata['Type'], 'device');
    } finally {
      detach();
      await w.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes in batches of maxBatch and flushes on its timer', async () => {
    const store = new MemoryHistoryStore();
    const w = new HistoryWriter(store, { maxBatch: 5, flushIntervalMs: 5 });
    try {
      for (let i = 0; i < 12; i++)
        w.push({ kind: 'node', op: 'add', time: 1000 + i, element: nodeJSON(`n${i}`, {}) });
      await until(() => w.status().written === 12, 'the timer to write everything');
      assert.equal(w.status().batches, 3);
      assert.equal((await store.snapshot(2000)).nodeCount, 12);
    } finally {
      await w.close();
      await store.close();
    }
  });

  it('counts changes pushed after close as dropped', async () => {
    const store = new MemoryHistoryStore();
    const w = new HistoryWriter(store);
    await w.close();
    w.push({ kind: 'node', op: 'add', time: 1000, element: nodeJSON('late', {}) });
    assert.equal(w.status().dropped, 1);
    assert.equal(w.backlog, 0);
    await store.close();
  });
});

describe('HistoryWriter with PostgreSQL going down', () => {
  const server = startPostgres();
  after(() => server.destroy());

  it('keeps a bounded backlog while the server is down, drops the oldest, drains when it is back', async () => {
    const pool = await server.createDatabase('skhwriter');
    const store = new PostgresHistoryStore({ pool });
    const errors: unknown[] = [];
    const w = new HistoryWriter(store, {
      flushIntervalMs: 10,
      maxBatch: 50,
      maxBacklog: 100,
      retryMs: 10,
      maxRetryMs: 50,
      onError: (e) => errors.push(e),
    });
    const add = (i: number) =>
      w.push({ kind: 'node', op: 'add', time: 1000 + i, element: nodeJSON(`n${i}`, { I: i }) });
    try {
      add(0);
      await until(() => w.status().written === 1, 'the first write');
      server.stop();
      try {
        for (let i = 1; i <= 150; i++) add(i);
        await until(() => w.status().failures >= 2, 'failed writes while the server is down');
        const down = w.status();
        assert.equal(down.backlog, 100);
        assert.equal(down.dropped, 50);
        assert.equal(down.retrying || down.backlog > 0, true);
        assert.match(down.lastError ?? '', /postgres/);
        assert.equal((errors[0] as { code?: string }).code, 'SKY_ERR_HISTORY_UNAVAILABLE');
      } finally {
        server.start();
      }
      await until(() => w.backlog === 0, 'the backlog to drain');
      const st = w.status();
      assert.equal(st.written, 101);
      assert.equal(st.queued, 151);
      assert.equal(st.written + st.dropped, st.queued);
      const v = await store.snapshot(5000);
      // The oldest queued while down (n1…n50) were dropped; n0 was written before.
      assert.equal(v.nodeCount, 101);
      assert.ok(v.getNode('n0'));
      assert.equal(v.getNode('n50'), undefined);
      assert.equal(v.getNode('n51')?.metadata['I'], 51);
      assert.ok(v.getNode('n150'));
    } finally {
      await w.close().catch(() => undefined);
      await store.close();
    }
  });
});
