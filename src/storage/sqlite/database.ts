// SPDX-License-Identifier: Apache-2.0
// Opens an SQLite database file for the embedded stores: creates its directory on first start, WAL
// journal (readers never block the writer, other processes may open the same file), busy timeout.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SkydiveError } from '../../graph/errors.js';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/**
 * Opens (creating when missing) the database at `path` with WAL and a 5 s busy timeout.
 * @throws SkydiveError SKY_ERR_STORAGE_OPEN naming the path when the directory or file cannot be
 * created or opened (permissions, read-only file system, not a database).
 */
export function openSqlite(path: string): SqliteDatabase {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    throw new SkydiveError(
      'unavailable',
      'SKY_ERR_STORAGE_OPEN',
      `cannot open the SQLite database ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
