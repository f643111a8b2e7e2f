// SPDX-License-Identifier: Apache-2.0
// The provider hands the engine's snapshot hints to the store (PostgreSQL then loads only the nodes
// of the equality), and hinted answers are the same as full-snapshot answers on every backend.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import type { HistoryProvider } from '../../gremlin/index.js';
import { GremlinEngine } from '../../gremlin/index.js';
import type { HistoryChange, HistoryStore, SnapshotOptions } from '../../storage/history-store.js';
import { nodeJSON } from '../../storage/history-store.suite.js';
import { MemoryHistoryStore } from '../../storage/memory/history-store.js';
import { PostgresHistoryStore } from '../../storage/postgres/history-store.js';
import { SqliteHistoryStore } from '../../storage/sqlite/history-store.js';
import { startPostgres } from '../../storage/testing/postgres-server.js';
import { storeHistory } from './provider.js';

const server = startPostgres();
after(() => server.destroy());

/** Times are ms since the epoch; At() reads small integers as seconds, so start far from 0. */
const T0 = 1_700_000_000_000;

const ch = (op: HistoryChange['op'], time: number, id: string, md: Record<string, unknown>) => ({
  kind: 'node' as const,
  op,
  time: T0 + time,
  element: nodeJSON(id, md, 1, op === 'delete' ? T0 + time : null),
});

/** veths that come and go, a Type that changes, an array Type, a non-string Type, an edge. */
const HISTORY: HistoryChange[][] = [
  [
    ch('add', 1000, 'v1', { Name: 'v1', Type: 'veth' }),
    ch('add', 1000, 'v2', { Name: 'v2', Type: 'veth', MTU: 1500 }),
    ch('add', 1000, 'd1', { Name: 'd1', Type: 'device' }),
    ch('add', 1000, 'arr', { Name: 'arr', Type: ['veth', 'x'] }),
    ch('add', 1000, 'num', { Name: 'num', Type: 7 }),
    {
      kind: 'edge',
      op: 'add',
      time: T0 + 1000,
      element: { ...nodeJSON('e1', {}), Parent: 'v1', Child: 'd1' },
    },
  ],
  [ch('update', 2000, 'v2', { Name: 'v2', Type: 'veth', MTU: 9000 })],
  [ch('update', 3000, 'd1', { Name: 'd1', Type: 'veth' }), ch('delete', 3000, 'v1', {})],
  [ch('add', 4000, 'v3', { Name: 'v3', Type: 'veth' })],
];

const QUERIES = [
  "V().Has('Type', 'veth').Count()",
  "V().Has('Type', 'veth')",
  "V().Has('Type', 'device')",
  "V().Has('Name', 'v2')",
  "V().Has('Type', 7).Count()",
];

/** A comparable form of a Gremlin answer. */
function shape(r: unknown): unknown {
  const v = r as { kind: string; value?: unknown; nodes?: { id: string; metadata: unknown }[] };
  if (v.kind === 'nodes')
    return v
      .nodes!.map((n) => [n.id, n.metadata])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return v.value;
}

async function compare(store: HistoryStore): Promise<number> {
  for (const b of HISTORY) await store.append(b);
  const hinted: (SnapshotOptions | undefined)[] = [];
  const watched: HistoryStore = Object.assign(Object.create(store) as HistoryStore, {
    snapshot: (t: number, d?: number, o?: SnapshotOptions) => {
      hinted.push(o);
      return store.snapshot(t, d, o);
    },
  });
  const withHints = new GremlinEngine({ history: storeHistory(watched) });
  const full: HistoryProvider = { at: (t, d) => store.snapshot(t, d) };
  const withoutHints = new GremlinEngine({ history: full });
  const live = new Graph();
  let compared = 0;
  for (const t of [1000, 1500, 2000, 2999, 3000, 3500, 4000, 5000]) {
    for (const q of QUERIES) {
      const text = `G.At(${T0 + t}).${q}`;
      const a = shape(await withHints.execute(withHints.parse(text), live));
      const b = shape(await withoutHints.execute(withoutHints.parse(text), live));
      assert.deepEqual(a, b, text);
      compared++;
    }
  }
  assert.ok(
    hinted.some((o) => o?.lookupsOnly === true),
    'the provider passed the lookupsOnly hint to the store',
  );
  // a spot check that the answers are the expected ones, not merely equal
  const at = async (text: string) => shape(await withHints.execute(withHints.parse(text), live));
  assert.equal(await at(`G.At(${T0 + 1500}).V().Has('Type', 'veth').Count()`), 3);
  assert.equal(await at(`G.At(${T0 + 3500}).V().Has('Type', 'veth').Count()`), 3);
  assert.equal(await at(`G.At(${T0 + 4000}).V().Has('Type', 'veth').Count()`), 4);
  return compared;
}

describe('history snapshot hints', () => {
  it('memory: hinted and full answers agree', async () => {
    const s = new MemoryHistoryStore();
    try {
      assert.equal(await compare(s), 40);
    } finally {
      await s.close();
    }
  });

  it('sqlite: hinted and full answers agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sktest-hints-'));
    const s = SqliteHistoryStore.open({ dataDir: dir });
    try {
      assert.equal(await compare(s), 40);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('postgres: hinted (lookups only) and full answers agree', async () => {
    const s = new PostgresHistoryStore({ pool: await server.createDatabase('skhints') });
    try {
      assert.equal(await compare(s), 40);
    } finally {
      await s.close();
    }
  });
});
