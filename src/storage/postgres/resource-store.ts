// SPDX-License-Identifier: Apache-2.0
// ResourceStore on PostgreSQL, shared by several analyzers: writes are serialised by an advisory
// lock so the change log commits in id order; peers wake up on NOTIFY and replay the log, and after
// a lost connection they catch up from their cursor, so nothing is missed while they were away.
import pg from 'pg';
import {
  SqlResourceStore,
  type ResourceChange,
  type ResourceDriver,
  type ResourceRow,
} from '../resource-sql.js';
import type { ResourceKind } from '../resource-store.js';
import {
  LOCKS,
  clientConfig,
  describeTarget,
  ensureSchema,
  storageError,
  type PostgresSettings,
} from './connection.js';

const CHANNEL = 'skydive_resources';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS resources (
  seq bigserial PRIMARY KEY,
  kind text NOT NULL,
  uuid text NOT NULL,
  doc text NOT NULL,
  expires_at bigint,
  UNIQUE (kind, uuid)
);
CREATE TABLE IF NOT EXISTS resource_changes (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  uuid text NOT NULL,
  type text NOT NULL,
  doc text NOT NULL,
  expires_at bigint,
  at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS resource_meta (key text PRIMARY KEY, value bigint NOT NULL);
`;

interface Row {
  kind: string;
  uuid: string;
  doc: string;
  expires_at: string | null;
}

const toRow = (r: Row): ResourceRow => ({
  kind: r.kind as ResourceKind,
  uuid: r.uuid,
  doc: JSON.parse(r.doc) as ResourceRow['doc'],
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
});

const COLS = 'kind, uuid, doc, expires_at';

/** The PostgreSQL dialect of the resource engine. */
class PostgresResourceDriver implements ResourceDriver {
  private schemaReady = false;

  constructor(
    readonly pool: pg.Pool,
    private readonly target: string,
  ) {}

  /** Runs `fn` on one client inside a transaction, with schema creation on first use. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    try {
      if (!this.schemaReady) {
        await ensureSchema(this.pool, LOCKS.resourceSchema, SCHEMA);
        this.schemaReady = true;
      }
      const c = await this.pool.connect();
      try {
        await c.query(begin);
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    } catch (err) {
      throw storageError(err, this.target);
    }
  }

  snapshot(): Promise<{ rows: ResourceRow[]; cursor: number }> {
    return this.tx(async (c) => {
      const rows = await c.query<Row>(`SELECT ${COLS} FROM resources ORDER BY seq`);
      const cur = await c.query<{ id: string }>(
        `SELECT coalesce((SELECT max(id) FROM resource_changes),
           (SELECT value FROM resource_meta WHERE key = 'pruned_upto'), 0) AS id`,
      );
      return { rows: rows.rows.map(toRow), cursor: Number(cur.rows[0]?.id ?? 0) };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  get(kind: ResourceKind, uuid: string): Promise<ResourceRow | undefined> {
    return this.tx(async (c) => {
      const r = await c.query<Row>(`SELECT ${COLS} FROM resources WHERE kind = $1 AND uuid = $2`, [
        kind,
        uuid,
      ]);
      const row = r.rows[0];
      return row && toRow(row);
    });
  }

  list(kind: ResourceKind): Promise<ResourceRow[]> {
    return this.tx(async (c) => {
      const r = await c.query<Row>(`SELECT ${COLS} FROM resources WHERE kind = $1 ORDER BY seq`, [
        kind,
      ]);
      return r.rows.map(toRow);
    });
  }

  private async log(
    c: pg.PoolClient,
    r: ResourceRow,
    type: ResourceChange['type'],
    doc: string,
    now: number,
  ): Promise<void> {
    await c.query(
      'INSERT INTO resource_changes (kind, uuid, type, doc, expires_at, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [r.kind, r.uuid, type, doc, r.expiresAt, now],
    );
    await c.query('SELECT pg_notify($1, $2)', [CHANNEL, type]);
  }

  insert(row: ResourceRow, now: number): Promise<boolean> {
    const doc = JSON.stringify(row.doc);
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.resourceWrite]);
      const r = await c.query(
        'INSERT INTO resources (kind, uuid, doc, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [row.kind, row.uuid, doc, row.expiresAt],
      );
      if (r.rowCount === 0) return false;
      await this.log(c, row, 'created', doc, now);
      return true;
    });
  }

  remove(
    kind: ResourceKind,
    uuid: string,
    type: 'deleted' | 'expired',
    now: number,
    expiredAt?: number,
  ): Promise<ResourceRow | undefined> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.resourceWrite]);
      const r =
        expiredAt === undefined
          ? await c.query<Row>(
              `DELETE FROM resources WHERE kind = $1 AND uuid = $2 RETURNING ${COLS}`,
              [kind, uuid],
            )
          : await c.query<Row>(
              `DELETE FROM resources WHERE kind = $1 AND uuid = $2 AND expires_at <= $3 RETURNING ${COLS}`,
              [kind, uuid, expiredAt],
            );
      const raw = r.rows[0];
      if (!raw) return undefined;
      const row = toRow(raw);
      await this.log(c, row, type, raw.doc, now);
      return row;
    });
  }

  changesSince(cursor: number): Promise<{ changes: ResourceChange[]; gap: boolean }> {
    return this.tx(async (c) => {
      const p = await c.query<{ value: string }>(
        "SELECT value FROM resource_meta WHERE key = 'pruned_upto'",
      );
      if (cursor < Number(p.rows[0]?.value ?? 0)) return { changes: [], gap: true };
      const r = await c.query<Row & { id: string; type: string }>(
        `SELECT id, type, ${COLS} FROM resource_changes WHERE id > $1 ORDER BY id`,
        [cursor],
      );
      const changes = r.rows.map((x) => ({
        ...toRow(x),
        id: Number(x.id),
        type: x.type as ResourceChange['type'],
      }));
      return { changes, gap: false };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async pruneChanges(before: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.resourceWrite]);
      const r = await c.query<{ id: string | null }>(
        'SELECT max(id) AS id FROM resource_changes WHERE at < $1',
        [before],
      );
      const upto = r.rows[0]?.id;
      if (upto === null || upto === undefined) return;
      await c.query('DELETE FROM resource_changes WHERE id <= $1', [upto]);
      await c.query(
        `INSERT INTO resource_meta (key, value) VALUES ('pruned_upto', $1)
         ON CONFLICT (key) DO UPDATE SET value = greatest(resource_meta.value, excluded.value)`,
        [upto],
      );
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Keeps one connection LISTENing on the change channel and calls `wake` on each notification and
 * after every (re)connection, so a store that was cut off catches up with what it missed.
 */
class ChangeListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = 200;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cfg: pg.ClientConfig,
    private readonly wake: () => void,
  ) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.cfg);
    this.client = client;
    let dropped = false;
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      this.schedule();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.retryMs = 200;
      this.wake(); // catch up with whatever happened while not listening
    } catch {
      drop();
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }

  /** The backend pid of the listening connection (tests cut it with pg_terminate_backend). */
  async pid(): Promise<number | undefined> {
    const r = await this.client?.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return r?.rows[0]?.pid;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}

/** Options of a PostgreSQL ResourceStore. */
export interface PostgresResourceStoreOptions extends PostgresSettings {
  /** Safety-net poll of the change log in ms, besides NOTIFY (default 2000). */
  pollMs?: number;
  /** How long changes stay in the log, in ms (default one hour). */
  keepChangesMs?: number;
  /** Told when the database becomes unreachable or reachable again. */
  onHealth?: (healthy: boolean, err?: unknown) => void;
}

/** A PostgreSQL ResourceStore plus the handle on its change listener. */
export class PostgresResourceStore extends SqlResourceStore {
  constructor(
    driver: ResourceDriver,
    opts: ConstructorParameters<typeof SqlResourceStore>[1],
    private readonly listener: ChangeListener,
  ) {
    super(driver, opts);
  }

  /** Backend pid of the LISTEN connection, undefined while disconnected. */
  listenerPid(): Promise<number | undefined> {
    return this.listener.pid();
  }

  override async close(): Promise<void> {
    await this.listener.close();
    await super.close();
  }
}

/**
 * Opens a PostgreSQL ResourceStore. It never fails because the server is down: the store starts
 * empty and unhealthy (`status()`), operations throw SKY_ERR_STORAGE_UNAVAILABLE, and it loads
 * and starts delivering events as soon as the server answers.
 * @example
 * const store = await openPostgresResourceStore({ host: '/run/postgresql', database: 'skydive' });
 */
export async function openPostgresResourceStore(
  opts: PostgresResourceStoreOptions,
): Promise<PostgresResourceStore> {
  const cfg = clientConfig(opts);
  const pool = new pg.Pool(cfg);
  pool.on('error', () => undefined); // idle client lost: the next query reconnects
  const driver = new PostgresResourceDriver(pool, describeTarget(opts));
  const wake = { fn: (): void => undefined };
  const listener = new ChangeListener(cfg, () => wake.fn());
  const store = new PostgresResourceStore(
    driver,
    {
      pollMs: opts.pollMs ?? 2000,
      ...(opts.keepChangesMs === undefined ? {} : { keepChangesMs: opts.keepChangesMs }),
      ...(opts.onHealth ? { onHealth: opts.onHealth } : {}),
    },
    listener,
  );
  wake.fn = () => void store.catchUp().catch(() => undefined);
  await store.start();
  listener.start();
  return store;
}
