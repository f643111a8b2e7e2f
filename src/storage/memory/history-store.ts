// SPDX-License-Identifier: Apache-2.0
// In-memory HistoryStore: revision rows in write order plus a map of the open ones. The reference
// for the semantics the SQL backends implement; nothing survives a restart.
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
import { keyOf } from '../history/plan.js';
import type { RevisionRow } from '../history/rows.js';
import {
  aliveIn,
  deleteTime,
  rowFromChange,
  rowSize,
  rowToRevision,
  validAt,
} from '../history/rows.js';
import { eagerView, windowView } from '../history/window.js';

interface Row extends RevisionRow {
  seq: number;
}

export interface MemoryHistoryOptions {
  /** Clock in ms: the store's creation time starts its horizon (tests inject one). */
  clock?: () => number;
}

/**
 * A HistoryStore held in process memory.
 * @example
 * const store = new MemoryHistoryStore();
 * await store.append([changeFromEvent('nodeAdded', node, Date.now())]);
 * const view = await store.snapshot(Date.now());
 */
export class MemoryHistoryStore implements HistoryStore {
  readonly backend = 'memory';
  private rows: Row[] = [];
  private readonly open = new Map<string, Row>();
  /** End of each element's last closed revision: a re-add never starts before it. */
  private readonly lastEnd = new Map<string, number>();
  private seq = 0;
  private dataBytes = 0;
  private start: number;
  private prunedTo = -Infinity;
  private newest: number | undefined;
  private closed = false;

  constructor(opts: MemoryHistoryOptions = {}) {
    this.start = (opts.clock ?? Date.now)();
  }

  private live(): void {
    if (this.closed) throw new HistoryClosedError(this.backend);
  }

  private closeRow(r: Row, time: number): void {
    r.to = Math.max(time, r.from);
    const key = keyOf(r.kind, r.id);
    this.open.delete(key);
    this.lastEnd.set(key, r.to);
  }

  async append(changes: readonly HistoryChange[]): Promise<void> {
    this.live();
    changes.forEach(checkChange);
    for (const c of changes) {
      const key = keyOf(c.kind, c.element.ID);
      const prev = this.open.get(key);
      const floor = prev?.from ?? (c.op === 'delete' ? undefined : this.lastEnd.get(key));
      const time = Math.max(Math.trunc(c.time), floor ?? -Infinity);
      if (prev) this.closeRow(prev, time);
      if (c.op === 'delete') {
        if (prev) prev.deletedAt = deleteTime(c);
      } else {
        const row: Row = { ...rowFromChange(c), from: time, seq: ++this.seq };
        this.rows.push(row);
        this.open.set(key, row);
        this.dataBytes += rowSize(row);
        if (time < this.start) this.start = time;
      }
      if (this.newest === undefined || time > this.newest) this.newest = time;
    }
  }

  /** One process, one writer: the identity is not needed to tell rows apart. */
  setWriter(_id: string): void {}

  async closeAll(time: number): Promise<number> {
    this.live();
    const t = checkTime('time', time);
    const rows = [...this.open.values()];
    for (const r of rows) this.closeRow(r, t);
    return rows.length;
  }

  async horizon(): Promise<number> {
    this.live();
    return Math.max(this.start, this.prunedTo);
  }

  async snapshot(time: number, duration?: number, _opts?: SnapshotOptions): Promise<GraphView> {
    this.live();
    const t = checkTime('time', time);
    const d = checkDuration(duration);
    const h = await this.horizon();
    if (t < h) throw new HistoryHorizonError(t, h);
    return d === undefined || d === 0
      ? eagerView(
          t,
          this.rows.filter((r) => validAt(r, t)),
        )
      : windowView(
          t,
          this.rows.filter((r) => aliveIn(r, t, d)),
        );
  }

  async changes(from: number, to: number): Promise<HistoryRevision[]> {
    this.live();
    const a = checkTime('from', from);
    const b = checkTime('to', to);
    const inside = (x: number | null): boolean => x !== null && x > a && x <= b;
    return this.rows
      .filter((r) => inside(r.from) || inside(r.to))
      .sort((x, y) => x.from - y.from || x.seq - y.seq)
      .map(rowToRevision);
  }

  async prune(opts: PruneOptions): Promise<PruneResult> {
    this.live();
    let removed = 0;
    let freed = 0;
    const drop = (gone: Set<Row>): void => {
      if (gone.size === 0) return;
      this.rows = this.rows.filter((r) => !gone.has(r));
      let bytes = 0;
      for (const r of gone) bytes += rowSize(r);
      freed += bytes;
      removed += gone.size;
      this.dataBytes -= bytes;
    };
    if (opts.olderThan !== undefined) {
      const cut = checkTime('olderThan', opts.olderThan);
      drop(new Set(this.rows.filter((r) => r.to !== null && r.to <= cut)));
      this.prunedTo = Math.max(this.prunedTo, cut);
    }
    if (opts.maxBytes !== undefined && this.dataBytes > opts.maxBytes) {
      const max = checkTime('maxBytes', opts.maxBytes);
      const closed = this.rows
        .filter((r) => r.to !== null)
        .sort((x, y) => x.to! - y.to! || x.seq - y.seq);
      const gone = new Set<Row>();
      let bytes = this.dataBytes;
      for (const r of closed) {
        if (bytes <= max) break;
        gone.add(r);
        bytes -= rowSize(r);
        this.prunedTo = Math.max(this.prunedTo, r.to!);
      }
      drop(gone);
    }
    if (removed > 0) opts.onProgress?.(removed);
    return { removed, bytesFreed: freed, horizon: await this.horizon() };
  }

  async stats(): Promise<HistoryStats> {
    this.live();
    let oldest: number | undefined;
    for (const r of this.rows) if (oldest === undefined || r.from < oldest) oldest = r.from;
    return {
      revisions: this.rows.length,
      open: this.open.size,
      dataBytes: this.dataBytes,
      diskBytes: 0,
      oldest,
      newest: this.newest,
      horizon: await this.horizon(),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.rows = [];
    this.open.clear();
    this.lastEnd.clear();
  }
}
