// SPDX-License-Identifier: Apache-2.0
// The SQLite FlowStore's schema (and its migration from earlier files), its SQL dialect for flow
// filters and the JavaScript functions it registers (regular expressions, IPv4 ranges).
import { ipv4InRange } from '../flow-filter.js';
import type { FlowDialect } from '../flow-sql.js';
import type { SqliteDatabase } from './database.js';

/**
 * Flows (latest state, indexed columns and the JSON document), metric rows (one per update) and
 * raw packets. Metric rows are the bulk of the writes, so their table is one B-tree: WITHOUT ROWID
 * (the row lives in its (uuid, start, last) key) and no index on `last` — retention finds old rows
 * through the flows they belong to (see PRUNE_METRICS). Writing a row costs about a third of what
 * the earlier rowid table with a key index and a `last` index did (bench/flow-store).
 */
export const FLOW_SCHEMA = `
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
CREATE TABLE IF NOT EXISTS flow_metric_rows (
  uuid TEXT NOT NULL,
  start INTEGER NOT NULL,
  last INTEGER NOT NULL,
  ab_packets INTEGER NOT NULL,
  ab_bytes INTEGER NOT NULL,
  ba_packets INTEGER NOT NULL,
  ba_bytes INTEGER NOT NULL,
  rtt INTEGER,
  PRIMARY KEY (uuid, start, last)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS flow_raw_packets (
  uuid TEXT NOT NULL,
  idx INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  link_type INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (uuid, idx)
);
CREATE INDEX IF NOT EXISTS flow_raw_packets_ts ON flow_raw_packets (ts);
`;

/** Moves the metric rows of a file written by an earlier version (table flow_metrics). */
export function migrateFlowSchema(db: SqliteDatabase): void {
  const old = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flow_metrics'")
    .get();
  if (!old) return;
  db.transaction(() => {
    db.exec(`INSERT OR REPLACE INTO flow_metric_rows
      (uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt)
      SELECT uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt FROM flow_metrics;
      DROP TABLE flow_metrics;`);
  })();
}

/**
 * Retention of metric rows without an index on their `last`: every stored row ends no earlier than
 * its flow's Start (flow-query metricRows), so a row that ended before t belongs to a flow that
 * ended before t (all its rows go) or to one that started before t and still runs (its rows that
 * ended before t go). Both sets of flows come from the flows_last and flows_start indexes, and each
 * flow's rows from the metric key. Parameter: @t (ms).
 */
export const PRUNE_METRICS = [
  'DELETE FROM flow_metric_rows WHERE uuid IN (SELECT uuid FROM flows WHERE last < @t)',
  `DELETE FROM flow_metric_rows WHERE last < @t
     AND uuid IN (SELECT uuid FROM flows WHERE start < @t AND last >= @t)`,
] as const;

const jsonPath = (path: string[]): string => `'$.${path.map((s) => `"${s}"`).join('.')}'`;

/** The SQLite dialect, collecting positional parameters. */
export function sqliteDialect(params: unknown[]): FlowDialect {
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

/** Registers sky_regexp(pattern, value) and sky_ipv4(value, lo, hi). */
export function registerFlowFunctions(db: SqliteDatabase): void {
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
