// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL HistoryStore against the shared conformance suite, on a private test server with
// one fresh database per test.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { historyStoreSuite, nodeJSON } from '../history-store.suite.js';
import { historyWritersSuite } from '../history-writers.suite.js';
import { startPostgres } from '../testing/postgres-server.js';
import { PostgresHistoryStore } from './history-store.js';

const server = startPostgres();
after(() => server.destroy());

historyStoreSuite('postgres', async () => {
  const pool = await server.createDatabase('skhist');
  return {
    store: new PostgresHistoryStore({ pool }),
    reopen: async () => new PostgresHistoryStore({ pool }),
  };
});

historyWritersSuite('postgres', async () => {
  const pool = await server.createDatabase('skhist');
  return { open: async (writer) => new PostgresHistoryStore({ pool, writer }) };
});

describe('PostgresHistoryStore', () => {
  it('migrates a version-1 database: keeps its revisions, closes its open ones', async () => {
    const pool = await server.createDatabase('skhist');
    const old = new PostgresHistoryStore({ pool });
    await old.append([{ kind: 'node', op: 'add', time: 1000, element: nodeJSON('n', {}) }]);
    await old.close();
    const admin = new pg.Client(pool);
    await admin.connect();
    try {
      await admin.query('ALTER TABLE history_revisions DROP COLUMN writer');
      await admin.query("UPDATE history_meta SET value = 1 WHERE key = 'version'");
    } finally {
      await admin.end();
    }
    const s = new PostgresHistoryStore({ pool, writer: 'analyzer.h', clock: () => 5000 });
    try {
      assert.equal((await s.snapshot(4999)).getNode('n')?.revision, 1);
      assert.equal((await s.snapshot(5000)).getNode('n'), undefined);
      await s.append([{ kind: 'node', op: 'add', time: 6000, element: nodeJSON('m', {}) }]);
      const st = await s.stats();
      assert.equal(st.revisions, 2);
      assert.equal(st.open, 1);
    } finally {
      await s.close();
    }
    const check = new pg.Client(pool);
    await check.connect();
    try {
      const v = await check.query("SELECT value::int AS v FROM history_meta WHERE key = 'version'");
      assert.equal(v.rows[0].v, 2);
    } finally {
      await check.end();
    }
  });

  it('fails with SKY_ERR_HISTORY_UNAVAILABLE while the server is down, and works once it is back', async () => {
    const pool = await server.createDatabase('skhist');
    const s = new PostgresHistoryStore({ pool });
    try {
      await s.append([{ kind: 'node', op: 'add', time: 1000, element: nodeJSON('a', {}) }]);
      server.stop();
      try {
        await assert.rejects(
          s.append([
            { kind: 'node', op: 'update', time: 2000, element: nodeJSON('a', { V: 2 }, 2) },
          ]),
          { code: 'SKY_ERR_HISTORY_UNAVAILABLE', kind: 'unavailable' },
        );
        await assert.rejects(s.snapshot(1500), { code: 'SKY_ERR_HISTORY_UNAVAILABLE' });
      } finally {
        server.start();
      }
      await s.append([
        { kind: 'node', op: 'update', time: 2000, element: nodeJSON('a', { V: 2 }, 2) },
      ]);
      assert.equal((await s.snapshot(1500)).getNode('a')?.revision, 1);
      assert.equal((await s.snapshot(2500)).getNode('a')?.metadata['V'], 2);
      assert.equal((await s.stats()).revisions, 2);
    } finally {
      await s.close();
    }
  });
});
