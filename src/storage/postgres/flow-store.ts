// SPDX-License-Identifier: Apache-2.0
// FlowStore on PostgreSQL: the latest state per UUID with indexed columns and the document as
// jsonb, metric rows per update and raw packets per flow, batches written with unnest() upserts. Filters become SQL except
// regular expressions and IPv4 ranges, which run in process on the SQL superset (same results).
import pg from 'pg';
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
  FLOW_COLUMNS,
  columnValues,
  metricValues,
  orderOf,
  toMetric,
  toRawPacket,
  whereOf,
  type FlowDialect,
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
import {
  LOCKS,
  clientConfig,
  describeTarget,
  ensureSchema,
  storageError,
  type PostgresSettings,
} from './connection.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS flows (
  uuid text PRIMARY KEY,
  layers_path text NOT NULL,
  tracking_id text NOT NULL,
  l3_tracking_id text NOT NULL,
  parent_uuid text NOT NULL,
  node_tid text NOT NULL,
  application text NOT NULL,
  capture_id text NOT NULL,
  start bigint NOT NULL,
  last bigint NOT NULL,
  network_a text,
  network_b text,
  transport_a bigint,
  transport_b bigint,
  doc jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS flows_tracking_id ON flows (tracking_id);
CREATE INDEX IF NOT EXISTS flows_l3_tracking_id ON flows (l3_tracking_id);
CREATE INDEX IF NOT EXISTS flows_node_tid ON flows (node_tid);
CREATE INDEX IF NOT EXISTS flows_capture_id ON flows (capture_id);
CREATE INDEX IF NOT EXISTS flows_application ON flows (application);
CREATE INDEX IF NOT EXISTS flows_start ON flows (start);
CREATE INDEX IF NOT EXISTS flows_last ON flows (last);
CREATE INDEX IF NOT EXISTS flows_network ON flows (network_a, network_b);
CREATE INDEX IF NOT EXISTS flows_network_b ON flows (network_b);
CREATE INDEX IF NOT EXISTS flows_transport ON flows (transport_a, transport_b);
CREATE INDEX IF NOT EXISTS flows_transport_b ON flows (transport_b);
CREATE TABLE IF NOT EXISTS flow_metrics (
  uuid text NOT NULL,
  start bigint NOT NULL,
  last bigint NOT NULL,
  ab_packets bigint NOT NULL,
  ab_bytes bigint NOT NULL,
  ba_packets bigint NOT NULL,
  ba_bytes bigint NOT NULL,
  rtt bigint,
  PRIMARY KEY (uuid, start, last)
);
CREATE INDEX IF NOT EXISTS flow_metrics_last ON flow_metrics (last);
CREATE TABLE IF NOT EXISTS flow_raw_packets (
  uuid text NOT NULL,
  idx integer NOT NULL,
  ts bigint NOT NULL,
  link_type integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (uuid, idx)
);
CREATE INDEX IF NOT EXISTS flow_raw_packets_ts ON flow_raw_packets (ts);
`;

const pgPath = (path: string[]): string => `'{${path.join(',')}}'`;

/** The PostgreSQL dialect, collecting $n parameters. */
function pgDialect(params: unknown[]): FlowDialect {
  const param = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  return {
    TRUE: 'true',
    FALSE: 'false',
    textOrder: ' COLLATE "C"',
    noLimit: 'ALL',
    param,
    jsonEq: (path, v) =>
      `coalesce(doc #> ${pgPath(path)} = ${param(JSON.stringify(v))}::jsonb, false)`,
    jsonCmp: (path, op, v) =>
      `coalesce(CASE WHEN jsonb_typeof(doc #> ${pgPath(path)}) = 'number' THEN (doc #>> ${pgPath(path)})::numeric ${op} ${param(v)}::numeric ELSE false END, false)`,
    jsonNull: (path) => `coalesce(jsonb_typeof(doc #> ${pgPath(path)}) = 'null', true)`,
    jsonText: (path) => ({
      value: `(doc #>> ${pgPath(path)})`,
      isText: `jsonb_typeof(doc #> ${pgPath(path)}) = 'string'`,
    }),
    // regex (RE2/JavaScript vs POSIX) and IPv4 ranges: in process, on the SQL superset
  };
}

const ARRAY_TYPES = [
  ...Object.values(FLOW_COLUMNS).map((c) => (c.type === 'text' ? 'text[]' : 'bigint[]')),
  'jsonb[]',
];
const COLS = [...COLUMN_NAMES, 'doc'];
const UPSERT = `INSERT INTO flows (${COLS.join(', ')})
  SELECT * FROM unnest(${ARRAY_TYPES.map((t, i) => `$${i + 1}::${t}`).join(', ')})
  ON CONFLICT (uuid) DO UPDATE SET ${COLS.filter((c) => c !== 'uuid')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}
  WHERE excluded.last >= flows.last`;
const UPSERT_METRICS = `INSERT INTO flow_metrics
  (uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
    $6::bigint[], $7::bigint[], $8::bigint[])
  ON CONFLICT (uuid, start, last) DO UPDATE SET ab_packets = excluded.ab_packets,
    ab_bytes = excluded.ab_bytes, ba_packets = excluded.ba_packets,
    ba_bytes = excluded.ba_bytes, rtt = excluded.rtt`;
const UPSERT_RAW = `INSERT INTO flow_raw_packets (uuid, idx, ts, link_type, data)
  SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::integer[], $5::bytea[])
  ON CONFLICT (uuid, idx) DO UPDATE SET ts = excluded.ts, link_type = excluded.link_type,
    data = excluded.data`;

const CHUNK = 1000;

/**
 * Flows in a PostgreSQL database. Opening never fails because the server is down: calls throw
 * SKY_ERR_STORAGE_UNAVAILABLE until it answers (the FlowWriter keeps and retries its batches).
 * @example
 * const flows = new PostgresFlowStore({ host: '/run/postgresql', database: 'skydive' });
 */
export class PostgresFlowStore implements FlowStore {
  readonly backend = 'postgres';
  private readonly pool: pg.Pool;
  private readonly target: string;
  private schemaReady = false;

  constructor(settings: PostgresSettings) {
    this.pool = new pg.Pool(clientConfig(settings));
    this.pool.on('error', () => undefined);
    this.target = describeTarget(settings);
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      if (!this.schemaReady) {
        await ensureSchema(this.pool, LOCKS.flowSchema, SCHEMA);
        this.schemaReady = true;
      }
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw storageError(err, this.target);
    }
  }

  async insert(batch: readonly StoredFlow[]): Promise<InsertResult> {
    const { flows, rejected } = latestPerUUID(batch);
    let stored = 0;
    for (let i = 0; i < flows.length; i += CHUNK) {
      const part = flows.slice(i, i + CHUNK);
      const columns: unknown[][] = COLS.map(() => []);
      for (const f of part) {
        const v = [...columnValues(f), JSON.stringify(f)];
        for (let c = 0; c < v.length; c++) (columns[c] as unknown[]).push(v[c]);
      }
      stored += (await this.query(UPSERT, columns)).rowCount ?? 0;
    }
    const byKey = new Map<string, [string, FlowMetricRow]>();
    for (const [uuid, m] of metricRows(batch))
      byKey.set(`${uuid}\n${m.Start}\n${m.Last}`, [uuid, m]);
    const metrics = [...byKey.values()];
    for (let i = 0; i < metrics.length; i += CHUNK) {
      const cols: unknown[][] = [[], [], [], [], [], [], [], []];
      for (const [uuid, m] of metrics.slice(i, i + CHUNK))
        metricValues(uuid, m).forEach((x, c) => (cols[c] as unknown[]).push(x));
      await this.query(UPSERT_METRICS, cols);
    }
    const raw = rawPacketRows(batch);
    for (let i = 0; i < raw.rows.length; i += CHUNK) {
      const cols: unknown[][] = [[], [], [], [], []];
      for (const [uuid, p] of raw.rows.slice(i, i + CHUNK))
        [uuid, p.Index, p.Timestamp, p.LinkType, Buffer.from(p.Data, 'base64')].forEach((x, c) =>
          (cols[c] as unknown[]).push(x),
        );
      await this.query(UPSERT_RAW, cols);
    }
    return { stored, rejected, rawPacketsRejected: raw.rejected };
  }

  private async run(q: CheckedQuery, paginate: boolean): Promise<StoredFlow[]> {
    const params: unknown[] = [];
    const d = pgDialect(params);
    const where = whereOf(q, d);
    const order = where.exact && paginate ? orderOf(q, d) : undefined;
    const r = await this.query<{ doc: StoredFlow }>(
      `SELECT doc FROM flows WHERE ${where.sql}${order ?? ''}`,
      params,
    );
    const flows = r.rows.map((x) => x.doc);
    return order ? flows : finish(flows, q, { filtered: where.exact, paginate });
  }

  async search(query?: FlowQuery): Promise<StoredFlow[]> {
    return this.run(checkQuery(query), true);
  }

  async count(query?: FlowQuery): Promise<number> {
    const q = checkQuery(query);
    const params: unknown[] = [];
    const where = whereOf(q, pgDialect(params));
    if (!where.exact || q.dedupKey !== undefined) return (await this.run(q, false)).length;
    const r = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM flows WHERE ${where.sql}`,
      params,
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  /** Metric rows of `uuids` whose interval meets (`meets`) or lies inside the range. */
  private async metricRowsOf(
    uuids: readonly string[],
    range: TimeRange | undefined,
    meets: boolean,
  ): Promise<Record<string, FlowMetricRow[]>> {
    const out: Record<string, FlowMetricRow[]> = {};
    for (let i = 0; i < uuids.length; i += CHUNK) {
      const params: unknown[] = [uuids.slice(i, i + CHUNK)];
      let sql = `SELECT uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt
        FROM flow_metrics WHERE uuid = ANY($1::text[])`;
      if (range) {
        sql += meets ? ' AND start <= $2 AND last >= $3' : ' AND start >= $2 AND last <= $3';
        params.push(...(meets ? [range.to, range.from] : [range.from, range.to]));
      }
      sql += ' ORDER BY uuid, start, last';
      for (const r of (await this.query<MetricRecord & pg.QueryResultRow>(sql, params)).rows)
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
      const params: unknown[] = [ids.slice(i, i + CHUNK)];
      let sql = `SELECT uuid, idx, ts, link_type, data FROM flow_raw_packets
        WHERE uuid = ANY($1::text[])`;
      if (range) {
        sql += ' AND ts >= $2 AND ts <= $3';
        params.push(range.from, range.to);
      }
      sql += ' ORDER BY uuid, idx';
      for (const r of (await this.query<RawPacketRecord & pg.QueryResultRow>(sql, params)).rows)
        (out[r.uuid] ??= []).push(toRawPacket(r));
    }
    return out;
  }

  async prune(before: number): Promise<PruneResult> {
    const flows = await this.query('DELETE FROM flows WHERE last < $1', [before]);
    const metrics = await this.query('DELETE FROM flow_metrics WHERE last < $1', [before]);
    const raw = await this.query('DELETE FROM flow_raw_packets WHERE ts < $1', [before]);
    return {
      flows: flows.rowCount ?? 0,
      metrics: metrics.rowCount ?? 0,
      rawPackets: raw.rowCount ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
