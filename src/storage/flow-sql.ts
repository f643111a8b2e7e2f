// SPDX-License-Identifier: Apache-2.0
// Turns a checked flow filter into SQL for the SQLite and PostgreSQL FlowStores: indexed columns
// where they exist, the JSON document otherwise, type-strict like the in-process evaluation. What a
// dialect cannot express becomes TRUE (or FALSE under NOT): a superset the caller filters exactly.
import { matchesOmittedZero, type FilterLeaf, type FilterNode } from './flow-filter.js';
import type { CheckedQuery } from './flow-query.js';
import type { FlowMetricRow, StoredRawPacket } from './flow-store.js';

/** A flow key kept in its own column; `text` columns of root keys are never NULL. */
interface Column {
  col: string;
  type: 'text' | 'int';
  notNull: boolean;
}

/** Flow keys with a column (and an index), and how the column is filled. */
export const FLOW_COLUMNS: Record<string, Column> = {
  UUID: { col: 'uuid', type: 'text', notNull: true },
  LayersPath: { col: 'layers_path', type: 'text', notNull: true },
  TrackingID: { col: 'tracking_id', type: 'text', notNull: true },
  L3TrackingID: { col: 'l3_tracking_id', type: 'text', notNull: true },
  ParentUUID: { col: 'parent_uuid', type: 'text', notNull: true },
  NodeTID: { col: 'node_tid', type: 'text', notNull: true },
  Application: { col: 'application', type: 'text', notNull: true },
  CaptureID: { col: 'capture_id', type: 'text', notNull: true },
  Start: { col: 'start', type: 'int', notNull: true },
  Last: { col: 'last', type: 'int', notNull: true },
  'Network.A': { col: 'network_a', type: 'text', notNull: false },
  'Network.B': { col: 'network_b', type: 'text', notNull: false },
  'Transport.A': { col: 'transport_a', type: 'int', notNull: false },
  'Transport.B': { col: 'transport_b', type: 'int', notNull: false },
};

/** Column names in a fixed order, for INSERT statements. */
export const COLUMN_NAMES = Object.values(FLOW_COLUMNS).map((c) => c.col);

/** Each column with its key path split once (columnValues runs once per stored flow). */
const PATHS = Object.entries(FLOW_COLUMNS).map(([key, c]) => ({ path: key.split('.'), c }));

/** The column values of a flow, in COLUMN_NAMES order. */
export function columnValues(f: Record<string, unknown>): Array<string | number | null> {
  const out: Array<string | number | null> = new Array(PATHS.length);
  for (let i = 0; i < PATHS.length; i++) {
    const { path, c } = PATHS[i]!;
    let v: unknown = f;
    for (const seg of path)
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
    if (c.type === 'text') out[i] = typeof v === 'string' ? v : c.notNull ? '' : null;
    else out[i] = Number.isSafeInteger(v) ? (v as number) : null;
  }
  return out;
}

/** A metric row as both SQL backends read it (PostgreSQL returns int8 as strings). */
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

/** The FlowMetricRow of a metric record. */
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

/** The column values of a metric row: uuid, start, last, ab/ba packets and bytes, rtt. */
export const metricValues = (uuid: string, m: FlowMetricRow): Array<string | number | null> => [
  uuid,
  m.Start,
  m.Last,
  m.ABPackets,
  m.ABBytes,
  m.BAPackets,
  m.BABytes,
  m.RTT ?? null,
];

/** A raw packet row as both SQL backends read it. */
export interface RawPacketRecord {
  uuid: string;
  idx: number | string;
  ts: number | string;
  link_type: number | string;
  data: Uint8Array;
}

/** The StoredRawPacket of a raw packet row (Data back to base64). */
export const toRawPacket = (r: RawPacketRecord): StoredRawPacket => ({
  Timestamp: Number(r.ts),
  Index: Number(r.idx),
  Data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64'),
  LinkType: Number(r.link_type),
});

/** How a dialect spells each kind of test; `param` appends a value and returns its placeholder. */
export interface FlowDialect {
  readonly TRUE: string;
  readonly FALSE: string;
  /** Collation clause for ordering text columns like JavaScript does (code points). */
  readonly textOrder: string;
  /** LIMIT value meaning "no limit" (an OFFSET needs a LIMIT in SQLite). */
  readonly noLimit: string;
  param(v: unknown): string;
  jsonEq(path: string[], v: string | number | boolean): string;
  jsonCmp(path: string[], op: string, v: number): string;
  jsonNull(path: string[]): string;
  /** Undefined when the dialect cannot match like JavaScript's RegExp does. */
  regex?(valueExpr: string, typeGuard: string, pattern: string): string;
  ipv4?(valueExpr: string, typeGuard: string, lo: number, hi: number): string;
  /** Expression of the value at a JSON path, and the guard that it is a string. */
  jsonText(path: string[]): { value: string; isText: string };
}

const SQL_OP: Record<string, string> = { gt: '>', lt: '<', gte: '>=', lte: '<=' };

/** Translation of a filter: the SQL condition, and whether it is exact (no residual filter). */
export interface Translation {
  sql: string;
  exact: boolean;
}

/**
 * A comparison on a column that is never NULL: on a never-NULL column as is, else guarded so that
 * a NULL column gives FALSE (not NULL, which NOT would keep NULL). Both forms can use the index,
 * which a coalesce() around the comparison would prevent.
 */
const onColumn = (c: Column, cmp: string): string =>
  c.notNull ? cmp : `(${c.col} IS NOT NULL AND ${cmp})`;

function leaf(f: FilterLeaf, d: FlowDialect, positive: boolean): Translation {
  const c = FLOW_COLUMNS[f.key];
  const path = f.key.split('.');
  const inexact = (): Translation => ({ sql: positive ? d.TRUE : d.FALSE, exact: false });
  // a field the stored JSON leaves out when zero, compared so that zero would match: the JSON
  // cannot answer (the sub-message may be there without it), evalFilter does
  if (!c?.notNull && matchesOmittedZero(f)) return inexact();
  if (f.op === 'null') {
    if (c?.notNull) return { sql: d.FALSE, exact: true };
    return { sql: d.jsonNull(path), exact: true };
  }
  if (f.op === 'eq') {
    const t = typeof f.value;
    if (c && ((c.type === 'text' && t === 'string') || (c.type === 'int' && t === 'number')))
      return { sql: onColumn(c, `${c.col} = ${d.param(f.value)}`), exact: true };
    if (c?.notNull) return { sql: d.FALSE, exact: true }; // a root key never has that type
    return { sql: d.jsonEq(path, f.value), exact: true };
  }
  if (f.op === 'regex' || f.op === 'ipv4') {
    const onText = (value: string, guard: string): Translation | undefined => {
      const sql =
        f.op === 'regex' ? d.regex?.(value, guard, f.value) : d.ipv4?.(value, guard, f.lo, f.hi);
      return sql === undefined ? undefined : { sql, exact: true };
    };
    if (c?.type === 'text')
      return onText(c.col, c.notNull ? d.TRUE : `${c.col} IS NOT NULL`) ?? inexact();
    if (c?.notNull) return { sql: d.FALSE, exact: true };
    const j = d.jsonText(path);
    return onText(j.value, j.isText) ?? inexact();
  }
  const op = SQL_OP[f.op] as string;
  if (c?.type === 'int')
    return { sql: onColumn(c, `${c.col} ${op} ${d.param(f.value)}`), exact: true };
  if (c?.notNull) return { sql: d.FALSE, exact: true };
  return { sql: d.jsonCmp(path, op, f.value), exact: true };
}

/**
 * Translates a checked filter. `positive` is false under an odd number of NOTs, where an
 * inexpressible test must become FALSE for the result to stay a superset.
 */
export function translate(f: FilterNode, d: FlowDialect, positive = true): Translation {
  if (!('filters' in f)) return leaf(f, d, positive);
  if (f.filters.length === 0) return { sql: d.TRUE, exact: true };
  const neg = f.op === 'not';
  const parts = f.filters.map((s) => translate(s, d, neg ? !positive : positive));
  const exact = parts.every((p) => p.exact);
  const joined = parts.map((p) => `(${p.sql})`).join(f.op === 'or' ? ' OR ' : ' AND ');
  return { sql: neg ? `NOT (${joined})` : joined, exact };
}

/** The WHERE clause of a query (range and filter) and whether it is exact. */
export function whereOf(q: CheckedQuery, d: FlowDialect): Translation {
  const parts: string[] = [];
  if (q.range) parts.push(`start <= ${d.param(q.range.to)}`, `last >= ${d.param(q.range.from)}`);
  let exact = true;
  if (q.filter) {
    const t = translate(q.filter, d);
    parts.push(`(${t.sql})`);
    exact = t.exact;
  }
  return { sql: parts.length ? parts.join(' AND ') : d.TRUE, exact };
}

/**
 * ORDER BY and LIMIT/OFFSET when the database can sort exactly as `finish` does (the sort key is
 * a never-NULL column, no dedup); undefined otherwise (sort in process).
 */
export function orderOf(q: CheckedQuery, d: FlowDialect): string | undefined {
  const c = FLOW_COLUMNS[q.sortKey];
  if (!c?.notNull || q.dedupKey !== undefined) return undefined;
  const coll = c.type === 'text' ? d.textOrder : '';
  let sql = ` ORDER BY ${c.col}${coll} ${q.desc ? 'DESC' : 'ASC'}, uuid${d.textOrder} ASC`;
  if (q.to !== undefined) sql += ` LIMIT ${q.to - q.from}`;
  else if (q.from > 0) sql += ` LIMIT ${d.noLimit}`;
  if (q.from > 0) sql += ` OFFSET ${q.from}`;
  return sql;
}
