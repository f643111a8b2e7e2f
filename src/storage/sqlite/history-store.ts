// SPDX-License-Identifier: Apache-2.0
// The SQLite HistoryStore: one file in the data directory (WAL, synchronous=NORMAL), one transaction
// per batch, prepared statements; point-in-time snapshots load lazily, so indexed lookups hit SQL.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
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
  checkChange,
  checkDuration,
  checkTime,
} from '../history-store.js';
import { rowToRevision } from '../history/rows.js';
import { HistoryView } from '../history/view.js';
import { windowStart, windowView } from '../history/window.js';
import { guarded, openHistoryDb } from './history-db.js';
import { pruneRevisions } from './history-prune.js';
import type { SqlRow } from './history-schema.js';
import { OPEN, SCHEMA_VERSION, fromSql } from './history-schema.js';
import { snapshotSource } from './history-source.js';
import { prepareHistoryStatements, type Stmt } from './history-statements.js';
import { OpenRevisions, writeRevisions } from './history-write.js';

export interface SqliteHistoryOptions {
  /** Data directory; created on first start. */
  dataDir: string;
  /** File name inside it (default `history.db`). */
  fileName?: string;
  /** Clock in ms: the creation time of a new file starts its horizon (tests inject one). */
  clock?: () => number;
  /** Rows deleted per transaction by prune() (default 10,000). */
  pruneChunk?: number;
  /** Identity of the writer (HistoryStore.setWriter); default ''. */
  writer?: string;
}

/**
 * History in an SQLite file.
 * @example
 * const store = SqliteHistoryStore.open({ dataDir: '/var/lib/skydive' });
 * const view = await store.snapshot(Date.now() - 60_000);
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly backend = 'sqlite';
  /** Path of the database file. */
  readonly file: string;
  private db: Database.Database | undefined;
  private readonly st: Record<string, Stmt> = {};
  private start = 0;
  private prunedTo: number | null = null;
  private dataBytes = 0;
  private newest: number | null = null;
  private readonly writeBatch: (changes: readonly HistoryChange[]) => void;
  private readonly chunk: number;
  private writer: string;
  /** This writer's open revisions, learnt as it inserts (see OpenRevisions). */
  private readonly openRevisions = new OpenRevisions();

  private constructor(opts: SqliteHistoryOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.file = join(opts.dataDir, opts.fileName ?? 'history.db');
    this.chunk = Math.max(1, opts.pruneChunk ?? 10_000);
    this.writer = opts.writer ?? '';
    const clock = opts.clock ?? Date.now;
    const { db, fresh } = openHistoryDb(this.file, clock);
    this.db = db;
    Object.assign(this.st, prepareHistoryStatements(db));
    const bump = (key: string, value: number): void => this.bump(key, value);
    this.writeBatch = db.transaction((changes: readonly HistoryChange[]) =>
      writeRevisions(this.st, this.writer, this.openRevisions, changes, bump),
    );
    if (fresh) {
      db.transaction(() => {
        this.bump('version', SCHEMA_VERSION);
        this.bump('start', clock());
      })();
    }
    this.loadMeta();
  }

  /** Opens (or creates) the history file in `dataDir`. */
  static open(opts: SqliteHistoryOptions): SqliteHistoryStore {
    return guarded(() => new SqliteHistoryStore(opts));
  }

  private live(): Database.Database {
    if (!this.db) throw new HistoryClosedError(this.backend);
    return this.db;
  }

  /** Sets one cached counter from its stored value. */
  private adopt(key: string, value: number | null): void {
    if (key === 'start') this.start = value ?? this.start;
    else if (key === 'pruned_to') this.prunedTo = value;
    else if (key === 'data_bytes') this.dataBytes = value ?? 0;
    else if (key === 'newest') this.newest = value;
  }

  /** Combines `value` into the stored counter (see META_UPSERT) and caches the result. */
  private bump(key: string, value: number): void {
    const r = this.st['meta']!.get(key, value) as { key: string; value: number | null };
    this.adopt(r.key, r.value);
  }

  /** Re-reads the counters: another store (another analyzer) may have moved them. */
  private loadMeta(): void {
    for (const r of this.st['metaAll']!.all() as { key: string; value: number | null }[])
      this.adopt(r.key, r.value);
  }

  /**
   * The writer's identity: the rows it writes carry it, and closeAll() and the closing of an
   * element's previous revision touch only its rows.
   */
  setWriter(id: string): void {
    this.writer = id;
    this.openRevisions.forget();
  }

  async append(changes: readonly HistoryChange[]): Promise<void> {
    this.live();
    changes.forEach(checkChange);
    if (changes.length === 0) return;
    try {
      guarded(() => this.writeBatch(changes));
    } catch (e) {
      // the rowids and counters cached inside the rolled-back transaction: read them again
      this.openRevisions.forget();
      try {
        this.loadMeta();
      } catch {
        // still failing: the next call re-reads them
      }
      throw e;
    }
  }

  async closeAll(time: number): Promise<number> {
    this.live();
    const t = checkTime('time', time);
    return guarded(() => {
      const n = this.st['closeAll']!.run(t, this.writer).changes;
      this.openRevisions.allClosed();
      return n;
    });
  }

  async horizon(): Promise<number> {
    this.live();
    guarded(() => this.loadMeta());
    return this.horizonNow();
  }

  private horizonNow(): number {
    return this.prunedTo === null ? this.start : Math.max(this.start, this.prunedTo);
  }

  async snapshot(time: number, duration?: number, _opts?: SnapshotOptions): Promise<GraphView> {
    this.live();
    const t = checkTime('time', time);
    const d = checkDuration(duration);
    guarded(() => this.loadMeta());
    const h = this.horizonNow();
    if (t < h) throw new HistoryHorizonError(t, h);
    if (d !== undefined && d > 0) {
      const lo = windowStart(t, d);
      return windowView(
        t,
        guarded(() => (this.st['window']!.all(lo, t) as SqlRow[]).map(fromSql)),
      );
    }
    return HistoryView.lazy(
      t,
      snapshotSource(
        {
          st: this.st,
          run: (fn) =>
            guarded(() => {
              this.live();
              return fn();
            }),
          recent: (at) => this.newest === null || at - this.horizonNow() >= this.newest - at,
        },
        t,
      ),
    );
  }

  async changes(from: number, to: number): Promise<HistoryRevision[]> {
    this.live();
    const a = checkTime('from', from);
    const b = checkTime('to', to);
    return guarded(() =>
      (this.st['changes']!.all(a, b, a, b) as SqlRow[]).map((r) => rowToRevision(fromSql(r))),
    );
  }

  /**
   * Deletes in chunks of `pruneChunk` rows, yielding to the event loop between them, so the
   * analyzer's thread is never held for the seconds a large retention pass takes.
   */
  async prune(opts: PruneOptions): Promise<PruneResult> {
    const db = this.live();
    const cut =
      opts.olderThan === undefined
        ? undefined
        : Math.min(checkTime('olderThan', opts.olderThan), OPEN - 1);
    const max = opts.maxBytes === undefined ? undefined : checkTime('maxBytes', opts.maxBytes);
    guarded(() => this.loadMeta());
    const target = {
      live: () => this.live(),
      st: this.st,
      chunk: this.chunk,
      bump: (key: string, value: number) => this.bump(key, value),
      dataBytes: () => this.dataBytes,
    };
    const done = await pruneRevisions(target, db, cut, max, opts.onProgress);
    return { ...done, horizon: this.horizonNow() };
  }

  async stats(): Promise<HistoryStats> {
    this.live();
    return guarded(() => {
      this.loadMeta();
      const n = (k: string): number => (this.st[k]!.get() as { n: number }).n;
      const oldest = (this.st['oldest']!.get() as { t: number | null }).t;
      let disk = 0;
      for (const f of [this.file, `${this.file}-wal`]) {
        try {
          disk += statSync(f).size;
        } catch {
          // no WAL file right after a checkpoint
        }
      }
      return {
        revisions: n('count'),
        open: n('openCount'),
        dataBytes: this.dataBytes,
        diskBytes: disk,
        oldest: oldest ?? undefined,
        newest: this.newest ?? undefined,
        horizon: this.horizonNow(),
      };
    });
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    db?.close();
  }
}
