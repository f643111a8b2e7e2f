// SPDX-License-Identifier: Apache-2.0
// openStores on real backends: the SQLite files appear in a data directory created on first start,
// an unusable directory is a clear error, memory opens memory stores, and an unreachable PostgreSQL
// opens degraded instead of failing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStores, type BackendSettings } from './open.js';

const root = mkdtempSync(join(tmpdir(), 'sktest-open-'));
after(() => rmSync(root, { recursive: true, force: true }));
const retention = { maxAgeMs: 0, maxBytes: 0 };

const sqlite = (dataDir: string): BackendSettings => ({
  name: 'sqlite',
  driver: 'sqlite',
  dataDir,
  retention,
});

describe('openStores', () => {
  it('creates the data directory and the SQLite files on first start', async () => {
    const dir = join(root, 'first', 'nested');
    const stores = await openStores({
      topology: sqlite(dir),
      flow: sqlite(dir),
      flowMaxBufferSize: 10,
    });
    try {
      for (const f of ['resources.db', 'flows.db', 'history.db'])
        assert.ok(existsSync(join(dir, f)), f);
      await stores.resources.create('noderule', { UUID: 'r' });
      assert.equal(stores.flows.backend, 'sqlite');
      assert.equal(stores.history.backend, 'sqlite');
      assert.deepEqual(stores.historyBackend, {
        name: 'sqlite',
        driver: 'sqlite',
        dataDir: dir,
        retention,
      });
      assert.equal(stores.status().resources.healthy, true);
    } finally {
      await stores.close();
    }
  });

  it('names the path when the data directory cannot be created', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(
      openStores({
        topology: sqlite(join(file, 'sub')),
        flow: sqlite(join(file, 'sub')),
        flowMaxBufferSize: 1,
      }),
      (err: Error & { code?: string }) =>
        err.code === 'SKY_ERR_STORAGE_OPEN' && err.message.includes(join(file, 'sub')),
    );
  });

  it('opens memory stores for the memory driver', async () => {
    const mem: BackendSettings = { name: 'memory', driver: 'memory', retention };
    const stores = await openStores({ topology: mem, flow: mem, flowMaxBufferSize: 1 });
    assert.equal(stores.flows.backend, 'memory');
    assert.equal(stores.history.backend, 'memory');
    await stores.close();
  });

  it('opens degraded when PostgreSQL cannot be reached', async () => {
    const pg: BackendSettings = {
      name: 'pg',
      driver: 'postgres',
      postgres: { host: join(root, 'no-server'), database: 'x', user: 'x', connectTimeout: 1 },
      retention,
    };
    const health: boolean[] = [];
    const stores = await openStores(
      { topology: pg, flow: pg, flowMaxBufferSize: 1 },
      { onResourceHealth: (ok) => health.push(ok) },
    );
    try {
      assert.equal(stores.status().resources.healthy, false);
      assert.match(stores.status().resources.error ?? '', /unavailable/);
      assert.deepEqual(health, [false]);
      await assert.rejects(stores.resources.list('noderule'), {
        code: 'SKY_ERR_STORAGE_UNAVAILABLE',
      });
    } finally {
      await stores.close();
    }
  });
});
