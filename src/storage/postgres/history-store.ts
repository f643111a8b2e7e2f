// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL HistoryStore: a pg Pool, one transaction per batch made of three statements (close
// open revisions, insert rows through unnest() arrays, save counters); snapshots load eagerly.
import pg from 'pg';
import { SkydiveError } from '../../graph/errors.js';
import type { GraphView } from '../../graph/types.js';
import type {
  HistoryChange,
  HistoryRevision,
  HistoryStats,
  HistoryStore,
  PruneOptions,
  PruneResult,
  SnapshotOptions,
} from '../history-store.js';
import {
  HistoryClosedError,
  HistoryHorizonError,
  HistoryUnavailableError,
  checkChange,
  checkDuration,
  checkTime,
} from '../history-store.js';
import { keyOf, planCloses, planRows } from '../history/plan.js';
import type { RevisionRow } from '../history/rows.js';
import { rowSize, rowToRevision } from '../history/rows.js';
import { HistoryView } from '../history/view.js';
import { windowStart, windowView } from '../history/window.js';
import { OTHER, PUSHED_KEYS, fromSql, pushedValue } from '../sqlite/history-schema.js';
import { META_SCHEMA, MIGRATE_V1, OPEN, SCHEMA, SCHEMA_VERSION, SQL } from './history-schema.js';

export interface PostgresHistoryOptions {
  /** Where the database is (pg.Pool options: host/port/user/database or connectionString…). */
  pool: pg.PoolConfig;
  /** Clock in ms: the creation time of a new schema starts its horizon (tests inject one). */
  clock?: () => number;
  /** Identity of the writer (HistoryStore.setWriter); default ''. */
  writer?: string;
}

const INT8 = 20;
/** int8 columns as JS numbers (times and counters stay below 2^53); set per pool, not globally. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as never,
};

/** Counters as history_meta returns them. */
type MetaRows = readonly { key: string; value: number | null }[];

/** A query whose rows come back as arrays (cheaper than named objects), mapped by fromSql. */
const rowsOf = async (pool: pg.Pool, text: string, values: unknown[]): Promise<RevisionRow[]> =>
  (await pool.query<unknown[]>({ text, values, rowMode: 'array' })).rows.map(fromSql);

/**
 * History in a PostgreSQL database. The schema is created on first use, so an analyzer starts
 * while the database is down; calls fail with SKY_ERR_HISTORY_UNAVAILABLE until it is back.
 * @example
 * const store = new PostgresHistoryStore({ pool: { host: '/run/postgresql', database: 'skydive' } });
 */
export class PostgresHistoryStore implements HistoryStore {
  readonly backend = 'postgres';
  private readonly pool: pg.Pool;
  private readonly clock: () => number;
  private closed = false;
  private ready: Promise<void> | undefined;
  private start = 0;
  private prunedTo: number | null = null;
  private dataBytes = 0;
  private newest: number | null = null;
  /** Connection errors reported by pool clients (the server went away). */
  connectionErrors = 0;
  private readonly watched = new WeakSet<pg.PoolClient>();
  private writer: string;

  constructor(opts: PostgresHistoryOptions) {
    this.writer = opts.writer ?? '';
    this.pool = new pg.Pool({ ...opts.pool, types });
    this.pool.on('error', () => {
      this.connectionErrors++;
    });
    this.clock = opts.clock ?? Date.now;
  }

  /** Runs `fn` once the schema is there; driver failures become SKY_ERR_HISTORY_UNAVAILABLE. */
  private async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new HistoryClosedError(this.backend);
    try {
      await (this.ready ??= this.init().catch((e: unknown) => {
        this.ready = undefined;
        throw e;
      }));
      return await fn();
    } catch (e) {
      if (e instanceof SkydiveError) throw e;
      throw new HistoryUnavailableError(this.backend, e);
    }
  }

  private async init(): Promise<void> {
    await this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext('skydive_history_schema'))");
      await c.query(META_SCHEMA);
      const { rows } = await c.query<{ key: string; value: number | null }>(SQL.metaAll);
      const version = rows.find((r) => r.key === 'version')?.value ?? undefined;
      if (version !== undefined && version !== SCHEMA_VERSION && version !== 1) {
        throw new HistoryUnavailableError(
          this.backend,
          new Error(
            `history schema version ${version}, this build reads ${SCHEMA_VERSION} (and migrates` +
              ' 1): run the build that wrote it, or drop the history_revisions and history_meta' +
              ' tables to start an empty history',
          ),
        );
      }
      if (version === 1) {
        await c.query(MIGRATE_V1[0]!);
        await c.query(MIGRATE_V1[1]!, [this.clock()]);
      }
      await c.query(SCHEMA);
      if (version !== SCHEMA_VERSION)
        await this.bump(c, [
          ['version', SCHEMA_VERSION],
          ['start', this.clock()],
        ]);
      return this.adopt((await c.query<{ key: string; value: number | null }>(SQL.metaAll)).rows);
    });
  }

  /**
   * The writer's identity: the rows it writes carry it, and closeAll() and the closing of an
   * element's previous revision touch only its rows.
   */
  setWriter(id: string): void {
    this.writer = id;
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    // A checked-out client reports a broken connection as an 'error' event besides the failed query.
    if (!this.watched.has(c)) {
      this.watched.add(c);
      c.on('error', () => {
        this.connectionErrors++;
      });
    }
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      broken = e instanceof Error ? e : new Error(String(e));
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      // A failed transaction may have left the connection unusable: do not give it back.
      c.release(broken);
    }
  }

  /** Caches stored counters (once the transaction that returned them has committed). */
  private adopt(rows: MetaRows): void {
    for (const { key, value } of rows) {
      if (key === 'start') this.start = value ?? this.start;
      else if (key === 'pruned_to') this.prunedTo = value;
      else if (key === 'data_bytes') this.dataBytes = value ?? 0;
      else if (key === 'newest') this.newest = value;
    }
  }

  /** Combines values into the stored counters (see SQL.meta); returns what is stored now. */
  private async bump(c: pg.PoolClient, entries: [string, number][]): Promise<MetaRows> {
    if (entries.length === 0) return [];
    const res = await c.query<{ key: string; value: number | null }>(SQL.meta, [
      entries.map((e) => e[0]),
      entries.map((e) => e[1]),
    ]);
    return res.rows;
  }

  /** Re-reads the counters: another analyzer sharing the database may have moved them. */
  private async refresh(): Promise<void> {
    this.adopt((await this.pool.query<{ key: string; value: number | null }>(SQL.metaAll)).rows);
  }

  async append(changes: readonly HistoryChange[]): Promise<void> {
    if (this.closed) throw new HistoryClosedError(this.backend);
    changes.forEach(checkChange);
    if (changes.length === 0) return;
    const next = await this.use(() =>
      this.tx(async (c) => {
        const closes = planCloses(changes);
        // The planner believes few revisions are open and hashes all of them for every batch (a
        // cost that grows with the live graph); an index probe per element of the batch is flat.
        await c.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
        const closed = await c.query<{ kind: number; id: string; from_ms: number }>(SQL.close, [
          closes.map((x) => (x.kind === 'node' ? 0 : 1)),
          closes.map((x) => x.id),
          closes.map((x) => x.time),
          closes.map((x) => x.deletedAt),
          this.writer,
        ]);
        const prev = new Map<string, number>();
        for (const r of closed.rows)
          prev.set(keyOf(r.kind === 0 ? 'node' : 'edge', r.id), r.from_ms);
        // Elements of the batch with no open revision: a re-add never starts before the end of
        // their last one.
        const reopened = closes.filter(
          (x) => x.deletedAt === null && !prev.has(keyOf(x.kind, x.id)),
        );
        if (reopened.length > 0) {
          const ends = await c.query<{ kind: number; id: string; t: number }>(SQL.lastEnd, [
            reopened.map((x) => (x.kind === 'node' ? 0 : 1)),
            reopened.map((x) => x.id),
            this.writer,
          ]);
          for (const r of ends.rows) prev.set(keyOf(r.kind === 0 ? 'node' : 'edge', r.id), r.t);
        }
        const { rows, sources, newest } = planRows(changes, prev);
        const cols: unknown[][] = Array.from({ length: 16 }, () => []);
        let bytes = 0;
        let start: number | null = null;
        for (let j = 0; j < rows.length; j++) {
          const r = rows[j]!;
          const md = r.kind === 'node' ? (sources[j]!.element.Metadata ?? {}) : null;
          const size = rowSize(r);
          bytes += size;
          if (start === null || r.from < start) start = r.from;
          const v = [
            r.kind === 'node' ? 0 : 1,
            r.id,
            r.from,
            r.to ?? OPEN,
            md ? pushedValue(md['Type']) : null,
            md ? pushedValue(md['Name']) : null,
            r.host,
            r.origin,
            r.createdAt,
            r.updatedAt,
            r.deletedAt,
            r.revision,
            r.parent,
            r.child,
            size,
            r.metadata,
          ];
          for (let i = 0; i < 16; i++) cols[i]!.push(v[i]);
        }
        if (rows.length > 0) await c.query(SQL.insert, [...cols, this.writer]);
        const bumps: [string, number][] = [['data_bytes', bytes]];
        if (start !== null) bumps.push(['start', start]);
        if (newest !== null) bumps.push(['newest', newest]);
        return this.bump(c, bumps);
      }),
    );
    this.adopt(next);
  }

  async closeAll(time: number): Promise<number> {
    const t = checkTime('time', time);
    return this.use(
      async () => (await this.pool.query(SQL.closeAll, [t, this.writer])).rowCount ?? 0,
    );
  }

  async horizon(): Promise<number> {
    return this.use(async () => {
      await this.refresh();
      return this.horizonNow();
    });
  }

  private horizonNow(): number {
    return this.prunedTo === null ? this.start : Math.max(this.start, this.prunedTo);
  }

  async snapshot(time: number, duration?: number, opts?: SnapshotOptions): Promise<GraphView> {
    const t = checkTime('time', time);
    const d = checkDuration(duration);
    return this.use(async () => {
      await this.refresh();
      const h = this.horizonNow();
      if (t < h) throw new HistoryHorizonError(t, h);
      if (d !== undefined && d > 0) {
        const lo = windowStart(t, d);
        return windowView(t, await rowsOf(this.pool, SQL.window, [lo, t]));
      }
      const lookups = opts?.lookups ?? [];
      if (opts?.lookupsOnly && lookups.length > 0 && lookups.every((l) => l.key in PUSHED_KEYS)) {
        const loaded = await Promise.all(
          lookups.map(async (l) => {
            const v = typeof l.value === 'string' ? l.value : OTHER;
            const sql = SQL.lookup(PUSHED_KEYS[l.key]!);
            return {
              key: l.key,
              value: l.value,
              rows: await rowsOf(this.pool, sql, [v, OTHER, t]),
            };
          }),
        );
        return HistoryView.partial(t, loaded);
      }
      const nodes: RevisionRow[] = [];
      const edges: RevisionRow[] = [];
      for (const r of await rowsOf(this.pool, SQL.at, [t])) {
        (r.kind === 'node' ? nodes : edges).push(r);
      }
      return HistoryView.eager(t, nodes, edges);
    });
  }

  async changes(from: number, to: number): Promise<HistoryRevision[]> {
    const a = checkTime('from', from);
    const b = checkTime('to', to);
    return this.use(async () => (await rowsOf(this.pool, SQL.changes, [a, b])).map(rowToRevision));
  }

  async prune(opts: PruneOptions): Promise<PruneResult> {
    const cut =
      opts.olderThan === undefined
        ? undefined
        : Math.min(checkTime('olderThan', opts.olderThan), OPEN - 1);
    const max = opts.maxBytes === undefined ? undefined : checkTime('maxBytes', opts.maxBytes);
    return this.use(async () => {
      await this.refresh();
      let removed = 0;
      let freed = 0;
      if (cut !== undefined) {
        const r = await this.tx(async (c) => {
          const r = (await c.query<{ n: number; bytes: number }>(SQL.pruneAge, [cut])).rows[0]!;
          const m = await this.bump(c, [
            ['data_bytes', -r.bytes],
            ['pruned_to', cut],
          ]);
          return { ...r, m };
        });
        this.adopt(r.m);
        removed += r.n;
        freed += r.bytes;
      }
      if (max !== undefined && this.dataBytes > max) {
        const r = await this.tx(async (c) => {
          const excess = this.dataBytes - max;
          const r = (
            await c.query<{ n: number; bytes: number; last: number | null }>(SQL.pruneSize, [
              excess,
            ])
          ).rows[0]!;
          const bumps: [string, number][] = [['data_bytes', -r.bytes]];
          if (r.last !== null) bumps.push(['pruned_to', r.last]);
          return { ...r, m: await this.bump(c, bumps) };
        });
        this.adopt(r.m);
        removed += r.n;
        freed += r.bytes;
      }
      if (removed > 0) opts.onProgress?.(removed);
      return { removed, bytesFreed: freed, horizon: this.horizonNow() };
    });
  }

  async stats(): Promise<HistoryStats> {
    return this.use(async () => {
      await this.refresh();
      const r = (
        await this.pool.query<{
          revisions: number;
          open: number;
          oldest: number | null;
          disk: number;
        }>(SQL.stats)
      ).rows[0]!;
      return {
        revisions: r.revisions,
        open: r.open,
        dataBytes: this.dataBytes,
        diskBytes: r.disk,
        oldest: r.oldest ?? undefined,
        newest: this.newest ?? undefined,
        horizon: this.horizonNow(),
      };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
