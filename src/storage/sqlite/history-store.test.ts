// SPDX-License-Identifier: Apache-2.0
// The SQLite HistoryStore against the shared conformance suite, plus what only a file can show.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { historyStoreSuite, nodeJSON } from '../history-store.suite.js';
import { historyWritersSuite } from '../history-writers.suite.js';
import { SqliteHistoryStore } from './history-store.js';

historyStoreSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
  const dataDir = join(dir, 'data');
  return {
    store: SqliteHistoryStore.open({ dataDir }),
    reopen: async () => SqliteHistoryStore.open({ dataDir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

historyWritersSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
  return {
    open: async (writer) => SqliteHistoryStore.open({ dataDir: dir, writer }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteHistoryStore', () => {
  it('prunes in chunks, reporting progress, and answers exactly after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
    const s = SqliteHistoryStore.open({ dataDir: dir, pruneChunk: 100 });
    try {
      const batch = [];
      for (let i = 0; i < 1000; i++)
        batch.push({
          kind: 'node' as const,
          op: i === 0 ? ('add' as const) : ('update' as const),
          time: 1000 + i,
          element: nodeJSON('a', { V: i }, i + 1),
        });
      await s.append(batch);
      const progress: number[] = [];
      const r = await s.prune({ olderThan: 1500, onProgress: (n) => progress.push(n) });
      // Revision i ends at 1001 + i: those with i ≤ 499 end by 1500.
      assert.equal(r.removed, 500);
      assert.deepEqual(progress, [100, 200, 300, 400, 500]);
      assert.equal((await s.snapshot(1600)).getNode('a')?.metadata['V'], 600);
      const before = await s.stats();
      const bySize: number[] = [];
      const r2 = await s.prune({
        maxBytes: before.dataBytes / 2,
        onProgress: (n) => bySize.push(n),
      });
      assert.ok(bySize.length >= 2, `progress ${bySize.join(',')}`);
      assert.equal(bySize.at(-1), r2.removed);
      assert.ok((await s.stats()).dataBytes <= before.dataBytes / 2);
      assert.equal((await s.stats()).revisions, 500 - r2.removed);
      assert.equal((await s.snapshot(r2.horizon)).getNode('a')?.revision, r2.horizon - 1000 + 1);
      await assert.rejects(s.snapshot(r2.horizon - 1), { code: 'SKY_ERR_HISTORY_HORIZON' });
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates its data directory and one WAL-mode file in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
    try {
      const dataDir = join(dir, 'a', 'b');
      const s = SqliteHistoryStore.open({ dataDir });
      await s.append([
        { kind: 'node', op: 'add', time: 1000, element: nodeJSON('n', { Type: 'veth' }) },
      ]);
      await s.close();
      assert.equal(s.file, join(dataDir, 'history.db'));
      assert.ok(existsSync(s.file));
      const db = new Database(s.file, { readonly: true });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        const row = db.prepare('SELECT type, name FROM history_revisions').get();
        assert.deepEqual({ ...(row as object) }, { type: 'veth', name: null });
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a version-1 file: keeps its revisions, closes its open ones, records the writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
    try {
      const s = SqliteHistoryStore.open({ dataDir: dir });
      await s.append([{ kind: 'node', op: 'add', time: 1000, element: nodeJSON('n', {}) }]);
      await s.close();
      const db = new Database(s.file);
      db.exec('ALTER TABLE history_revisions DROP COLUMN writer');
      db.prepare("UPDATE history_meta SET value = 1 WHERE key = 'version'").run();
      db.close();
      const again = SqliteHistoryStore.open({
        dataDir: dir,
        writer: 'analyzer.h',
        clock: () => 5000,
      });
      try {
        assert.equal((await again.snapshot(4999)).getNode('n')?.revision, 1);
        assert.equal((await again.snapshot(5000)).getNode('n'), undefined);
        await again.append([{ kind: 'node', op: 'add', time: 6000, element: nodeJSON('m', {}) }]);
        assert.equal((await again.stats()).open, 1);
      } finally {
        await again.close();
      }
      const check = new Database(s.file, { readonly: true });
      try {
        const rows = check.prepare('SELECT id, writer FROM history_revisions ORDER BY seq').all();
        assert.deepEqual(
          rows.map((r) => ({ ...(r as object) })),
          [
            { id: 'n', writer: '' },
            { id: 'm', writer: 'analyzer.h' },
          ],
        );
        const v = check.prepare("SELECT value FROM history_meta WHERE key = 'version'").get();
        assert.deepEqual({ ...(v as object) }, { value: 2 });
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after a batch fails midway, closes the revisions the table holds, not the rolled-back ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
    const s = SqliteHistoryStore.open({ dataDir: dir, writer: 'analyzer.h' });
    const db = new Database(s.file);
    try {
      const n = (time: number, id: string, rev: number, op: 'add' | 'update' = 'update') => ({
        kind: 'node' as const,
        op,
        time,
        element: nodeJSON(id, { V: rev }, rev),
      });
      await s.closeAll(0);
      await s.append([n(1000, 'x', 1, 'add')]);
      db.exec(
        "CREATE TRIGGER boom BEFORE INSERT ON history_revisions WHEN NEW.id = 'boom' " +
          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
      );
      await assert.rejects(s.append([n(2000, 'x', 2), n(2000, 'boom', 1, 'add')]), {
        code: 'SKY_ERR_HISTORY_UNAVAILABLE',
        message: /boom refused/,
      });
      db.exec('DROP TRIGGER boom');
      await s.append([n(3000, 'x', 3)]);
      const revs = await s.changes(0, 4000);
      assert.deepEqual(
        revs.map((r) => [r.element.Revision, r.from, r.to]),
        [
          [1, 1000, 3000],
          [3, 3000, null],
        ],
      );
      assert.equal((await s.stats()).open, 1);
    } finally {
      db.close();
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file written by another schema version with SKY_ERR_HISTORY_UNAVAILABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
    try {
      const s = SqliteHistoryStore.open({ dataDir: dir });
      await s.close();
      const db = new Database(s.file);
      db.prepare("UPDATE history_meta SET value = 99 WHERE key = 'version'").run();
      db.close();
      assert.throws(() => SqliteHistoryStore.open({ dataDir: dir }), {
        code: 'SKY_ERR_HISTORY_UNAVAILABLE',
        message: /schema version 99/,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
