// SPDX-License-Identifier: Apache-2.0
// The SQLite HistoryStore: one file in the data directory (WAL, synchronous=NORMAL), one transaction
// per batch, prepared statements; point-in-time snapshots load lazily, so indexed lookups hit SQL.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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
import type { RevisionRow } from '../history/rows.js';
import {
  deleteTime,
  latestPerElement,
  rowFromChange,
  rowSize,
  rowToRevision,
} from '../history/rows.js';
import type { SnapshotSource } from '../history/view.js';
import { HistoryView } from '../history/view.js';
import type { SqlRow } from './history-schema.js';
import { prepareHistoryStatements, type Stmt } from './history-statements.js';
import {
  META_SCHEMA,
  META_UPSERT,
  MIGRATE_V1,
  OPEN,
  OTHER,
  PUSHED_KEYS,
  SCHEMA,
  SCHEMA_VERSION,
  fromSql,
  pushedValue,
} from './history-schema.js';

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

const MIN = Number.MIN_SAFE_INTEGER;

/** Runs `fn`, turning a driver failure into SKY_ERR_HISTORY_UNAVAILABLE. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SkydiveError) throw e;
    throw new HistoryUnavailableError('sqlite', e);
  }
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
  /**
   * This writer's open revisions (key 'n'+id / 'e'+id → rowid and start), learnt as it inserts:
   * closing one is an UPDATE by rowid, no index search. Only this writer closes its rows.
   */
  private readonly openRows = new Map<string, { seq: number; from: number }>();
  /** True after closeAll(): an element missing from openRows has no open revision of this writer. */
  private openComplete = false;

  private constructor(opts: SqliteHistoryOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.file = join(opts.dataDir, opts.fileName ?? 'history.db');
    this.chunk = Math.max(1, opts.pruneChunk ?? 10_000);
    this.writer = opts.writer ?? '';
    const clock = opts.clock ?? Date.now;
    const db = new Database(this.file);
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 1073741824');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(META_SCHEMA);
    const readMeta = (): Map<string, number | null> =>
      new Map(
        (
          db.prepare('SELECT key, value FROM history_meta').all() as {
            key: string;
            value: number | null;
          }[]
        ).map((r) => [r.key, r.value]),
      );
    const version = readMeta().get('version');
    if (version !== undefined && version !== SCHEMA_VERSION && version !== 1) {
      db.close();
      throw new HistoryUnavailableError(
        'sqlite',
        new Error(
          `${this.file} has history schema version ${version}, this build reads ${SCHEMA_VERSION}` +
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
    Object.assign(this.st, prepareHistoryStatements(db));
    this.writeBatch = db.transaction((changes: readonly HistoryChange[]) => this.write(changes));
    if (version === undefined) {
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
    this.forgetOpen();
  }

  /** Back to searching the open revisions in the table (another writer, a failed batch). */
  private forgetOpen(): void {
    this.openRows.clear();
    this.openComplete = false;
  }

  private write(changes: readonly HistoryChange[]): void {
    const { close, closeDel, closeSeq, closeDelSeq, insert, lastEnd } = this.st as Record<
      'close' | 'closeDel' | 'closeSeq' | 'closeDelSeq' | 'insert' | 'lastEnd',
      Stmt
    >;
    const w = this.writer;
    const openRows = this.openRows;
    let bytes = 0;
    let start: number | null = null;
    let newest: number | null = null;
    for (const c of changes) {
      const kind = c.kind === 'node' ? 0 : 1;
      let time = Math.trunc(c.time);
      const key = (kind === 0 ? 'n' : 'e') + c.element.ID;
      const known = openRows.get(key);
      // the start of the revision closed now, if any: from the map, else from the table
      let prevFrom: number | undefined;
      if (c.op === 'delete') {
        if (known) {
          closeDelSeq.run(time, deleteTime(c), known.seq);
          prevFrom = known.from;
          openRows.delete(key);
        } else if (!this.openComplete) {
          const prev = closeDel.get(time, deleteTime(c), kind, c.element.ID, w) as
            | { from_ms: number }
            | undefined;
          prevFrom = prev?.from_ms;
        }
        if (prevFrom !== undefined && prevFrom > time) time = prevFrom;
      } else {
        if (known) {
          closeSeq.run(time, known.seq);
          prevFrom = known.from;
        } else if (!this.openComplete) {
          const prev = close.get(time, kind, c.element.ID, w) as { from_ms: number } | undefined;
          prevFrom = prev?.from_ms;
        }
        if (prevFrom !== undefined && prevFrom > time) time = prevFrom;
        if (prevFrom === undefined) {
          // A re-add never starts before the element's previous revision ended.
          const last = (lastEnd.get(kind, c.element.ID, w) as { t: number | null }).t;
          if (last !== null && last > time) time = last;
        }
        const r = rowFromChange(c);
        const md = kind === 0 ? (c.element.Metadata ?? {}) : undefined;
        const size = rowSize(r);
        const ins = insert.run(
          kind,
          r.id,
          time,
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
          w,
        );
        openRows.set(key, { seq: Number(ins.lastInsertRowid), from: time });
        bytes += size;
        if (start === null || time < start) start = time;
      }
      if (newest === null || time > newest) newest = time;
    }
    if (bytes !== 0) this.bump('data_bytes', bytes);
    if (start !== null) this.bump('start', start);
    if (newest !== null) this.bump('newest', newest);
  }

  async append(changes: readonly HistoryChange[]): Promise<void> {
    this.live();
    changes.forEach(checkChange);
    if (changes.length === 0) return;
    try {
      guarded(() => this.writeBatch(changes));
    } catch (e) {
      // the rowids and counters cached inside the rolled-back transaction: read them again
      this.forgetOpen();
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
      this.openRows.clear();
      this.openComplete = true;
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
      const lo = d === Infinity ? MIN : t - d;
      const rows = latestPerElement(
        guarded(() => (this.st['window']!.all(lo, t) as SqlRow[]).map(fromSql)),
      );
      return HistoryView.eager(
        t,
        rows.filter((r) => r.kind === 'node'),
        rows.filter((r) => r.kind === 'edge'),
      );
    }
    return HistoryView.lazy(t, this.source(t));
  }

  /** The lazy rows of the snapshot at `t`. */
  private source(t: number): SnapshotSource {
    const run = <R>(fn: (db: Database.Database) => R): R => guarded(() => fn(this.live()));
    return {
      loadAll: () =>
        run(() => {
          const nodes: RevisionRow[] = [];
          const edges: RevisionRow[] = [];
          const recent = this.newest === null || t - this.horizonNow() >= this.newest - t;
          const st = this.st[recent ? 'atRecent' : 'atOld']!;
          for (const raw of st.all(t, t) as SqlRow[]) {
            const r = fromSql(raw);
            (r.kind === 'node' ? nodes : edges).push(r);
          }
          return { nodes, edges };
        }),
      loadNode: (id) =>
        run(() => {
          const raw = this.st['node']!.get(id, t, t) as SqlRow | undefined;
          return raw === undefined ? undefined : fromSql(raw);
        }),
      lookup: (key, value) => {
        const col = PUSHED_KEYS[key];
        if (col === undefined) return undefined;
        const v = typeof value === 'string' ? value : OTHER;
        const found = run(
          () =>
            this.st[`${col}Ids`]!.all(v === OTHER ? null : v, v, OTHER, t, t) as [string, number][],
        );
        const ids = new Array<string>(found.length);
        const exact = new Array<boolean>(found.length);
        for (let i = 0; i < found.length; i++) {
          ids[i] = found[i]![0];
          exact[i] = found[i]![1] === 1;
        }
        return {
          ids,
          exact,
          load: () => run(() => (this.st[col]!.all(v, OTHER, t, t) as SqlRow[]).map(fromSql)),
        };
      },
    };
  }

  async changes(from: number, to: number): Promise<HistoryRevision[]> {
    this.live();
    const a = checkTime('from', from);
    const b = checkTime('to', to);
    return guarded(() =>
      (this.st['changes']!.all(a, b, a, b) as SqlRow[]).map((r) => rowToRevision(fromSql(r))),
    );
  }

  /** Deletes rows by seq in one transaction, with the counters. */
  private deleteChunk(db: Database.Database, seqs: number[], bytes: number): void {
    guarded(() =>
      db.transaction(() => {
        for (const seq of seqs) this.st['deleteSeq']!.run(seq);
        this.bump('data_bytes', -bytes);
      })(),
    );
  }

  /** Moves the horizon before deleting: no snapshot before it is answered from a half-pruned table. */
  private moveHorizon(db: Database.Database, to: number): void {
    guarded(() => db.transaction(() => this.bump('pruned_to', to))());
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
    let removed = 0;
    let freed = 0;
    const drop = async (rows: [number, number][]): Promise<void> => {
      let bytes = 0;
      for (const r of rows) bytes += r[1];
      this.deleteChunk(
        db,
        rows.map((r) => r[0]),
        bytes,
      );
      removed += rows.length;
      freed += bytes;
      opts.onProgress?.(removed);
      await new Promise<void>((r) => setImmediate(r));
      this.live();
    };
    if (cut !== undefined) {
      this.moveHorizon(db, cut);
      for (;;) {
        const rows = guarded(() => this.st['aged']!.all(cut, this.chunk) as [number, number][]);
        if (rows.length === 0) break;
        await drop(rows);
      }
    }
    if (max !== undefined && this.dataBytes > max) {
      const gone: [number, number][] = [];
      let bytes = this.dataBytes;
      let last: number | null = null;
      guarded(() => {
        for (const r of this.st['oldestClosed']!.iterate() as IterableIterator<
          [number, number, number]
        >) {
          if (bytes <= max) break;
          gone.push([r[0], r[1]]);
          bytes -= r[1];
          last = r[2];
        }
      });
      if (last !== null) this.moveHorizon(db, last);
      for (let k = 0; k < gone.length; k += this.chunk) await drop(gone.slice(k, k + this.chunk));
    }
    return { removed, bytesFreed: freed, horizon: this.horizonNow() };
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
