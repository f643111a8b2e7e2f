// SPDX-License-Identifier: Apache-2.0
// Two analyzers recording history into one PostgreSQL database (a real private server): each
// answers G.At() with the elements of both, and restarting one closes only its own revisions.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestAnalyzer } from './helpers.js';
import { eventually, startTestAnalyzer } from './helpers.js';
import { startPostgres } from '../../src/storage/testing/postgres-server.js';

const server = startPostgres();
after(() => server.destroy());

/** A time strictly after everything done so far and strictly before anything done next. */
async function instant(): Promise<number> {
  await sleep(5);
  const t = Date.now();
  await sleep(5);
  return t;
}

const names = async (an: TestAnalyzer, t: number): Promise<string[]> =>
  ((await an.client().query(`G.At(${t}).V().Has('Type', 'veth').Values('Name')`)) as string[])
    .slice()
    .sort();

describe('history shared by two analyzers', () => {
  it("answers both analyzers' elements; a restart closes only the restarted one's", async (t) => {
    const conn = await server.createDatabase('it_hist_shared');
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
    const start = (hostId: string) => startTestAnalyzer(t, { hostId, overrides, logs: 'silent' });
    const a = await start('hs-a');
    const b = await start('hs-b');
    const veth = (id: string) => ({ ID: id, Metadata: { Name: id, Type: 'veth' } });
    await a.client().create('node', veth('hs-na'));
    await b.client().create('node', veth('hs-nb'));
    const t1 = await instant();
    // each asks its own writer to flush; the other's rows land when its writer runs
    for (const an of [a, b]) {
      await eventually(async () => {
        assert.deepEqual(await names(an, t1), ['hs-na', 'hs-nb'], 'both analyzers recorded');
      });
    }

    await a.close();
    const a2 = await start('hs-a');
    const t2 = await instant();
    for (const an of [a2, b]) {
      assert.deepEqual(await names(an, t2), ['hs-nb'], "a's restart closed its own node, not b's");
    }
  });
});
