// SPDX-License-Identifier: Apache-2.0
// Opening the SQLite history file: connection pragmas, the schema version check, the version-1
// migration and the schema; plus `guarded`, which turns driver failures into the store's error.
import Database from 'better-sqlite3';
import { SkydiveError } from '../../graph/errors.js';
import { HistoryUnavailableError } from '../history-store.js';
import { META_SCHEMA, META_UPSERT, MIGRATE_V1, SCHEMA, SCHEMA_VERSION } from './history-schema.js';

/** Runs `fn`, turning a driver failure into SKY_ERR_HISTORY_UNAVAILABLE. */
export function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SkydiveError) throw e;
    throw new HistoryUnavailableError('sqlite', e);
  }
}

/**
 * Opens `file` (WAL, synchronous=NORMAL), refuses a schema version this build does not read,
 * migrates version 1 (closing its open revisions at `clock()`) and creates what is missing.
 * `fresh` is true when the file had no version yet: the caller records the version and its start.
 */
export function openHistoryDb(
  file: string,
  clock: () => number,
): { db: Database.Database; fresh: boolean } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 1073741824');
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(META_SCHEMA);
  const meta = db.prepare('SELECT key, value FROM history_meta').all() as {
    key: string;
    value: number | null;
  }[];
  const version = new Map(meta.map((r) => [r.key, r.value])).get('version');
  if (version !== undefined && version !== SCHEMA_VERSION && version !== 1) {
    db.close();
    throw new HistoryUnavailableError(
      'sqlite',
      new Error(
        `${file} has history schema version ${version}, this build reads ${SCHEMA_VERSION}` +
          ' (and migrates 1): run the build that wrote it, or move the file away to start an' +
          ' empty history',
      ),
    );
  }
  if (version === 1) {
    db.transaction(() => {
      db.prepare(MIGRATE_V1[0]!).run();
      db.prepare(MIGRATE_V1[1]!).run(clock());
      db.prepare(META_UPSERT).get('version', SCHEMA_VERSION);
    })();
  }
  db.exec(SCHEMA);
  return { db, fresh: version === undefined };
}
