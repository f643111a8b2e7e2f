// SPDX-License-Identifier: Apache-2.0
// Tests of the analyzer's history service on the memory store: the live graph recorded through the
// writer, At() through the provider, retention by age and by size moving the horizon (and the
// clear error before it), status counters, and a store that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Graph } from '../../graph/index.js';
import { GremlinEngine } from '../../gremlin/index.js';
import type { HistoryChange, HistoryStore } from '../../storage/history-store.js';
import { MemoryHistoryStore } from '../../storage/memory/history-store.js';
import { AnalyzerHistory } from './service.js';

const logger = pino({ level: 'silent' });

/** A clock the test moves by hand. */
function manualClock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('records the graph, answers At(), prunes by age and reports it', async () => {
  const clock = manualClock(1_700_000_000_000);
  const store = new MemoryHistoryStore({ clock: clock.now });
  const graph = new Graph({ host: 'h', origin: 'o', clock: clock.now });
  const history = await AnalyzerHistory.start(store, graph, {
    logger,
    clock: clock.now,
    retention: { maxAgeMs: 10_000, intervalMs: 3_600_000 },
  });
  try {
    const engine = new GremlinEngine({ history: history.provider, clock: clock.now });
    clock.advance(1000);
    graph.newNode({ Name: 'a', Type: 'veth' }, { id: 'a' });
    graph.newNode({ Name: 'b', Type: 'veth' }, { id: 'b' });
    clock.advance(1000);
    const t1 = clock.now();
    clock.advance(1000);
    graph.delNode('b');
    clock.advance(1000);
    const count = async (q: string) => {
      const r = await engine.execute(q, graph);
      assert.equal(r.kind, 'number');
      return r.value;
    };
    // nothing was flushed yet: the provider writes what is queued before reading
    assert.equal(history.writer.status().backlog, 3);
    assert.equal(await count(`G.At(${t1}).V().Count()`), 2);
    assert.equal(await count(`G.At('-0s').V().Count()`), 1);
    assert.equal(history.writer.status().backlog, 0);

    // b's revision ended at t1 + 1000; 20 s later it is older than the 10 s kept
    clock.advance(20_000);
    const r = await history.retention.run();
    assert.equal(r?.removed, 1);
    const s = await history.status();
    assert.equal(s.Backend, 'memory');
    assert.equal(s.Written, 3);
    assert.equal(s.Backlog, 0);
    assert.equal(s.Retention.MaxAge, 10_000);
    assert.equal(s.Retention.Runs, 1);
    assert.equal(s.Retention.Removed, 1);
    assert.ok(s.Horizon !== undefined && s.Horizon > t1, `horizon ${s.Horizon} after t1 ${t1}`);
    await assert.rejects(engine.execute(`G.At(${t1}).V()`, graph), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'SKY_ERR_HISTORY_HORIZON');
      assert.match(err.message, new RegExp(`No history before .*\\(${s.Horizon} ms\\)`));
      return true;
    });
    assert.equal(await count(`G.At('-0s').V().Count()`), 1, 'a is still alive');
    // a time no Date can hold is still a clear horizon error, not a crash while formatting it
    await assert.rejects(engine.execute(`G.At('-99999999999h').V()`, graph), {
      code: 'SKY_ERR_HISTORY_HORIZON',
    });
  } finally {
    await history.close();
  }
});

test('retention by size drops the oldest closed revisions first', async () => {
  const clock = manualClock(1_700_000_000_000);
  const store = new MemoryHistoryStore({ clock: clock.now });
  const graph = new Graph({ host: 'h', origin: 'o', clock: clock.now });
  const history = await AnalyzerHistory.start(store, graph, {
    logger,
    clock: clock.now,
    retention: { maxBytes: 1, intervalMs: 3_600_000 },
  });
  try {
    const n = graph.newNode({ Name: 'n', Type: 'veth', MTU: 1 }, { id: 'n' });
    for (let i = 2; i <= 5; i++) {
      clock.advance(1000);
      graph.setMetadata(n, { Name: 'n', Type: 'veth', MTU: i });
    }
    await history.writer.flush();
    assert.equal((await store.stats()).revisions, 5);
    const r = await history.retention.run();
    assert.equal(r?.removed, 4, 'every closed revision goes; the open one stays');
    assert.equal((await store.stats()).revisions, 1);
    assert.equal((await history.status()).Retention.MaxBytes, 1);
  } finally {
    await history.close();
  }
});

/** A store whose writes fail while `down` is set (the rest is the memory store). */
function flakyStore(): { store: HistoryStore; setDown(v: boolean): void } {
  const inner = new MemoryHistoryStore();
  let down = false;
  const store = Object.assign(Object.create(inner) as HistoryStore, {
    append: (c: readonly HistoryChange[]) =>
      down ? Promise.reject(new Error('database is down')) : inner.append(c),
    prune: () => (down ? Promise.reject(new Error('database is down')) : inner.prune({})),
  });
  return { store, setDown: (v) => (down = v) };
}

test('a failing store: the graph never waits, status shows the backlog and the error', async () => {
  const { store, setDown } = flakyStore();
  const graph = new Graph({ host: 'h', origin: 'o' });
  const history = await AnalyzerHistory.start(store, graph, {
    logger,
    writer: { retryMs: 5, maxRetryMs: 20 },
    retention: { maxAgeMs: 1000, intervalMs: 3_600_000 },
  });
  try {
    setDown(true);
    graph.newNode({ Name: 'x', Type: 'veth' }, { id: 'x' });
    assert.equal(graph.nodeCount, 1, 'the live graph has it at once');
    await assert.rejects(history.writer.flush(), /database is down/);
    await history.retention.run();
    const s = await history.status();
    assert.equal(s.Backlog, 1);
    assert.ok(s.Failures >= 2, `failures ${s.Failures}`);
    assert.match(s.LastError ?? '', /database is down/);
    setDown(false);
    await history.writer.flush();
    const after = await history.status();
    assert.equal(after.Backlog, 0);
    assert.equal(after.Written, 1);
    const view = await history.provider.at(Date.now());
    assert.ok(view.getNode('x'), 'written once the store is back');
  } finally {
    await history.close();
  }
});

test('a backlog past its bound drops the oldest changes and counts them', async () => {
  const { store, setDown } = flakyStore();
  const graph = new Graph({ host: 'h', origin: 'o' });
  const history = await AnalyzerHistory.start(store, graph, {
    logger,
    writer: { maxBacklog: 3, retryMs: 5, maxRetryMs: 20 },
  });
  try {
    setDown(true);
    for (let i = 0; i < 10; i++) graph.newNode({ Name: `n${i}`, Type: 'veth' }, { id: `n${i}` });
    assert.equal(graph.nodeCount, 10);
    const s = await history.status();
    assert.equal(s.Backlog, 3);
    assert.equal(s.Dropped, 7);
    setDown(false);
    await history.writer.flush();
    const view = await history.provider.at(Date.now());
    assert.deepEqual([...view.nodes()].map((n) => n.id).sort(), ['n7', 'n8', 'n9']);
  } finally {
    await history.close();
  }
});
