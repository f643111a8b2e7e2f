// SPDX-License-Identifier: Apache-2.0
// The history service over SQLite with its writer thread: At() sees what the graph did (the
// provider flushes through the thread first), and a dead thread shows in the Storage status.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { Graph } from '../../graph/index.js';
import { GremlinEngine } from '../../gremlin/index.js';
import { SqliteWorkerHistoryStore } from '../../storage/sqlite/history-worker-store.js';
import { AnalyzerHistory } from './service.js';

test('At() over the SQLite writer thread, and its restarts in the status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-history-'));
  const store = SqliteWorkerHistoryStore.open({ dataDir: dir });
  const graph = new Graph({ host: 'h', origin: 'o' });
  const history = await AnalyzerHistory.start(store, graph, {
    logger: pino({ level: 'silent' }),
    retention: { intervalMs: 3_600_000 },
  });
  try {
    const engine = new GremlinEngine({ history: history.provider });
    const count = async (q: string): Promise<unknown> => {
      const r = await engine.execute(q, graph);
      assert.equal(r.kind, 'number');
      return r.value;
    };
    for (let i = 0; i < 50; i++) graph.newNode({ Name: `n${i}`, Type: 'veth' }, { id: `n${i}` });
    assert.equal(await count(`G.At('-0s').V().Has('Type','veth').Count()`), 50);
    let s = await history.status();
    assert.equal(s.Backend, 'sqlite');
    assert.equal(s.Written, 50);
    assert.equal(s.WriterRestarts, 0);

    await store.killWriterThread();
    graph.newNode({ Name: 'late', Type: 'veth' }, { id: 'late' });
    assert.equal(await count(`G.At('-0s').V().Has('Type','veth').Count()`), 51);
    s = await history.status();
    assert.equal(s.WriterRestarts, 1);
    assert.equal(s.Backlog, 0);
  } finally {
    await history.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
