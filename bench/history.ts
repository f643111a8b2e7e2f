// SPDX-License-Identifier: Apache-2.0
// History stores at 1M revisions (SQLite, then PostgreSQL): revisions written per second vs the
// baseline "plain-insert" (the same rows INSERTed in the same batches into the same table and
// indexes, without closing the previous revision), `G.At(t).V().Has('Type','veth').Count()` through
// the Gremlin engine vs "sql-count" (one hand-written COUNT on the same file), bytes per revision.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Graph } from '../src/graph/index.js';
import { storeHistory } from '../src/analyzer/history/provider.js';
import { GremlinEngine } from '../src/gremlin/index.js';
import type { HistoryChange, HistoryStore } from '../src/storage/history-store.js';
import { rowFromChange, rowSize } from '../src/storage/history/rows.js';
import { PostgresHistoryStore } from '../src/storage/postgres/history-store.js';
import { SCHEMA as PG_SCHEMA } from '../src/storage/postgres/history-schema.js';
import { SqliteHistoryStore } from '../src/storage/sqlite/history-store.js';
import { OPEN, SCHEMA, pushedValue } from '../src/storage/sqlite/history-schema.js';
import { postgresAvailable, startPostgres } from '../src/storage/testing/postgres-server.js';
import { historyData } from './history-data.js';
import { printFigure, printLatency, sample, stats } from './lib/report.js';

const REVISIONS = Number(process.env['REVISIONS'] ?? 1_000_000);
const NODES = Number(process.env['NODES'] ?? 100_000);
const BATCH = Number(process.env['BATCH'] ?? 5000);
const ITER = Number(process.env['ITER'] ?? 30);
const WITH_PG = process.env['PG'] !== '0' && postgresAvailable();

// Regenerated per backend and released before the queries, so the 1M changes held in memory do not
// weigh on the garbage collector while queries are timed.
let data = historyData(REVISIONS, NODES, BATCH);
const t = data.middle;
const release = (): void => {
  data.batches = [];
  (globalThis as { gc?: () => void }).gc?.();
};
console.log(
  `${data.revisions} revisions (${data.nodes} nodes, updates 1 ms apart), batches of ${BATCH}; At(t) in the middle`,
);

/** The column values of one change as the plain table stores them. */
function plainRow(c: HistoryChange): unknown[] {
  const r = rowFromChange(c);
  const md = c.kind === 'node' ? c.element.Metadata : undefined;
  return [
    c.kind === 'node' ? 0 : 1,
    r.id,
    r.from,
    OPEN,
    md ? pushedValue(md['Type']) : null,
    md ? pushedValue(md['Name']) : null,
    r.host,
    r.origin,
    r.createdAt,
    r.updatedAt,
    r.deletedAt,
    r.revision,
    r.parent,
    r.child,
    rowSize(r),
    r.metadata,
  ];
}

const COLS =
  'kind, id, from_ms, to_ms, type, name, host, origin, created_at, updated_at, deleted_at, ' +
  'revision, parent, child, size, metadata';

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function writeOurs(store: HistoryStore): Promise<number> {
  // as the analyzer does at start: the store then knows every open revision of its writer
  await store.closeAll(0);
  return timed(async () => {
    for (const b of data.batches) await store.append(b);
  });
}

/** The analyzer's engine: At() hints the store through the real provider. */
const engine = (store: HistoryStore) => new GremlinEngine({ history: storeHistory(store) });
/** The same with the hints dropped: every At() loads the whole snapshot. */
const fullEngine = (store: HistoryStore) =>
  new GremlinEngine({ history: { at: (time, d) => store.snapshot(time, d) } });
const live = new Graph();
const QUERY = `G.At(${t}).V().Has('Type', 'veth').Count()`;
const COUNT_SQL =
  'SELECT count(*) AS n FROM history_revisions WHERE kind = 0 AND type = $1 AND to_ms > $2 AND from_ms <= $2';

async function benchSqlite(dir: string): Promise<void> {
  console.log('== SQLite');
  const store = SqliteHistoryStore.open({ dataDir: join(dir, 'ours') });
  const oursS = await writeOurs(store);
  const plainFile = join(dir, 'plain.db');
  const db = new Database(plainFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const ins = db.prepare(
    `INSERT INTO history_revisions (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const tx = db.transaction((b: HistoryChange[]) => {
    for (const c of b) ins.run(...plainRow(c));
  });
  const plainS = await timed(() => {
    for (const b of data.batches) tx(b);
  });
  printFigure(
    'write (revisions/s)',
    data.revisions / oursS,
    'plain-insert',
    data.revisions / plainS,
    'rev/s',
  );

  release();
  const e = engine(store);
  const q = e.parse(QUERY);
  const viaGremlin = ((await e.execute(q, live)) as { value: number }).value;
  // The plain table holds no intervals; count on our file for the baseline.
  const ours = new Database(store.file, { readonly: true });
  const oursCount = ours.prepare(COUNT_SQL.replace(/\$1/, '?').replace(/\$2/g, '?'));
  const sqlN = (oursCount.get('veth', t, t) as { n: number }).n;
  assert.equal(viaGremlin, sqlN, 'Gremlin and SQL disagree');
  const g = stats(await sample(() => e.execute(q, live), ITER, 3));
  const s = stats(await sample(() => oursCount.get('veth', t, t), ITER, 3));
  printLatency(`At(t) Has(Type,veth) Count [${viaGremlin}]`, g, 'sql-count', s);
  const full = stats(
    await sample(
      async () => {
        let n = 0;
        for (const x of (await store.snapshot(t)).nodes()) if (x.metadata['Type'] === 'veth') n++;
        return n;
      },
      5,
      1,
    ),
  );
  printLatency('full snapshot + scan count', full, 'sql-count', s);
  ours.close();
  db.close();
  await store.close();
  const oursBytes = statSync(store.file).size;
  const plainBytes = statSync(plainFile).size;
  printFigure(
    'bytes on disk per revision',
    oursBytes / data.revisions,
    'plain-insert',
    plainBytes / data.revisions,
    'B',
  );
}

async function benchPostgres(): Promise<void> {
  console.log('== PostgreSQL (test server: fsync=off, Unix socket)');
  const server = startPostgres();
  try {
    data = historyData(REVISIONS, NODES, BATCH);
    const conn = await server.createDatabase('skbench');
    const store = new PostgresHistoryStore({ pool: conn });
    const oursS = await writeOurs(store);
    const client = new pg.Client(await server.createDatabase('skbenchplain'));
    await client.connect();
    await client.query(PG_SCHEMA);
    const PER = 1000; // rows per INSERT statement (16 parameters each)
    const plainS = await timed(async () => {
      for (const b of data.batches) {
        await client.query('BEGIN');
        for (let i = 0; i < b.length; i += PER) {
          const chunk = b.slice(i, i + PER);
          const values: unknown[] = [];
          const tuples = chunk.map((c, j) => {
            values.push(...plainRow(c));
            return `(${Array.from({ length: 16 }, (_, k) => `$${j * 16 + k + 1}`).join(', ')})`;
          });
          await client.query(
            `INSERT INTO history_revisions (${COLS}) VALUES ${tuples.join(', ')}`,
            values,
          );
        }
        await client.query('COMMIT');
      }
    });
    printFigure(
      'write (revisions/s)',
      data.revisions / oursS,
      'plain-insert',
      data.revisions / plainS,
      'rev/s',
    );
    release();
    const e = engine(store);
    const q = e.parse(QUERY);
    const viaGremlin = ((await e.execute(q, live)) as { value: number }).value;
    const poolOurs = new pg.Pool(conn);
    const sqlCount = async () => Number((await poolOurs.query(COUNT_SQL, ['veth', t])).rows[0].n);
    assert.equal(viaGremlin, await sqlCount(), 'Gremlin and SQL disagree');
    const s = stats(await sample(sqlCount, ITER, 3));
    const hinted = async () => {
      const v = await store.snapshot(t, undefined, {
        lookups: [{ key: 'Type', value: 'veth' }],
        lookupsOnly: true,
      });
      return [...(v.lookupNodes('Type', 'veth') ?? [])].length;
    };
    assert.equal(await hinted(), viaGremlin);
    printLatency(
      `hinted snapshot count [${viaGremlin}]`,
      stats(await sample(hinted, ITER, 3)),
      'sql-count',
      s,
    );
    const g = stats(await sample(() => e.execute(q, live), 10, 1));
    printLatency('At(t) … Count (Gremlin, hinted)', g, 'sql-count', s);
    const full = fullEngine(store);
    const fq = full.parse(QUERY);
    assert.deepEqual(await full.execute(fq, live), await e.execute(q, live), 'hint changes answer');
    const f = stats(await sample(() => full.execute(fq, live), 5, 1));
    printLatency('At(t) … Count (hints dropped: full load)', f, 'sql-count', s);
    const size = async (c: pg.Client | pg.Pool) =>
      Number((await c.query("SELECT pg_total_relation_size('history_revisions') AS b")).rows[0].b);
    printFigure(
      'bytes on disk per revision',
      (await size(poolOurs)) / data.revisions,
      'plain-insert',
      (await size(client)) / data.revisions,
      'B',
    );
    // Closing a revision is an UPDATE: until vacuum, the old row versions stay in the table.
    await poolOurs.query('VACUUM FULL history_revisions');
    await client.query('VACUUM FULL history_revisions');
    printFigure(
      'bytes per revision after VACUUM FULL',
      (await size(poolOurs)) / data.revisions,
      'plain-insert',
      (await size(client)) / data.revisions,
      'B',
    );
    await poolOurs.end();
    await client.end();
    await store.close();
  } finally {
    server.destroy();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'skbench-history-'));
try {
  await benchSqlite(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (WITH_PG) await benchPostgres();
else console.log('PostgreSQL skipped (PG=0 or not installed)');
