// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL ResourceStore against the shared conformance suite on a private server, plus what
// only a server can do: a peer whose LISTEN connection is cut catches up, and a store opened while
// the server is down reports it and recovers when the server comes back.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { nextEvent, resourceStoreSuite } from '../resource-store.suite.js';
import { startPostgres } from '../testing/postgres-server.js';
import { openPostgresResourceStore } from './resource-store.js';

const server = startPostgres();
after(() => server.destroy());

resourceStoreSuite(
  'postgres',
  async () => openPostgresResourceStore({ ...(await server.createDatabase('res')), pollMs: 50 }),
  {
    location: async () => {
      const conn = await server.createDatabase('res_shared');
      return () => openPostgresResourceStore({ ...conn, pollMs: 50 });
    },
  },
);

describe('PostgreSQL ResourceStore connections', () => {
  it('catches up after its LISTEN connection was cut', async () => {
    const conn = await server.createDatabase('res_cut');
    // a slow poll: only NOTIFY or the reconnect catch-up can deliver in time
    const a = await openPostgresResourceStore({ ...conn, pollMs: 60_000 });
    const b = await openPostgresResourceStore({ ...conn, pollMs: 60_000 });
    const admin = new pg.Client(conn);
    await admin.connect();
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      pid = await b.listenerPid();
      if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(pid, 'b listens');
    try {
      const seen = nextEvent(b, 'noderule', (e) => e.resource.UUID === 'while-cut');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await a.create('noderule', { UUID: 'while-cut' });
      assert.equal((await seen).type, 'created');
      const later = nextEvent(b, 'noderule', (e) => e.resource.UUID === 'after');
      await a.create('noderule', { UUID: 'after' });
      assert.equal((await later).type, 'created');
    } finally {
      await admin.end();
      await a.close();
      await b.close();
    }
  });

  it('starts while the server is down, reports it, and loads once it is back', async () => {
    const conn = await server.createDatabase('res_down');
    const seed = await openPostgresResourceStore(conn);
    await seed.create('noderule', { UUID: 'before-outage' });
    await seed.close();
    server.stop();
    let restarted = false;
    try {
      const health: boolean[] = [];
      const s = await openPostgresResourceStore({
        ...conn,
        pollMs: 50,
        connectTimeout: 1,
        onHealth: (ok) => health.push(ok),
      });
      try {
        assert.equal(s.status().healthy, false);
        await assert.rejects(s.list('noderule'), { code: 'SKY_ERR_STORAGE_UNAVAILABLE' });
        const replayed = nextEvent(s, 'noderule', (e) => e.resource.UUID === 'before-outage');
        server.start();
        restarted = true;
        assert.equal((await replayed).type, 'created');
        assert.equal(s.status().healthy, true);
        assert.deepEqual(health.at(-1), true);
      } finally {
        await s.close();
      }
    } finally {
      if (!restarted) server.start();
    }
  });
});
