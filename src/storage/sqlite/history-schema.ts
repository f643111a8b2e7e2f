// SPDX-License-Identifier: Apache-2.0
// The SQLite schema of the history store and the mapping between its rows and RevisionRow. Node Type
// and Name get their own indexed columns so V().Has('Type', …) at a time t is one index range scan.
import type { RevisionRow } from '../history/rows.js';

/** `to_ms` of an open revision (the largest Date): keeps interval checks free of NULL tests. */
export const OPEN = 8_640_000_000_000_000;

/** Column value standing for "Type/Name is set but is not a plain string" (the view re-checks). */
export const OTHER = '\u0001';

/** Metadata keys with their own column and index. */
export const PUSHED_KEYS: Readonly<Record<string, 'type' | 'name'>> = {
  Type: 'type',
  Name: 'name',
};

/**
 * 2: revisions carry their `writer` (the analyzer that recorded them: several analyzers may share one
 * database); version-1 data is migrated by MIGRATE_V1 on open.
 */
export const SCHEMA_VERSION = 2;

/** The counters table; created first so the version is read before the revisions table is touched. */
export const META_SCHEMA =
  'CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;';

/**
 * Version 1 → 2: the writer column (old rows belong to writer ''); the open revisions of the old
 * single writer are closed at $1 (what its next start would have done), so no analyzer keeps them.
 */
export const MIGRATE_V1 = [
  "ALTER TABLE history_revisions ADD COLUMN writer TEXT NOT NULL DEFAULT ''",
  `UPDATE history_revisions SET to_ms = max(?, from_ms) WHERE to_ms = ${OPEN}`,
];

/**
 * Counters shared by every writer of the file: each key is combined with what is stored (bytes are
 * added, `start` takes the minimum, the others the maximum), so two stores never overwrite each
 * other's figures. RETURNING gives the stored values back.
 */
export const META_UPSERT = `INSERT INTO history_meta (key, value) VALUES (?, ?)
  ON CONFLICT (key) DO UPDATE SET value = CASE excluded.key
    WHEN 'data_bytes' THEN coalesce(value, 0) + excluded.value
    WHEN 'start' THEN coalesce(min(value, excluded.value), excluded.value)
    WHEN 'version' THEN excluded.value
    ELSE coalesce(max(value, excluded.value), excluded.value) END
  RETURNING key, value`;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_revisions (
  seq INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  type TEXT,
  name TEXT,
  host TEXT NOT NULL,
  origin TEXT NOT NULL,
  created_at INTEGER,
  updated_at INTEGER,
  deleted_at INTEGER,
  revision INTEGER NOT NULL,
  parent TEXT,
  child TEXT,
  size INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  writer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_by_id ON history_revisions (kind, id, to_ms);
CREATE INDEX IF NOT EXISTS history_by_to ON history_revisions (to_ms, from_ms);
CREATE INDEX IF NOT EXISTS history_by_from ON history_revisions (from_ms);
CREATE INDEX IF NOT EXISTS history_by_type ON history_revisions (type, to_ms, from_ms, id) WHERE kind = 0;
CREATE INDEX IF NOT EXISTS history_by_name ON history_revisions (name, to_ms, from_ms, id) WHERE kind = 0;
`;

/** Columns read back, in the order fromSql reads them. */
export const COLUMNS =
  'kind, id, from_ms, to_ms, host, origin, created_at, updated_at, deleted_at, revision, parent, ' +
  'child, metadata';

/** A row as SQLite returns it for COLUMNS in raw (array) mode: cheaper than named objects. */
export type SqlRow = unknown[];

/** SqlRow → RevisionRow (one fixed-shape object literal per row). */
export function fromSql(r: SqlRow): RevisionRow {
  const to = r[3] as number;
  return {
    kind: r[0] === 0 ? 'node' : 'edge',
    id: r[1] as string,
    from: r[2] as number,
    to: to === OPEN ? null : to,
    host: r[4] as string,
    origin: r[5] as string,
    createdAt: r[6] as number | null,
    updatedAt: r[7] as number | null,
    deletedAt: r[8] as number | null,
    revision: r[9] as number,
    parent: r[10] as string | null,
    child: r[11] as string | null,
    metadata: r[12] as string,
  };
}

/** The value stored in the Type/Name column for a metadata value. */
export function pushedValue(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : OTHER;
}
