// SPDX-License-Identifier: Apache-2.0
// Two analyzers on one PostgreSQL database (a real private server): a node rule created through
// the REST API of one is listed by the other and applied to the other's graph; deleting it on the
// second removes the node from the first. Also: one analyzer restarted on its SQLite files keeps
// its rules.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import type { ApiError, NodeJSON } from '../../src/client/index.js';
import { startPostgres } from '../../src/storage/testing/postgres-server.js';
import { eventually, startTestAnalyzer, tempDir } from './helpers.js';

const server = startPostgres();
after(() => server.destroy());

const ruleNodes = (nodes: NodeJSON[]) => nodes.map((n) => n.Metadata['Name']);

describe('shared storage', () => {
  it('shares node rules between two analyzers on one PostgreSQL database', async (t) => {
    const conn = await server.createDatabase('it_shared');
    const overrides = {
      'storage.pg': {
        driver: 'postgres',
        host: conn.host,
        port: conn.port,
        username: conn.user,
        database: conn.database,
      },
      'analyzer.topology.backend': 'pg',
      'analyzer.flow.backend': 'pg',
    };
    const a = await startTestAnalyzer(t, { hostId: 'an-a', overrides, logs: 'silent' });
    const b = await startTestAnalyzer(t, { hostId: 'an-b', overrides, logs: 'silent' });
    const ca = a.client();
    const cb = b.client();
    const rule = (await ca.create('noderule', {
      Action: 'create',
      Metadata: { Name: 'shared-node', Type: 'device' },
    })) as { UUID: string };

    const listed = (await cb.list('noderule')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(listed), [rule.UUID], 'b lists the rule a created');
    await eventually(async () => {
      const nodes = await cb.nodes("G.V().Has('Type', 'device')");
      assert.deepEqual(ruleNodes(nodes), ['shared-node'], 'the rule is applied on b');
    });
    await eventually(async () => {
      const nodes = await ca.nodes("G.V().Has('Type', 'device')");
      assert.deepEqual(ruleNodes(nodes), ['shared-node'], 'and on a');
    });

    await cb.delete('noderule', rule.UUID);
    await eventually(async () => {
      const nodes = await ca.nodes("G.V().Has('Type', 'device')");
      assert.deepEqual(nodes, [], 'deleting on b removes the node on a');
    });
    assert.deepEqual(await ca.list('noderule'), {});

    const res = await ca.request('GET', '/metrics', { operation: 'metrics' });
    const text = res.body.toString('utf8');
    assert.match(text, /skydive_resource_store_up\{[^}]*backend="postgres"[^}]*\} 1/);
    assert.match(text, /skydive_flow_store_dropped_total\{[^}]*backend="postgres"[^}]*\} 0/);
  });

  it('starts and serves live queries while its PostgreSQL database is unreachable', async (t) => {
    const dir = tempDir(t, 'sktest-nopg-');
    const overrides = {
      'storage.pg': {
        driver: 'postgres',
        host: join(dir, 'no-server'), // a socket directory nobody listens in
        database: 'skydive',
        connect_timeout: 1,
      },
      'analyzer.topology.backend': 'pg',
      'analyzer.flow.backend': 'pg',
    };
    const an = await startTestAnalyzer(t, { hostId: 'an-nopg', overrides, logs: 'silent' });
    const c = an.client();
    assert.ok(Array.isArray(await c.nodes('G.V()')), 'live topology queries work');
    await assert.rejects(c.list('noderule'), (err: ApiError) => {
      assert.equal(err.status, 503);
      assert.equal(err.code, 'SKY_ERR_STORAGE_UNAVAILABLE');
      return true;
    });
    const res = await c.request('GET', '/metrics', { operation: 'metrics' });
    assert.match(res.body.toString('utf8'), /skydive_resource_store_up\{[^}]*\} 0/);
  });

  it('keeps rules in the SQLite files across a restart of the analyzer', async (t) => {
    const dir = tempDir(t, 'sktest-restart-');
    const overrides = { 'storage.sqlite.data_dir': dir };
    const first = await startTestAnalyzer(t, { hostId: 'an-r', overrides, logs: 'silent' });
    const rule = (await first.client().create('noderule', {
      Action: 'create',
      Metadata: { Name: 'kept-node', Type: 'device' },
    })) as { UUID: string };
    await first.close();
    const second = await startTestAnalyzer(t, { hostId: 'an-r', overrides, logs: 'silent' });
    const c = second.client();
    assert.deepEqual(Object.keys((await c.list('noderule')) as object), [rule.UUID]);
    await eventually(async () => {
      const nodes = await c.nodes("G.V().Has('Type', 'device')");
      assert.deepEqual(ruleNodes(nodes), ['kept-node'], 'the stored rule is applied at boot');
    });
  });
});
