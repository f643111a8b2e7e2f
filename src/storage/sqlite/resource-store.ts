// SPDX-License-Identifier: Apache-2.0
// ResourceStore on an SQLite file: a resources table, a change log every instance polls (so two
// analyzers on one file, or one restarted, see every create, delete and expiry), expiry times stored.
import {
  SqlResourceStore,
  type ResourceChange,
  type ResourceDriver,
  type ResourceRow,
} from '../resource-sql.js';
import type { ResourceKind } from '../resource-store.js';
import { openSqlite, type SqliteDatabase } from './database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS resources (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  uuid TEXT NOT NULL,
  doc TEXT NOT NULL,
  expires_at INTEGER,
  UNIQUE (kind, uuid)
);
CREATE TABLE IF NOT EXISTS resource_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  uuid TEXT NOT NULL,
  type TEXT NOT NULL,
  doc TEXT NOT NULL,
  expires_at INTEGER,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS resource_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

interface Row {
  kind: string;
  uuid: string;
  doc: string;
  expires_at: number | null;
}
interface ChangeRow extends Row {
  id: number;
  type: string;
}

const toRow = (r: Row): ResourceRow => ({
  kind: r.kind as ResourceKind,
  uuid: r.uuid,
  doc: JSON.parse(r.doc) as ResourceRow['doc'],
  expiresAt: r.expires_at,
});

/** The SQLite dialect of the resource engine; synchronous underneath. */
class SqliteResourceDriver implements ResourceDriver {
  private readonly q;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(SCHEMA);
    this.q = {
      all: db.prepare<[], Row>('SELECT kind, uuid, doc, expires_at FROM resources ORDER BY seq'),
      get: db.prepare<[string, string], Row>(
        'SELECT kind, uuid, doc, expires_at FROM resources WHERE kind = ? AND uuid = ?',
      ),
      list: db.prepare<[string], Row>(
        'SELECT kind, uuid, doc, expires_at FROM resources WHERE kind = ? ORDER BY seq',
      ),
      cursor: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM resource_changes'),
      seq: db.prepare<[], { seq: number }>(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'resource_changes'), 0) AS seq",
      ),
      insert: db.prepare(
        'INSERT INTO resources (kind, uuid, doc, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      del: db.prepare<[string, string], Row>(
        'DELETE FROM resources WHERE kind = ? AND uuid = ? RETURNING kind, uuid, doc, expires_at',
      ),
      delExpired: db.prepare<[string, string, number], Row>(
        'DELETE FROM resources WHERE kind = ? AND uuid = ? AND expires_at <= ? RETURNING kind, uuid, doc, expires_at',
      ),
      log: db.prepare(
        'INSERT INTO resource_changes (kind, uuid, type, doc, expires_at, at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      since: db.prepare<[number], ChangeRow>(
        'SELECT id, kind, uuid, type, doc, expires_at FROM resource_changes WHERE id > ? ORDER BY id',
      ),
      pruned: db.prepare<[], { value: number }>(
        "SELECT value FROM resource_meta WHERE key = 'pruned_upto'",
      ),
      prunable: db.prepare<[number], { id: number | null }>(
        'SELECT max(id) AS id FROM resource_changes WHERE at < ?',
      ),
      prune: db.prepare('DELETE FROM resource_changes WHERE id <= ?'),
      setPruned: db.prepare(
        "INSERT INTO resource_meta (key, value) VALUES ('pruned_upto', ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
      ),
    };
  }

  async snapshot(): Promise<{ rows: ResourceRow[]; cursor: number }> {
    return this.db.transaction(() => ({
      rows: this.q.all.all().map(toRow),
      // the AUTOINCREMENT counter survives pruning of the whole log
      cursor: this.q.seq.get()?.seq ?? 0,
    }))();
  }

  async get(kind: ResourceKind, uuid: string): Promise<ResourceRow | undefined> {
    const r = this.q.get.get(kind, uuid);
    return r && toRow(r);
  }

  async list(kind: ResourceKind): Promise<ResourceRow[]> {
    return this.q.list.all(kind).map(toRow);
  }

  async insert(row: ResourceRow, now: number): Promise<boolean> {
    const doc = JSON.stringify(row.doc);
    return this.db
      .transaction(() => {
        if (this.q.insert.run(row.kind, row.uuid, doc, row.expiresAt).changes === 0) return false;
        this.q.log.run(row.kind, row.uuid, 'created', doc, row.expiresAt, now);
        return true;
      })
      .immediate();
  }

  async remove(
    kind: ResourceKind,
    uuid: string,
    type: 'deleted' | 'expired',
    now: number,
    expiredAt?: number,
  ): Promise<ResourceRow | undefined> {
    return this.db
      .transaction(() => {
        const r =
          expiredAt === undefined
            ? this.q.del.get(kind, uuid)
            : this.q.delExpired.get(kind, uuid, expiredAt);
        if (!r) return undefined;
        this.q.log.run(kind, uuid, type, r.doc, r.expires_at, now);
        return toRow(r);
      })
      .immediate();
  }

  async changesSince(cursor: number): Promise<{ changes: ResourceChange[]; gap: boolean }> {
    return this.db.transaction(() => {
      const pruned = this.q.pruned.get()?.value ?? 0;
      if (cursor < pruned) return { changes: [], gap: true };
      const changes = this.q.since.all(cursor).map((c) => ({
        ...toRow(c),
        id: c.id,
        type: c.type as ResourceChange['type'],
      }));
      return { changes, gap: false };
    })();
  }

  async pruneChanges(before: number): Promise<void> {
    this.db
      .transaction(() => {
        const upto = this.q.prunable.get(before)?.id;
        if (upto === null || upto === undefined) return;
        this.q.prune.run(upto);
        this.q.setPruned.run(upto);
      })
      .immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Options of an SQLite ResourceStore. */
export interface SqliteResourceStoreOptions {
  /** Database file (its directory is created when missing). */
  path: string;
  /** Period in ms at which the change log is polled for other instances' changes (default 250). */
  pollMs?: number;
  /** How long changes stay in the log, in ms (default one hour). */
  keepChangesMs?: number;
}

/**
 * Opens an SQLite ResourceStore and loads its cache.
 * @example
 * const store = await openSqliteResourceStore({ path: '/var/lib/skydive/skydive.db' });
 */
export async function openSqliteResourceStore(
  opts: SqliteResourceStoreOptions,
): Promise<SqlResourceStore> {
  const db = openSqlite(opts.path);
  let driver: SqliteResourceDriver;
  try {
    driver = new SqliteResourceDriver(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const store = new SqlResourceStore(driver, {
    pollMs: opts.pollMs ?? 250,
    ...(opts.keepChangesMs === undefined ? {} : { keepChangesMs: opts.keepChangesMs }),
  });
  await store.start();
  return store;
}
