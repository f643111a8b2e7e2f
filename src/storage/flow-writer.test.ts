// SPDX-License-Identifier: Apache-2.0
// The FlowWriter in front of real stores: while PostgreSQL is down inserts return at once, the
// buffer keeps the newest flows up to its bound and counts the dropped ones, and the backlog is
// written once the server is back; on SQLite flush() makes queued flows searchable.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateFlows } from './flow-store.fixtures.js';
import { FlowWriter } from './flow-writer.js';
import { PostgresFlowStore } from './postgres/flow-store.js';
import { SqliteFlowStore } from './sqlite/flow-store.js';
import { startPostgres } from './testing/postgres-server.js';

const server = startPostgres();
after(() => server.destroy());

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('FlowWriter', () => {
  it('bounds its buffer while PostgreSQL is down and writes the backlog when it is back', async () => {
    const conn = await server.createDatabase('writer');
    server.stop();
    let restarted = false;
    const errors: unknown[] = [];
    const w = new FlowWriter(new PostgresFlowStore({ ...conn, connectTimeout: 1 }), {
      maxBuffer: 50,
      maxBatch: 20,
      flushIntervalMs: 10,
      retryMs: 20,
      maxRetryMs: 100,
      onError: (e) => errors.push(e),
    });
    try {
      const flows = generateFlows(80, 3);
      assert.deepEqual(await w.insert(flows.slice(0, 40)), {
        stored: 40,
        rejected: 0,
        rawPacketsRejected: 0,
      });
      await w.insert(flows.slice(40));
      await until(() => w.status().failures > 0, 'a failed write');
      const s = w.status();
      assert.equal(s.dropped, 30);
      assert.equal(s.buffered, 50);
      assert.equal(s.retrying, true);
      assert.match(s.lastError ?? '', /unavailable/);
      server.start();
      restarted = true;
      await until(() => w.status().buffered === 0, 'the backlog to drain');
      assert.equal(w.status().written, 50);
      const stored = (await w.search({ sort: { by: 'UUID' } })).map((f) => f.UUID);
      assert.deepEqual(
        stored,
        flows
          .slice(30)
          .map((f) => f.UUID)
          .sort(),
        'the newest 50 are kept',
      );
      assert.equal((errors[0] as { code?: string }).code, 'SKY_ERR_STORAGE_UNAVAILABLE');
    } finally {
      if (!restarted) server.start();
      await w.close();
    }
  });

  it('writes on flush() and reads through to the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-writer-'));
    const w = new FlowWriter(SqliteFlowStore.open(join(dir, 'flows.db')), {
      flushIntervalMs: 60_000,
    });
    try {
      await w.insert(generateFlows(30, 5));
      assert.equal(await w.count(), 0, 'nothing written before the timer or a flush');
      await w.flush();
      assert.equal(await w.count(), 30);
      assert.equal(w.status().written, 30);
      assert.equal(w.status().backend, 'sqlite');
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
