// SPDX-License-Identifier: Apache-2.0
// The SQLite HistoryStore against the shared conformance suite, plus what only a file can show.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { historyStoreSuite, nodeJSON } from '../history-store.suite.js';
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

describe('SqliteHistoryStore', () => {
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
