// SPDX-License-Identifier: Apache-2.0
// The prepared statements of the SQLite history store (prepared once per open file, reused by every
// batch and read); rows come back as arrays where fromSql maps them.
import type Database from 'better-sqlite3';
import { COLUMNS, META_UPSERT, OPEN } from './history-schema.js';

/** A prepared statement. */
export type Stmt = Database.Statement<unknown[], unknown>;

/** Prepares every statement the store runs, by name, on a database whose schema is in place. */
export function prepareHistoryStatements(db: Database.Database): Record<string, Stmt> {
  const p = (sql: string): Stmt => db.prepare(sql);
  const T = 'history_revisions';
  const st: Record<string, Stmt> = {
    meta: p(META_UPSERT),
    metaAll: p('SELECT key, value FROM history_meta'),
    close: p(
      `UPDATE ${T} SET to_ms = max(?, from_ms) WHERE kind = ? AND id = ? AND writer = ? AND to_ms = ${OPEN} RETURNING from_ms`,
    ),
    closeDel: p(
      `UPDATE ${T} SET to_ms = max(?, from_ms), deleted_at = ? WHERE kind = ? AND id = ? AND writer = ? AND to_ms = ${OPEN} RETURNING from_ms`,
    ),
    insert: p(
      `INSERT INTO ${T} (kind, id, from_ms, to_ms, type, name, host, origin, created_at, updated_at,` +
        ` deleted_at, revision, parent, child, size, metadata, writer) VALUES (?, ?, ?, ${OPEN}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    closeSeq: p(`UPDATE ${T} SET to_ms = max(?, from_ms) WHERE seq = ?`),
    closeDelSeq: p(`UPDATE ${T} SET to_ms = max(?, from_ms), deleted_at = ? WHERE seq = ?`),
    lastEnd: p(`SELECT max(to_ms) AS t FROM ${T} WHERE kind = ? AND id = ? AND writer = ?`),
    closeAll: p(`UPDATE ${T} SET to_ms = max(?, from_ms) WHERE to_ms = ${OPEN} AND writer = ?`),
    // A recent t: few revisions end after it (the open ones and the latest closed); an old t: few
    // start before it. The planner cannot tell, so the store picks the index.
    atRecent: p(
      `SELECT ${COLUMNS} FROM ${T} INDEXED BY history_by_to WHERE to_ms > ? AND from_ms <= ?`,
    ),
    atOld: p(
      `SELECT ${COLUMNS} FROM ${T} INDEXED BY history_by_from WHERE to_ms > ? AND from_ms <= ?`,
    ),
    window: p(`SELECT ${COLUMNS} FROM ${T} WHERE to_ms > ? AND from_ms <= ? ORDER BY seq`),
    node: p(`SELECT ${COLUMNS} FROM ${T} WHERE kind = 0 AND id = ? AND to_ms > ? AND from_ms <= ?`),
    type: p(
      `SELECT ${COLUMNS} FROM ${T} WHERE kind = 0 AND type IN (?, ?) AND to_ms > ? AND from_ms <= ?`,
    ),
    name: p(
      `SELECT ${COLUMNS} FROM ${T} WHERE kind = 0 AND name IN (?, ?) AND to_ms > ? AND from_ms <= ?`,
    ),
    typeIds: p(
      `SELECT id, type = ? AS exact FROM ${T} WHERE kind = 0 AND type IN (?, ?) AND to_ms > ? AND from_ms <= ?`,
    ).raw(),
    nameIds: p(
      `SELECT id, name = ? AS exact FROM ${T} WHERE kind = 0 AND name IN (?, ?) AND to_ms > ? AND from_ms <= ?`,
    ).raw(),
    changes: p(
      `SELECT ${COLUMNS}, seq FROM ${T} WHERE from_ms > ? AND from_ms <= ? UNION ` +
        `SELECT ${COLUMNS}, seq FROM ${T} WHERE to_ms > ? AND to_ms <= ? ORDER BY from_ms, seq`,
    ),
    aged: p(`SELECT seq, size FROM ${T} WHERE to_ms <= ? LIMIT ?`),
    oldestClosed: p(`SELECT seq, size, to_ms FROM ${T} WHERE to_ms < ${OPEN} ORDER BY to_ms`),
    deleteSeq: p(`DELETE FROM ${T} WHERE seq = ?`),
    count: p(`SELECT count(*) AS n FROM ${T}`),
    openCount: p(`SELECT count(*) AS n FROM ${T} WHERE to_ms = ${OPEN}`),
    oldest: p(`SELECT min(from_ms) AS t FROM ${T}`),
  };
  for (const k of [
    'aged',
    'oldestClosed',
    'atRecent',
    'atOld',
    'window',
    'node',
    'type',
    'name',
    'changes',
  ])
    st[k]!.raw(true);
  return st;
}
