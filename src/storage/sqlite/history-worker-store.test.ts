// SPDX-License-Identifier: Apache-2.0
// The SQLite HistoryStore with a writer thread: the shared conformance suites, the main thread kept
// free during a large commit, and a writer thread that dies and is started again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SkydiveError } from '../../graph/errors.js';
import { changeFromEvent, type HistoryChange } from '../history-store.js';
import { historyStoreSuite, nodeJSON } from '../history-store.suite.js';
import { HistoryWriter } from '../history-writer.js';
import { historyWritersSuite } from '../history-writers.suite.js';
import { SqliteHistoryStore } from './history-store.js';
import { SqliteWorkerHistoryStore } from './history-worker-store.js';

historyStoreSuite('sqlite (writer thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
  const dataDir = join(dir, 'data');
  return {
    store: SqliteWorkerHistoryStore.open({ dataDir }),
    reopen: async () => SqliteWorkerHistoryStore.open({ dataDir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

historyWritersSuite('sqlite (writer thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
  return {
    open: async (writer) => SqliteWorkerHistoryStore.open({ dataDir: dir, writer }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

/** `n` node additions at time 1000 + i, as the analyzer's writer hands them over. */
function adds(n: number, prefix = 'n'): HistoryChange[] {
  const out: HistoryChange[] = [];
  for (let i = 0; i < n; i++) {
    const md = { Name: `${prefix}${i}`, Type: 'veth', Deep: { Index: i } };
    out.push({ kind: 'node', op: 'add', time: 1000 + i, element: nodeJSON(`${prefix}${i}`, md) });
  }
  return out;
}

async function withStore(
  fn: (s: SqliteWorkerHistoryStore, dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
  const s = SqliteWorkerHistoryStore.open({ dataDir: dir });
  try {
    await fn(s, dir);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SqliteWorkerHistoryStore', () => {
  it('keeps the main thread turning while a 50,000-change batch commits', async () => {
    await withStore(async (s) => {
      await s.append(adds(1, 'warm')); // the thread is up before the measured batch
      const batch = adds(50_000);
      let turns = 0;
      let committed = false;
      const done = s.append(batch).then(() => {
        committed = true;
      });
      // Each turn of the event loop while the batch is in the writer thread.
      while (!committed) {
        await new Promise<void>((r) => setImmediate(r));
        if (!committed) turns++;
      }
      await done;
      // In-thread, the loop turns at most once around a synchronous commit; here it keeps turning.
      assert.ok(turns > 10, `event loop turned ${turns} times during the commit`);
      const st = await s.stats();
      assert.equal(st.revisions, 50_001);
      assert.equal((await s.snapshot(1000 + 49_999)).getNode('n49999')?.metadata['Name'], 'n49999');
    });
  });

  it('stores serialised metadata (changeFromEvent) exactly, nested values included', async () => {
    await withStore(async (s) => {
      const el = {
        kind: 'node' as const,
        id: 'x',
        metadata: { Name: 'x', Type: 'device', Nested: { A: [1, 2] } },
        host: 'h',
        origin: 'o',
        createdAt: 5,
        updatedAt: 5,
        deletedAt: null,
        revision: 1,
      };
      const c = changeFromEvent('nodeAdded', el as never, 5000);
      el.metadata.Nested.A.push(3); // the live graph mutates in place after the event
      await s.append([c]);
      const v = await s.snapshot(5000, undefined, { lookups: [{ key: 'Type', value: 'device' }] });
      assert.deepEqual(v.getNode('x')?.metadata, {
        Name: 'x',
        Type: 'device',
        Nested: { A: [1, 2] },
      });
      // The indexed Type still finds it through a lookup on the reader connection.
      const plain = SqliteHistoryStore.open({ dataDir: join(s.file, '..') });
      try {
        assert.equal((await plain.snapshot(5000)).getNode('x')?.metadata['Type'], 'device');
      } finally {
        await plain.close();
      }
    });
  });

  it('fails the write a dying thread held, then starts a new thread and counts it', async () => {
    await withStore(async (s) => {
      await s.append(adds(10, 'a'));
      const held = s.append(adds(20_000, 'b'));
      await s.killWriterThread();
      await assert.rejects(held, (e: unknown) => {
        assert.ok(e instanceof SkydiveError);
        assert.equal(e.code, 'SKY_ERR_HISTORY_UNAVAILABLE');
        return true;
      });
      assert.equal(s.workerStatus().restarts, 0);
      // The killed batch was rolled back or committed whole; a retry of the same changes works.
      await s.append(adds(5, 'c'));
      assert.equal(s.workerStatus().restarts, 1);
      const view = await s.snapshot(30_000);
      assert.ok(view.getNode('a9') && view.getNode('c4'));
      const revs = (await s.stats()).revisions;
      assert.ok(revs === 15 || revs === 20_015, `revisions ${revs}`);
    });
  });

  it('lets HistoryWriter.flush() return only when every batch is committed', async () => {
    await withStore(async (s) => {
      // A timer firing while flush() runs batch after batch must not start a write beside them.
      const w = new HistoryWriter(s, { flushIntervalMs: 1, maxBatch: 100 });
      try {
        for (const c of adds(5000)) w.push(c);
        await w.flush();
        assert.equal(w.status().written, 5000);
        assert.equal((await s.stats()).revisions, 5000);
      } finally {
        await w.close();
      }
    });
  });

  it('rejects bad input and use after close with the typed errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
    const s = SqliteWorkerHistoryStore.open({ dataDir: dir });
    try {
      await assert.rejects(
        s.append([{ kind: 'node', op: 'add', time: NaN, element: nodeJSON('a', {}) }]),
        { code: 'SKY_ERR_HISTORY_INVALID' },
      );
      await s.append(adds(3));
      await s.close();
      await assert.rejects(s.append(adds(1)), { code: 'SKY_ERR_HISTORY_CLOSED' });
      await assert.rejects(s.snapshot(1000), { code: 'SKY_ERR_HISTORY_CLOSED' });
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
