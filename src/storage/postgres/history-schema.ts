// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL schema and statements of the history store. Same layout as SQLite's (Type/Name
// columns for pushdown, `to_ms` = OPEN while current); batches go in through unnest() arrays.
// Rows are read as arrays in the column order of the SQLite schema and mapped by its fromSql.
import { COLUMNS, OPEN } from '../sqlite/history-schema.js';

export { OPEN };

/** 2: revisions carry their `writer` (see the SQLite schema); version 1 is migrated on start. */
export const SCHEMA_VERSION = 2;

export const META_SCHEMA =
  'CREATE TABLE IF NOT EXISTS history_meta (key text PRIMARY KEY, value bigint)';

/** Version 1 → 2 (as SQLite's MIGRATE_V1): the writer column; old open revisions closed at $1. */
export const MIGRATE_V1 = [
  "ALTER TABLE history_revisions ADD COLUMN IF NOT EXISTS writer text NOT NULL DEFAULT ''",
  `UPDATE history_revisions SET to_ms = greatest($1, from_ms) WHERE to_ms = ${OPEN}`,
];

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_revisions (
  seq bigserial PRIMARY KEY,
  kind smallint NOT NULL,
  id text NOT NULL,
  from_ms bigint NOT NULL,
  to_ms bigint NOT NULL,
  type text,
  name text,
  host text NOT NULL,
  origin text NOT NULL,
  created_at bigint,
  updated_at bigint,
  deleted_at bigint,
  revision bigint NOT NULL,
  parent text,
  child text,
  size integer NOT NULL,
  metadata text NOT NULL,
  writer text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_by_id ON history_revisions (kind, id, to_ms);
CREATE INDEX IF NOT EXISTS history_by_to ON history_revisions (to_ms, from_ms);
CREATE INDEX IF NOT EXISTS history_by_from ON history_revisions (from_ms);
CREATE INDEX IF NOT EXISTS history_by_type ON history_revisions (type, to_ms, from_ms) WHERE kind = 0;
CREATE INDEX IF NOT EXISTS history_by_name ON history_revisions (name, to_ms, from_ms) WHERE kind = 0;
`;

const T = 'history_revisions';

export const SQL = {
  /** $1 kinds, $2 ids, $3 times, $4 deletedAt (null: keep): closes the open revisions. */
  close: `UPDATE ${T} h SET to_ms = greatest(v.t, h.from_ms), deleted_at = coalesce(v.del, h.deleted_at)
    FROM unnest($1::smallint[], $2::text[], $3::bigint[], $4::bigint[]) AS v(kind, id, t, del)
    WHERE h.kind = v.kind AND h.id = v.id AND h.to_ms = ${OPEN} AND h.writer = $5
    RETURNING h.kind, h.id, h.from_ms`,
  /** $1 kinds, $2 ids, $3 writer: the end of each element's last revision (none is open). */
  lastEnd: `SELECT h.kind, h.id, max(h.to_ms) AS t FROM ${T} h
    JOIN unnest($1::smallint[], $2::text[]) AS v(kind, id) ON h.kind = v.kind AND h.id = v.id
    WHERE h.writer = $3 GROUP BY h.kind, h.id`,
  insert: `INSERT INTO ${T} (kind, id, from_ms, to_ms, type, name, host, origin, created_at,
    updated_at, deleted_at, revision, parent, child, size, metadata, writer)
    SELECT *, $17::text FROM unnest($1::smallint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],
    $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[],
    $13::text[], $14::text[], $15::integer[], $16::text[])`,
  /**
   * Counters shared by every writer: combined with what is stored (bytes added, `start` the
   * minimum, the others the maximum), so two analyzers never overwrite each other's figures.
   */
  meta: `INSERT INTO history_meta (key, value) SELECT * FROM unnest($1::text[], $2::bigint[])
    ON CONFLICT (key) DO UPDATE SET value = CASE excluded.key
      WHEN 'data_bytes' THEN coalesce(history_meta.value, 0) + excluded.value
      WHEN 'start' THEN least(history_meta.value, excluded.value)
      WHEN 'version' THEN excluded.value
      ELSE greatest(history_meta.value, excluded.value) END
    RETURNING key, value`,
  metaAll: 'SELECT key, value FROM history_meta',
  closeAll: `UPDATE ${T} SET to_ms = greatest($1, from_ms) WHERE to_ms = ${OPEN} AND writer = $2`,
  at: `SELECT ${COLUMNS} FROM ${T} WHERE to_ms > $1 AND from_ms <= $1`,
  window: `SELECT ${COLUMNS} FROM ${T} WHERE to_ms > $1 AND from_ms <= $2 ORDER BY seq`,
  lookup: (col: 'type' | 'name') =>
    `SELECT ${COLUMNS} FROM ${T} WHERE kind = 0 AND ${col} IN ($1, $2) AND to_ms > $3 AND from_ms <= $3`,
  changes: `SELECT ${COLUMNS} FROM ${T} WHERE seq IN (
      SELECT seq FROM ${T} WHERE from_ms > $1 AND from_ms <= $2
      UNION SELECT seq FROM ${T} WHERE to_ms > $1 AND to_ms <= $2)
    ORDER BY from_ms, seq`,
  pruneAge: `WITH d AS (DELETE FROM ${T} WHERE to_ms <= $1 RETURNING size)
    SELECT count(*)::bigint AS n, coalesce(sum(size), 0)::bigint AS bytes FROM d`,
  /** $1 bytes to free: the oldest closed revisions whose running total before them is below it. */
  pruneSize: `WITH c AS (
      SELECT seq, size, sum(size) OVER (ORDER BY to_ms, seq ROWS UNBOUNDED PRECEDING) AS cum
      FROM ${T} WHERE to_ms < ${OPEN}),
    d AS (DELETE FROM ${T} h USING c WHERE h.seq = c.seq AND c.cum - c.size < $1
      RETURNING h.size, h.to_ms)
    SELECT count(*)::bigint AS n, coalesce(sum(size), 0)::bigint AS bytes, max(to_ms) AS last FROM d`,
  stats: `SELECT (SELECT count(*) FROM ${T}) AS revisions,
    (SELECT count(*) FROM ${T} WHERE to_ms = ${OPEN}) AS open,
    (SELECT min(from_ms) FROM ${T}) AS oldest,
    (pg_total_relation_size('${T}') + pg_total_relation_size('history_meta'))::bigint AS disk`,
};
