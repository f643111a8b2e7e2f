// SPDX-License-Identifier: Apache-2.0
// Flow stores (SQLite, then PostgreSQL): flows upserted per second vs "plain-upsert" (the same
// flows in the same batches into a two-column table uuid → JSON, no indexes, no metric rows), and
// filtered searches vs "scan-in-js" (read every stored document, parse it, evaluate the filter).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { checkFilter, evalFilter, type FlowFilter } from '../src/storage/flow-filter.js';
import { generateFlows } from '../src/storage/flow-store.fixtures.js';
import type { FlowQuery, FlowStore, StoredFlow } from '../src/storage/flow-store.js';
import { inRange } from '../src/storage/flow-query.js';
import { PostgresFlowStore } from '../src/storage/postgres/flow-store.js';
import { SqliteFlowStore } from '../src/storage/sqlite/flow-store.js';
import { postgresAvailable, startPostgres } from '../src/storage/testing/postgres-server.js';
import { printFigure, printLatency, sample, stats } from './lib/report.js';

const N = Number(process.env['FLOWS'] ?? 100_000);
const BATCH = Number(process.env['BATCH'] ?? 1000);
const ITER = Number(process.env['ITER'] ?? 20);
const WITH_PG = process.env['PG'] !== '0' && postgresAvailable();

// Two rounds: every flow, then an update of every flow (Last moved on, a new metric slice), as
// agents resend them every flow.update: each write is a flow state and one metric row.
const first = generateFlows(N, 11);
const updates = first.map((f) => ({
  ...f,
  Last: f.Last + 1000,
  LastUpdateMetric: {
    ...(f['LastUpdateMetric'] as Record<string, number>),
    Start: f.Last,
    Last: f.Last + 1000,
  },
}));
const batches: StoredFlow[][] = [];
for (const round of [first, updates])
  for (let i = 0; i < round.length; i += BATCH) batches.push(round.slice(i, i + BATCH));
console.log(`${N} flows written twice (insert, then update) in batches of ${BATCH}`);

const QUERIES: Array<[string, FlowQuery]> = [
  [
    'indexed: Network.A + range',
    {
      filter: { TermStringFilter: { Key: 'Network.A', Value: '10.0.1.5' } },
      range: { from: 40_000, to: 60_000 },
    },
  ],
  [
    'JSON key: DNS, ABBytes > 90000',
    {
      filter: {
        BoolFilter: {
          Op: 1,
          Filters: [
            { TermStringFilter: { Key: 'Application', Value: 'DNS' } },
            { GtInt64Filter: { Key: 'Metric.ABBytes', Value: 90_000 } },
          ],
        },
      },
    },
  ],
];

/** The baseline search: every document parsed and evaluated in process. */
function scan(docs: () => Iterable<StoredFlow>, q: FlowQuery): number {
  const f = checkFilter(q.filter as FlowFilter);
  let n = 0;
  for (const d of docs()) if (inRange(d, q.range) && evalFilter(f, d)) n++;
  return n;
}

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function compare(
  store: FlowStore,
  oursS: number,
  plainS: number,
  docs: () => Promise<Iterable<StoredFlow>>,
): Promise<void> {
  printFigure('upsert (flows/s)', (2 * N) / oursS, 'plain-upsert', (2 * N) / plainS, 'flows/s');
  for (const [name, q] of QUERIES) {
    const ours = (await store.search(q)).length;
    let all: Iterable<StoredFlow> = [];
    const base = async () => scan(() => all, q);
    all = await docs();
    assert.equal(await base(), ours, `${name}: store and scan disagree`);
    const o = stats(await sample(() => store.search(q), ITER, 2));
    const b = stats(
      await sample(
        async () => {
          all = await docs();
          return base();
        },
        Math.max(3, Math.floor(ITER / 4)),
        1,
      ),
    );
    printLatency(`${name} [${ours}]`, o, 'scan-in-js', b);
  }
}

async function benchSqlite(dir: string): Promise<void> {
  console.log('== SQLite');
  const store = SqliteFlowStore.open(join(dir, 'flows.db'));
  const oursS = await timed(async () => {
    for (const b of batches) await store.insert(b);
  });
  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE plain (uuid TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  const ins = db.prepare(
    'INSERT INTO plain (uuid, doc) VALUES (?, ?) ON CONFLICT (uuid) DO UPDATE SET doc = excluded.doc',
  );
  const tx = db.transaction((b: StoredFlow[]) => {
    for (const f of b) ins.run(f.UUID, JSON.stringify(f));
  });
  const plainS = await timed(() => {
    for (const b of batches) tx(b);
  });
  const all = db.prepare<[], { doc: string }>('SELECT doc FROM plain');
  await compare(store, oursS, plainS, async () =>
    all.all().map((r) => JSON.parse(r.doc) as StoredFlow),
  );
  db.close();
  await store.close();
}

async function benchPostgres(): Promise<void> {
  console.log('== PostgreSQL (test server: fsync=off, Unix socket)');
  const server = startPostgres();
  try {
    const store = new PostgresFlowStore(await server.createDatabase('skbenchflow'));
    const oursS = await timed(async () => {
      for (const b of batches) await store.insert(b);
    });
    const client = new pg.Client(await server.createDatabase('skbenchflowplain'));
    await client.connect();
    await client.query('CREATE TABLE plain (uuid text PRIMARY KEY, doc jsonb NOT NULL)');
    const plainS = await timed(async () => {
      for (const b of batches)
        await client.query(
          `INSERT INTO plain (uuid, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])
           ON CONFLICT (uuid) DO UPDATE SET doc = excluded.doc`,
          [b.map((f) => f.UUID), b.map((f) => JSON.stringify(f))],
        );
    });
    await compare(store, oursS, plainS, async () =>
      (await client.query<{ doc: StoredFlow }>('SELECT doc FROM plain')).rows.map((r) => r.doc),
    );
    await client.end();
    await store.close();
  } finally {
    server.destroy();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'skbench-flow-'));
try {
  await benchSqlite(dir);
  if (WITH_PG) await benchPostgres();
  else console.log('== PostgreSQL skipped (PG=0 or not installed)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
