// SPDX-License-Identifier: Apache-2.0
// FlowStore in an SQLite file: the latest state per UUID with indexed columns for the keys queries
// use, the JSON document for the rest (json_extract), metric rows per update and raw packets per
// flow; filters become SQL, regular expressions and IPv4 ranges run through registered functions.
import type { Statement } from 'better-sqlite3';
import {
  checkQuery,
  checkSeriesArgs,
  finish,
  latestPerUUID,
  metricRows,
  rawPacketRows,
  type CheckedQuery,
} from '../flow-query.js';
import {
  COLUMN_NAMES,
  columnValues,
  metricValues,
  orderOf,
  toMetric,
  toRawPacket,
  whereOf,
  type MetricRecord,
  type RawPacketRecord,
} from '../flow-sql.js';
import type {
  FlowMetricRow,
  FlowQuery,
  FlowStore,
  InsertResult,
  PruneResult,
  StoredFlow,
  StoredRawPacket,
  TimeRange,
} from '../flow-store.js';
import { openSqlite, type SqliteDatabase } from './database.js';
import {
  FLOW_SCHEMA,
  PRUNE_METRICS,
  migrateFlowSchema,
  registerFlowFunctions,
  sqliteDialect,
} from './flow-store-sql.js';

/** UUIDs per read statement. */
const CHUNK = 500;
/** Metric rows per INSERT statement (8 parameters each). */
const METRIC_ROWS = 100;

const METRIC_COLS = '(uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt)';

/**
 * Flows in an SQLite database file (WAL; its directory is created on first start).
 * @example
 * const flows = SqliteFlowStore.open('/var/lib/skydive/flows.db');
 * await flows.search({ filter: { TermStringFilter: { Key: 'Network.A', Value: '10.0.0.1' } } });
 */
export class SqliteFlowStore implements FlowStore {
  readonly backend = 'sqlite';
  private readonly upsert: Statement;
  private readonly update: Statement;
  private readonly updateArgs: (values: unknown[], doc: string) => unknown[];
  /** Multi-row metric INSERTs by number of rows. */
  private readonly metricInserts = new Map<number, Statement>();
  private readonly upsertRaw: Statement;

  private constructor(private readonly db: SqliteDatabase) {
    // 64 MiB of page cache: random UUIDs spread inserts over the whole primary-key index.
    db.pragma('cache_size = -65536');
    db.exec(FLOW_SCHEMA);
    migrateFlowSchema(db);
    registerFlowFunctions(db);
    const cols = [...COLUMN_NAMES, 'doc'];
    const set = cols
      .filter((c) => c !== 'uuid')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.upsert = db.prepare(
      `INSERT INTO flows (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
       ON CONFLICT (uuid) DO UPDATE SET ${set} WHERE excluded.last >= flows.last`,
    );
    // The usual write is a newer state of a known flow whose other columns did not change:
    // setting only Last and the document leaves every index but flows_last alone.
    const fixed = COLUMN_NAMES.filter((c) => c !== 'last');
    const lastAt = COLUMN_NAMES.indexOf('last');
    const fixedAt = fixed.map((c) => COLUMN_NAMES.indexOf(c));
    this.update = db.prepare(
      `UPDATE flows SET last = ?, doc = ?
       WHERE ${fixed.map((c) => (c === 'uuid' ? 'uuid = ?' : `${c} IS ?`)).join(' AND ')}
       AND last <= ?`,
    );
    this.updateArgs = (values: unknown[], doc: string): unknown[] => [
      values[lastAt],
      doc,
      ...fixedAt.map((i) => values[i]),
      values[lastAt],
    ];
    this.upsertRaw = db.prepare(
      `INSERT INTO flow_raw_packets (uuid, idx, ts, link_type, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (uuid, idx) DO UPDATE SET ts = excluded.ts, link_type = excluded.link_type,
       data = excluded.data`,
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

  /** The INSERT of `n` metric rows (a later row of the same key replaces the earlier one). */
  private metricInsert(n: number): Statement {
    let st = this.metricInserts.get(n);
    if (!st) {
      const row = '(?, ?, ?, ?, ?, ?, ?, ?)';
      st = this.db.prepare(
        `INSERT INTO flow_metric_rows ${METRIC_COLS} VALUES ${Array(n).fill(row).join(', ')}
         ON CONFLICT (uuid, start, last) DO UPDATE SET ab_packets = excluded.ab_packets,
         ab_bytes = excluded.ab_bytes, ba_packets = excluded.ba_packets,
         ba_bytes = excluded.ba_bytes, rtt = excluded.rtt`,
      );
      this.metricInserts.set(n, st);
    }
    return st;
  }

  async insert(batch: readonly StoredFlow[]): Promise<InsertResult> {
    const { flows, rejected } = latestPerUUID(batch);
    const metrics = metricRows(batch);
    const raw = rawPacketRows(batch);
    let stored = 0;
    this.db.transaction(() => {
      for (const f of flows) {
        const values = columnValues(f);
        const doc = JSON.stringify(f);
        let n = this.update.run(...this.updateArgs(values, doc)).changes;
        if (n === 0) n = this.upsert.run(...values, doc).changes;
        stored += n;
      }
      for (let i = 0; i < metrics.length; i += METRIC_ROWS) {
        const part = metrics.slice(i, i + METRIC_ROWS);
        const args: unknown[] = [];
        for (const [uuid, m] of part) args.push(...metricValues(uuid, m));
        this.metricInsert(part.length).run(...args);
      }
      for (const [uuid, p] of raw.rows)
        this.upsertRaw.run(uuid, p.Index, p.Timestamp, p.LinkType, Buffer.from(p.Data, 'base64'));
    })();
    return { stored, rejected, rawPacketsRejected: raw.rejected };
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

  /** Metric rows of `uuids` whose interval meets (`meets`) or lies inside the range. */
  private metricRowsOf(
    uuids: readonly string[],
    range: TimeRange | undefined,
    meets: boolean,
  ): Record<string, FlowMetricRow[]> {
    const out: Record<string, FlowMetricRow[]> = {};
    for (let i = 0; i < uuids.length; i += CHUNK) {
      const chunk = uuids.slice(i, i + CHUNK);
      const params: unknown[] = [...chunk];
      let sql = `SELECT uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt
        FROM flow_metric_rows WHERE uuid IN (${chunk.map(() => '?').join(', ')})`;
      if (range) {
        sql += meets ? ' AND start <= ? AND last >= ?' : ' AND start >= ? AND last <= ?';
        params.push(...(meets ? [range.to, range.from] : [range.from, range.to]));
      }
      sql += ' ORDER BY uuid, start, last';
      for (const r of this.db.prepare<unknown[], MetricRecord>(sql).all(...params))
        (out[r.uuid] ??= []).push(toMetric(r));
    }
    return out;
  }

  async metrics(query?: FlowQuery, range?: TimeRange): Promise<Record<string, FlowMetricRow[]>> {
    const uuids = (await this.search(query)).map((f) => f.UUID);
    return this.metricRowsOf(uuids, range, true);
  }

  async metricSeries(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, FlowMetricRow[]>> {
    return this.metricRowsOf(checkSeriesArgs(uuids, range), range, false);
  }

  async rawPackets(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, StoredRawPacket[]>> {
    const ids = checkSeriesArgs(uuids, range);
    const out: Record<string, StoredRawPacket[]> = {};
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const params: unknown[] = [...chunk];
      let sql = `SELECT uuid, idx, ts, link_type, data FROM flow_raw_packets
        WHERE uuid IN (${chunk.map(() => '?').join(', ')})`;
      if (range) {
        sql += ' AND ts >= ? AND ts <= ?';
        params.push(range.from, range.to);
      }
      sql += ' ORDER BY uuid, idx';
      for (const r of this.db.prepare<unknown[], RawPacketRecord>(sql).all(...params))
        (out[r.uuid] ??= []).push(toRawPacket(r));
    }
    return out;
  }

  async prune(before: number): Promise<PruneResult> {
    return this.db.transaction(() => {
      let metrics = 0;
      for (const sql of PRUNE_METRICS) metrics += this.db.prepare(sql).run({ t: before }).changes;
      return {
        flows: this.db.prepare('DELETE FROM flows WHERE last < ?').run(before).changes,
        metrics,
        rawPackets: this.db.prepare('DELETE FROM flow_raw_packets WHERE ts < ?').run(before)
          .changes,
      };
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
