// SPDX-License-Identifier: Apache-2.0
// The SQLite HistoryStore with its writes in a worker thread: append/closeAll/prune run on the
// thread's own connection (WAL: one writer), reads run on a main-thread connection to the same file.
import { Worker } from 'node:worker_threads';
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
  HistoryUnavailableError,
  checkChange,
  checkTime,
} from '../history-store.js';
import { SqliteHistoryStore, type SqliteHistoryOptions } from './history-store.js';
import {
  fromWire,
  packChanges,
  type HistoryWorkerReply,
  type HistoryWorkerRequest,
  type HistoryWorkerSetup,
} from './history-worker-protocol.js';

/** The writer thread's module: the compiled .js next to this one, or the .ts source through tsx. */
function workerEntry(): URL {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new URL('./history-worker.js', self);
  const file = new URL('./history-worker.ts', self).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot =
    `import { register } from ${JSON.stringify(api)}; register(); ` +
    `await import(${JSON.stringify(file)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/** The options that can cross to the thread (functions such as `clock` stay on the main side). */
function plainOptions(opts: SqliteHistoryOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (typeof v !== 'function') out[k] = v;
  return out;
}

type Body = HistoryWorkerRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  progress?: ((removed: number) => void) | undefined;
}

/** Counters of the writer thread, for status. */
export interface HistoryWorkerStatus {
  /** Threads started again after one died (crash, failed open). */
  restarts: number;
  /** Requests posted and not answered yet. */
  pending: number;
  /** Why the last thread died, if one did. */
  lastExit: string | undefined;
}

/**
 * SQLite history whose writes never hold the caller's thread: append() resolves once the writer
 * thread has committed the batch, so a snapshot taken after it sees the batch. A thread that dies
 * fails the requests it held (SKY_ERR_HISTORY_UNAVAILABLE) and is started again on the next write.
 * @example
 * const store = SqliteWorkerHistoryStore.open({ dataDir: '/var/lib/skydive' });
 * await store.append(changes); // committed by the writer thread
 */
export class SqliteWorkerHistoryStore implements HistoryStore {
  readonly backend = 'sqlite';
  /** Path of the database file. */
  readonly file: string;
  private reader: SqliteHistoryStore | undefined;
  private readonly options: Record<string, unknown>;
  private writer: string;
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private died = false;
  private restarts = 0;
  private lastExit: string | undefined;

  private constructor(opts: SqliteHistoryOptions) {
    // Opened here first: it creates or migrates the file, and its errors are the caller's.
    this.reader = SqliteHistoryStore.open(opts);
    this.file = this.reader.file;
    this.options = plainOptions(opts);
    this.writer = opts.writer ?? '';
  }

  /**
   * Opens (or creates) the history file in `dataDir`; the writer thread starts with the first write.
   * @throws HistoryUnavailableError when the file cannot be opened (as SqliteHistoryStore.open).
   */
  static open(opts: SqliteHistoryOptions): SqliteWorkerHistoryStore {
    return new SqliteWorkerHistoryStore(opts);
  }

  private live(): SqliteHistoryStore {
    if (!this.reader) throw new HistoryClosedError(this.backend);
    return this.reader;
  }

  /** The running writer thread, started (again) if needed. */
  private thread(): Worker {
    if (this.worker) return this.worker;
    if (this.died) this.restarts++;
    const setup: HistoryWorkerSetup = { options: { ...this.options, writer: this.writer } };
    const w = new Worker(workerEntry(), { workerData: setup });
    w.unref();
    let fatal: string | undefined;
    w.on('message', (m: HistoryWorkerReply) => {
      if (m.type === 'fatal') {
        fatal = m.message;
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') {
        p.progress?.(m.removed);
        return;
      }
      this.settled(m.id);
      if (m.type === 'done') p.resolve(m.value);
      else p.reject(fromWire(m.error));
    });
    w.on('error', (e) => {
      fatal ??= e.message;
    });
    this.exited = new Promise((resolve) =>
      w.once('exit', (code) => {
        if (this.worker === w) this.worker = undefined;
        const why = fatal ?? `the history writer thread exited (code ${code})`;
        if (this.reader) {
          this.died = true;
          this.lastExit = why;
        }
        const failed = [...this.pending.values()];
        this.pending.clear();
        for (const p of failed) p.reject(new HistoryUnavailableError(this.backend, new Error(why)));
        resolve();
      }),
    );
    this.worker = w;
    return w;
  }

  /** Forgets an answered request; an idle thread does not keep the process alive. */
  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** Posts a request to the writer thread; resolves with its answer. */
  private call<T>(body: Body, progress?: (removed: number) => void): Promise<T> {
    const w = this.thread();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      w.ref();
      w.postMessage({ ...body, id } as HistoryWorkerRequest);
    });
  }

  setWriter(id: string): void {
    this.live().setWriter(id);
    this.writer = id;
    // Later requests follow this one on the same port: they run with the new identity.
    if (this.worker) void this.call({ op: 'setWriter', writer: id }).catch(() => undefined);
  }

  async append(changes: readonly HistoryChange[]): Promise<void> {
    this.live();
    changes.forEach(checkChange);
    if (changes.length === 0) return;
    await this.call({ op: 'append', changes: packChanges(changes) });
  }

  async closeAll(time: number): Promise<number> {
    this.live();
    return this.call<number>({ op: 'closeAll', time: checkTime('time', time) });
  }

  async prune(opts: PruneOptions): Promise<PruneResult> {
    this.live();
    const olderThan =
      opts.olderThan === undefined ? undefined : checkTime('olderThan', opts.olderThan);
    const maxBytes = opts.maxBytes === undefined ? undefined : checkTime('maxBytes', opts.maxBytes);
    return this.call<PruneResult>(
      { op: 'prune', olderThan, maxBytes, progress: opts.onProgress !== undefined },
      opts.onProgress,
    );
  }

  async snapshot(time: number, duration?: number, opts?: SnapshotOptions): Promise<GraphView> {
    return this.live().snapshot(time, duration, opts);
  }

  async changes(from: number, to: number): Promise<HistoryRevision[]> {
    return this.live().changes(from, to);
  }

  async horizon(): Promise<number> {
    return this.live().horizon();
  }

  async stats(): Promise<HistoryStats> {
    return this.live().stats();
  }

  /** The writer thread's counters. */
  workerStatus(): HistoryWorkerStatus {
    return { restarts: this.restarts, pending: this.pending.size, lastExit: this.lastExit };
  }

  /**
   * Stops the writer thread abruptly, as a crash would (for tests and operators): requests it held
   * fail with SKY_ERR_HISTORY_UNAVAILABLE and the next write starts a new thread.
   */
  async killWriterThread(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    await w.terminate();
    await this.exited;
  }

  /** Lets the writer thread finish what it was asked, closes both connections, ends the thread. */
  async close(): Promise<void> {
    const reader = this.reader;
    if (!reader) return;
    const w = this.worker;
    if (w) {
      await this.call({ op: 'close' }).catch(() => undefined);
      this.reader = undefined;
      // Its connection is closed now: nothing is lost by ending the thread at once.
      await w.terminate();
      await this.exited;
    }
    this.reader = undefined;
    await reader.close();
  }
}
