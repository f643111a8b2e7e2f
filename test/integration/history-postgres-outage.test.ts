// SPDX-License-Identifier: Apache-2.0
// PostgreSQL stops under a running analyzer: live queries and subscribers keep working, history
// writes queue and retry, /api/status and /metrics show the backlog; when the server is back the
// backlog drains and At() finds what was written while it was down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, subscribe, type StructMessage } from '../../src/client/index.js';
import { postgresAvailable, startPostgres } from '../../src/storage/testing/postgres-server.js';
import { SUITE, settle } from './agent-kit.js';
import { eventually, startTestAnalyzer } from './helpers.js';

interface Storage {
  Backend: string;
  Backlog: number;
  Written: number;
  Dropped: number;
  Failures: number;
  LastError?: string;
}

test(
  'PostgreSQL down: live keeps working, writes queue and drain',
  { ...SUITE, skip: !postgresAvailable() && 'PostgreSQL 15 is not installed' },
  async (t) => {
    const pg = startPostgres();
    const db = await pg.createDatabase('history_outage');
    let down = false;
    t.after(() => {
      if (down) pg.start();
    });
    const an = await startTestAnalyzer(t, {
      logs: 'silent',
      overrides: {
        'analyzer.topology.backend': 'pgtest',
        'analyzer.flow.backend': 'memory',
        'storage.pgtest': {
          driver: 'postgres',
          host: db.host,
          port: db.port,
          database: db.database,
          username: db.user,
        },
      },
    });
    const client = an.client();
    const storage = async () => ((await client.status()) as { Storage: Storage }).Storage;
    assert.equal((await storage()).Backend, 'postgres');

    await client.create('node', { ID: 'pg-before', Metadata: { Name: 'before', Type: 'pgup' } });
    await sleep(5);
    const before = Date.now();
    assert.equal(await client.query(`G.At(${before}).V().Has('Type', 'pgup').Count()`), 1);

    const sub = await subscribe(an.ws());
    t.after(() => sub.close());
    const added: string[] = [];
    const watching = (async () => {
      for await (const m of sub.events as AsyncIterable<StructMessage>) {
        if (m.Type === 'NodeAdded') added.push((m.Obj as { ID: string }).ID);
      }
    })();

    pg.stop();
    down = true;
    for (let i = 0; i < 20; i++)
      await client.create('node', {
        ID: `pg-down-${i}`,
        Metadata: { Name: `d${i}`, Type: 'pgdown' },
      });
    await sleep(5);
    const during = Date.now();

    // live queries and subscribers do not notice
    assert.equal(await client.query("G.V().Has('Type', 'pgdown').Count()"), 20);
    await settle(() => assert.equal(added.filter((id) => id.startsWith('pg-down-')).length, 20));
    // the backlog and the failures are visible
    const s = await settle(async () => {
      const st = await storage();
      assert.ok(st.Failures >= 1, `failures ${st.Failures}`);
      assert.ok(st.Backlog >= 20, `backlog ${st.Backlog}`);
      return st;
    });
    assert.equal(s.Dropped, 0);
    assert.ok(s.LastError, 'the last error is reported');
    const metrics = (await client.request('GET', '/metrics', { operation: 'metrics' })).body;
    const m = /skydive_history_backlog\{backend="postgres"[^}]*\} (\d+)/.exec(metrics.toString());
    assert.ok(m && Number(m[1]) >= 20, 'metrics show the backlog');
    // history itself is unavailable meanwhile: a clear 503
    const err = await client.query(`G.At(${before}).V().Count()`).then(
      () => assert.fail('At() answered while PostgreSQL is down'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, 503);
    assert.match(err.code ?? '', /UNAVAILABLE/);
    // and so is a subscriber's SyncRequest at a past time, with the cause
    await assert.rejects(subscribe({ ...an.ws(), hostId: 'past', time: before }), (e: Error) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.status, 503);
      assert.doesNotMatch(e.message, /internal error/);
      return true;
    });

    pg.start();
    down = false;
    // the writer retries with a growing delay (up to 30 s): the drain may start that much later
    await eventually(async () => assert.equal((await storage()).Backlog, 0, 'backlog drained'), {
      timeoutMs: 90_000,
      intervalMs: 100,
    });
    assert.equal(await client.query(`G.At(${during}).V().Has('Type', 'pgdown').Count()`), 20);
    assert.equal(await client.query(`G.At(${during}).V().Has('Type', 'pgup').Count()`), 1);
    const after = await storage();
    assert.ok(after.Written >= 21, `written ${after.Written}`);
    await sub.close();
    await watching;
  },
);
