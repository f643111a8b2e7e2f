// SPDX-License-Identifier: Apache-2.0
// FlowStore in an SQLite file: the latest state per UUID with indexed columns for the keys queries
// use, the JSON document for the rest (json_extract), metric rows per update; filters become SQL,
// regular expressions and IPv4 ranges run through functions registered from JavaScript.
import { ipv4InRange } from '../flow-filter.js';
import { checkQuery, finish, latestPerUUID, metricRows, type CheckedQuery } from '../flow-query.js';
import { COLUMN_NAMES, columnValues, orderOf, whereOf, type FlowDialect } from '../flow-sql.js';
import type {
  FlowMetricRow,
  FlowQuery,
  FlowStore,
  InsertResult,
  PruneResult,
  StoredFlow,
  TimeRange,
} from '../flow-store.js';
import { openSqlite, type SqliteDatabase } from './database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS flows (
  uuid TEXT PRIMARY KEY,
  layers_path TEXT NOT NULL,
  tracking_id TEXT NOT NULL,
  l3_tracking_id TEXT NOT NULL,
  parent_uuid TEXT NOT NULL,
  node_tid TEXT NOT NULL,
  application TEXT NOT NULL,
  capture_id TEXT NOT NULL,
  start INTEGER NOT NULL,
  last INTEGER NOT NULL,
  network_a TEXT,
  network_b TEXT,
  transport_a INTEGER,
  transport_b INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flows_tracking_id ON flows (tracking_id);
CREATE INDEX IF NOT EXISTS flows_l3_tracking_id ON flows (l3_tracking_id);
CREATE INDEX IF NOT EXISTS flows_node_tid ON flows (node_tid);
CREATE INDEX IF NOT EXISTS flows_capture_id ON flows (capture_id);
CREATE INDEX IF NOT EXISTS flows_start ON flows (start);
CREATE INDEX IF NOT EXISTS flows_last ON flows (last);
CREATE INDEX IF NOT EXISTS flows_network_a ON flows (network_a);
CREATE INDEX IF NOT EXISTS flows_application ON flows (application);
-- Indexes of earlier versions, dropped (Network.B, Transport.A/B go through the rows the other
-- conditions leave): each cost every write more than it saved searches.
DROP INDEX IF EXISTS flows_network;
DROP INDEX IF EXISTS flows_network_b;
DROP INDEX IF EXISTS flows_transport;
DROP INDEX IF EXISTS flows_transport_b;
CREATE TABLE IF NOT EXISTS flow_metrics (
  uuid TEXT NOT NULL,
  start INTEGER NOT NULL,
  last INTEGER NOT NULL,
  ab_packets INTEGER NOT NULL,
  ab_bytes INTEGER NOT NULL,
  ba_packets INTEGER NOT NULL,
  ba_bytes INTEGER NOT NULL,
  rtt INTEGER,
  PRIMARY KEY (uuid, start, last)
);
CREATE INDEX IF NOT EXISTS flow_metrics_last ON flow_metrics (last);
`;

const jsonPath = (path: string[]): string => `'$.${path.map((s) => `"${s}"`).join('.')}'`;

/** The SQLite dialect, collecting positional parameters. */
function sqliteDialect(params: unknown[]): FlowDialect {
  const param = (v: unknown): string => {
    params.push(v);
    return '?';
  };
  return {
    TRUE: '1',
    FALSE: '0',
    textOrder: '',
    noLimit: '-1',
    param,
    jsonEq(path, v) {
      const p = jsonPath(path);
      if (typeof v === 'boolean') return `coalesce(json_type(doc, ${p}) = '${v}', 0)`;
      const type = typeof v === 'string' ? "= 'text'" : "IN ('integer', 'real')";
      return `coalesce(json_type(doc, ${p}) ${type} AND json_extract(doc, ${p}) = ${param(v)}, 0)`;
    },
    jsonCmp(path, op, v) {
      const p = jsonPath(path);
      return `coalesce(json_type(doc, ${p}) IN ('integer', 'real') AND json_extract(doc, ${p}) ${op} ${param(v)}, 0)`;
    },
    jsonNull: (path) => `coalesce(json_type(doc, ${jsonPath(path)}) = 'null', 1)`,
    jsonText: (path) => ({
      value: `json_extract(doc, ${jsonPath(path)})`,
      isText: `json_type(doc, ${jsonPath(path)}) = 'text'`,
    }),
    regex: (value, guard, pattern) =>
      `coalesce(${guard} AND sky_regexp(${param(pattern)}, ${value}), 0)`,
    ipv4: (value, guard, lo, hi) =>
      `coalesce(${guard} AND sky_ipv4(${value}, ${param(lo)}, ${param(hi)}), 0)`,
  };
}

function registerFunctions(db: SqliteDatabase): void {
  const cache = new Map<string, RegExp>();
  db.function('sky_regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof value !== 'string') return 0;
    let re = cache.get(String(pattern));
    if (!re) {
      if (cache.size > 256) cache.clear();
      cache.set(String(pattern), (re = new RegExp(String(pattern))));
    }
    return re.test(value) ? 1 : 0;
  });
  db.function('sky_ipv4', { deterministic: true }, (value: unknown, lo: unknown, hi: unknown) =>
    typeof value === 'string' && ipv4InRange(value, Number(lo), Number(hi)) ? 1 : 0,
  );
}

const CHUNK = 500;

/** Columns a newer state of a flow may change (its identity columns stay). */
const MUTABLE = ['last', 'application', 'layers_path'];

/**
 * Flows in an SQLite database file (WAL; its directory is created on first start).
 * @example
 * const flows = SqliteFlowStore.open('/var/lib/skydive/flows.db');
 * await flows.search({ filter: { TermStringFilter: { Key: 'Network.A', Value: '10.0.0.1' } } });
 */
export class SqliteFlowStore implements FlowStore {
  readonly backend = 'sqlite';
  private readonly upsert;
  private readonly update;
  private readonly upsertMetric;
  private readonly updateArgs: (values: unknown[], doc: string) => unknown[];

  private constructor(private readonly db: SqliteDatabase) {
    // 64 MiB of page cache: random UUIDs spread inserts over the whole primary-key index.
    db.pragma('cache_size = -65536');
    db.exec(SCHEMA);
    registerFunctions(db);
    const cols = [...COLUMN_NAMES, 'doc'];
    const set = cols
      .filter((c) => c !== 'uuid')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.upsert = db.prepare(
      `INSERT INTO flows (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
       ON CONFLICT (uuid) DO UPDATE SET ${set} WHERE excluded.last >= flows.last`,
    );
    // The usual write is a newer state of a known flow whose identity columns did not change:
    // updating only what moves leaves the other indexes alone (about twice as fast).
    const fixed = COLUMN_NAMES.filter((c) => !MUTABLE.includes(c));
    this.update = db.prepare(
      `UPDATE flows SET ${[...MUTABLE, 'doc'].map((c) => `${c} = ?`).join(', ')}
       WHERE ${fixed.map((c) => (c === 'uuid' ? 'uuid = ?' : `${c} IS ?`)).join(' AND ')}
       AND last <= ?`,
    );
    this.updateArgs = (values: unknown[], doc: string): unknown[] => [
      ...MUTABLE.map((c) => values[COLUMN_NAMES.indexOf(c)]),
      doc,
      ...fixed.map((c) => values[COLUMN_NAMES.indexOf(c)]),
      values[COLUMN_NAMES.indexOf('last')],
    ];
    this.upsertMetric = db.prepare(
      `INSERT INTO flow_metrics (uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (uuid, start, last) DO UPDATE SET ab_packets = excluded.ab_packets,
       ab_bytes = excluded.ab_bytes, ba_packets = excluded.ba_packets,
       ba_bytes = excluded.ba_bytes, rtt = excluded.rtt`,
    );
  }

  /** Opens (creating when missing) the flow database at `path`. */
  static open(path: string): SqliteFlowStore {
    const db = openSqlite(path);
    try {
      return new SqliteFlowStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async insert(batch: readonly StoredFlow[]): Promise<InsertResult> {
    const { flows, rejected } = latestPerUUID(batch);
    const metrics = metricRows(batch);
    let stored = 0;
    this.db.transaction(() => {
      for (const f of flows) {
        const values = columnValues(f);
        const doc = JSON.stringify(f);
        let n = this.update.run(...this.updateArgs(values, doc)).changes;
        if (n === 0) n = this.upsert.run(...values, doc).changes;
        stored += n;
      }
      for (const [uuid, m] of metrics)
        this.upsertMetric.run(
          uuid,
          m.Start,
          m.Last,
          m.ABPackets,
          m.ABBytes,
          m.BAPackets,
          m.BABytes,
          m.RTT ?? null,
        );
    })();
    return { stored, rejected };
  }

  private run(q: CheckedQuery, paginate: boolean): StoredFlow[] {
    const params: unknown[] = [];
    const d = sqliteDialect(params);
    const where = whereOf(q, d);
    const order = where.exact && paginate ? orderOf(q, d) : undefined;
    const rows = this.db
      .prepare<unknown[], { doc: string }>(`SELECT doc FROM flows WHERE ${where.sql}${order ?? ''}`)
      .all(...params);
    const flows = rows.map((r) => JSON.parse(r.doc) as StoredFlow);
    return order ? flows : finish(flows, q, { filtered: where.exact, paginate });
  }

  async search(query?: FlowQuery): Promise<StoredFlow[]> {
    return this.run(checkQuery(query), true);
  }

  async count(query?: FlowQuery): Promise<number> {
    const q = checkQuery(query);
    const params: unknown[] = [];
    const where = whereOf(q, sqliteDialect(params));
    if (!where.exact || q.dedupKey !== undefined) return this.run(q, false).length;
    const r = this.db
      .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM flows WHERE ${where.sql}`)
      .get(...params);
    return r?.n ?? 0;
  }

  async metrics(query?: FlowQuery, range?: TimeRange): Promise<Record<string, FlowMetricRow[]>> {
    const uuids = (await this.search(query)).map((f) => f.UUID);
    const out: Record<string, FlowMetricRow[]> = {};
    for (let i = 0; i < uuids.length; i += CHUNK) {
      const chunk = uuids.slice(i, i + CHUNK);
      const params: unknown[] = [...chunk];
      let sql = `SELECT uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt
        FROM flow_metrics WHERE uuid IN (${chunk.map(() => '?').join(', ')})`;
      if (range) {
        sql += ' AND start <= ? AND last >= ?';
        params.push(range.to, range.from);
      }
      sql += ' ORDER BY uuid, start, last';
      for (const r of this.db.prepare<unknown[], MetricRecord>(sql).all(...params))
        (out[r.uuid] ??= []).push(toMetric(r));
    }
    return out;
  }

  async prune(before: number): Promise<PruneResult> {
    return this.db.transaction(() => ({
      flows: this.db.prepare('DELETE FROM flows WHERE last < ?').run(before).changes,
      metrics: this.db.prepare('DELETE FROM flow_metrics WHERE last < ?').run(before).changes,
    }))();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** A flow_metrics row as both SQL backends read it. */
export interface MetricRecord {
  uuid: string;
  start: number | string;
  last: number | string;
  ab_packets: number | string;
  ab_bytes: number | string;
  ba_packets: number | string;
  ba_bytes: number | string;
  rtt: number | string | null;
}

/** The FlowMetricRow of a flow_metrics row (PostgreSQL returns int8 as strings). */
export function toMetric(r: MetricRecord): FlowMetricRow {
  const m: FlowMetricRow = {
    ABPackets: Number(r.ab_packets),
    ABBytes: Number(r.ab_bytes),
    BAPackets: Number(r.ba_packets),
    BABytes: Number(r.ba_bytes),
    Start: Number(r.start),
    Last: Number(r.last),
  };
  if (r.rtt !== null) m.RTT = Number(r.rtt);
  return m;
}
