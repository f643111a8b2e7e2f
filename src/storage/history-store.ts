// SPDX-License-Identifier: Apache-2.0
// The HistoryStore contract: every revision of every node and edge of the hub graph with its
// validity interval [from, to), snapshots at a time t (or over a window), changes, retention.
import { InvalidArgumentError, SkydiveError } from '../graph/errors.js';
import type { EdgeJSON, NodeJSON } from '../graph/json.js';
import type { Metadata } from '../graph/types.js';
import { metadataJSON } from '../graph/emitter.js';
import type { GraphElement, GraphEventName, GraphView } from '../graph/types.js';

/** What happened to an element. */
export type HistoryOp = 'add' | 'update' | 'delete';

/**
 * One change of the hub graph, as the history writer hands it to a store. `time` (ms) is when the
 * change happened: an `add`/`update` opens a revision at `time` (closing the open one, if any), a
 * `delete` closes the open revision at `time` and keeps the element's DeletedAt.
 */
export interface HistoryChange {
  readonly kind: 'node' | 'edge';
  readonly op: HistoryOp;
  readonly time: number;
  /** The element as it is after the change (Skydive §1 JSON; edges carry Parent and Child). */
  readonly element: NodeJSON | EdgeJSON;
  /**
   * `element.Metadata` serialised when the change was taken. When set, stores read it instead of
   * `element.Metadata`, except for the top-level Type and Name they index (the live graph mutates
   * metadata in place: a queued change holds a serialised copy, and Metadata only the top-level Type
   * and Name).
   * `changeFromEvent` sets both.
   */
  readonly metadataJSON?: string | undefined;
}

/** One stored revision: the element JSON and the interval during which it was the current one. */
export interface HistoryRevision {
  readonly kind: 'node' | 'edge';
  /** Start of validity (ms), inclusive. */
  readonly from: number;
  /** End of validity (ms), exclusive; null while this revision is the current one. */
  readonly to: number | null;
  readonly element: NodeJSON | EdgeJSON;
}

/** Optional help for a snapshot: what the caller will ask of it. */
export interface SnapshotOptions {
  /**
   * Metadata equalities on nodes that the query starts from (e.g. Type=veth). A backend that cannot
   * answer lookups lazily (PostgreSQL is asynchronous) may preload them; with `lookupsOnly` it loads
   * only the nodes matching one of them and no edges (use it when the query needs nothing else,
   * as in `V().Has('Type','veth').Count()`).
   */
  readonly lookups?: readonly { readonly key: string; readonly value: unknown }[] | undefined;
  readonly lookupsOnly?: boolean | undefined;
}

/** Retention: drop revisions that ended before `olderThan`, and/or the oldest ones past `maxBytes`. */
export interface PruneOptions {
  /** Absolute time (ms): closed revisions whose `to` is ≤ this are removed. */
  readonly olderThan?: number | undefined;
  /** Bound on the stored revision data (`HistoryStats.dataBytes`); oldest closed revisions first. */
  readonly maxBytes?: number | undefined;
  /** Told the running total of removed revisions as a long pass goes (SQLite: every chunk). */
  readonly onProgress?: ((removed: number) => void) | undefined;
}

export interface PruneResult {
  /** Revisions removed. */
  readonly removed: number;
  /** Data bytes those revisions held. */
  readonly bytesFreed: number;
  /** The horizon afterwards. */
  readonly horizon: number;
}

export interface HistoryStats {
  /** Stored revisions, open ones included. */
  readonly revisions: number;
  /** Revisions still open (elements alive now). */
  readonly open: number;
  /** Size of the revision data as stored (sum of row sizes); what `maxBytes` bounds. */
  readonly dataBytes: number;
  /** Bytes the backend occupies on disk (file, tables and indexes); 0 for memory. */
  readonly diskBytes: number;
  /** Start of the oldest stored revision, or undefined when empty. */
  readonly oldest: number | undefined;
  /** The latest change time written, or undefined when empty. */
  readonly newest: number | undefined;
  /** Earliest time snapshots answer (see HistoryStore.horizon). */
  readonly horizon: number;
}

/**
 * History of the hub graph. Memory, SQLite and PostgreSQL implement it and pass
 * history-store.suite.ts. Times are ms since the epoch.
 */
export interface HistoryStore {
  /** Backend name: 'memory', 'sqlite', 'postgres'. */
  readonly backend: string;
  /**
   * Names the writer (the analyzer's origin, `analyzer.<host_id>`): several analyzers may record
   * into one database. Rows written carry it; closeAll() and the closing of an element's previous
   * revision touch only this writer's rows, while reads see every writer's. Default ''.
   */
  setWriter(id: string): void;
  /** Writes a batch of changes, in order, atomically (one transaction). */
  append(changes: readonly HistoryChange[]): Promise<void>;
  /**
   * Closes every open revision of this writer at `time`: the analyzer calls it on start, because
   * its live graph starts empty and agents will add back what still exists.
   */
  closeAll(time: number): Promise<number>;
  /**
   * The graph at `time`: every element whose revision is valid at `time` (from ≤ time < to). With
   * `duration` d, every element alive at some moment of [time − d, time], as its last revision in
   * that window (Skydive's Context(t, d)). Edges are kept only when both ends are in the view.
   * An element's DeletedAt shows only when it falls at or before `time`.
   * @throws HistoryHorizonError when `time` is before `horizon()`.
   */
  snapshot(time: number, duration?: number, opts?: SnapshotOptions): Promise<GraphView>;
  /** Revisions that started or ended in (from, to], ordered by start time then write order. */
  changes(from: number, to: number): Promise<HistoryRevision[]>;
  /** Earliest time history answers: where recording began, moved forward by retention. */
  horizon(): Promise<number>;
  prune(opts: PruneOptions): Promise<PruneResult>;
  stats(): Promise<HistoryStats>;
  /** Releases files and connections; later calls fail with SKY_ERR_HISTORY_CLOSED. */
  close(): Promise<void>;
}

/** A time before the start of recorded history (REST: 400). */
export class HistoryHorizonError extends InvalidArgumentError {
  readonly horizon: number;
  constructor(time: number, horizon: number) {
    super(
      'SKY_ERR_HISTORY_HORIZON',
      `No history before ${new Date(horizon).toISOString()} (${horizon} ms); ` +
        `asked for ${Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : time} (${time} ms)`,
    );
    this.horizon = horizon;
  }
}

/** A store used after close(). */
export class HistoryClosedError extends SkydiveError {
  constructor(backend: string) {
    super('unavailable', 'SKY_ERR_HISTORY_CLOSED', `The ${backend} history store is closed`);
  }
}

/** The backend failed (database down, disk error); the cause is attached. */
export class HistoryUnavailableError extends SkydiveError {
  constructor(backend: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('unavailable', 'SKY_ERR_HISTORY_UNAVAILABLE', `History store (${backend}): ${why}`, {
      cause,
    });
  }
}

function invalid(msg: string): never {
  throw new InvalidArgumentError('SKY_ERR_HISTORY_INVALID', msg);
}

/** Checks a time argument (finite, integral ms). */
export function checkTime(what: string, t: unknown): number {
  if (typeof t !== 'number' || !Number.isFinite(t)) invalid(`${what} must be a finite time in ms`);
  return Math.trunc(t);
}

/** Checks a snapshot window length (≥ 0; Infinity means since the horizon). */
export function checkDuration(d: unknown): number | undefined {
  if (d === undefined) return undefined;
  if (typeof d !== 'number' || Number.isNaN(d) || d < 0)
    invalid('duration must be a number of ms ≥ 0');
  return d === Infinity ? d : Math.trunc(d);
}

function badChange(i: number, m: string): never {
  return invalid(`history change #${i}: ${m}`);
}

/**
 * Checks one change of a batch before anything is written; the message names its index.
 * @throws InvalidArgumentError SKY_ERR_HISTORY_INVALID
 */
export function checkChange(c: HistoryChange, i: number): void {
  if (c instanceof EventChange) return;
  if (c === null || typeof c !== 'object') badChange(i, 'must be an object');
  if (c.kind !== 'node' && c.kind !== 'edge') badChange(i, `kind must be 'node' or 'edge'`);
  if (c.op !== 'add' && c.op !== 'update' && c.op !== 'delete')
    badChange(i, 'op must be add/update/delete');
  if (typeof c.time !== 'number' || !Number.isFinite(c.time))
    badChange(i, 'time must be a finite number');
  const el = c.element as Partial<EdgeJSON> | null;
  if (el === null || typeof el !== 'object') badChange(i, 'element must be an object');
  if (typeof el.ID !== 'string' || el.ID === '')
    badChange(i, 'element.ID must be a non-empty string');
  if (c.kind === 'edge' && (typeof el.Parent !== 'string' || typeof el.Child !== 'string'))
    badChange(i, 'an edge needs Parent and Child');
}

const OPS: Record<GraphEventName, HistoryOp> = {
  nodeAdded: 'add',
  nodeUpdated: 'update',
  nodeDeleted: 'delete',
  edgeAdded: 'add',
  edgeUpdated: 'update',
  edgeDeleted: 'delete',
};

/**
 * A change taken from a live graph element: its fields copied flat (one object per change on the
 * analyzer's hot path), the element JSON built only if a store asks for it. Valid by construction.
 */
export class EventChange implements HistoryChange {
  readonly metadataJSON: string;
  readonly id: string;
  readonly type: unknown;
  readonly name: unknown;
  readonly host: string;
  readonly origin: string;
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
  readonly deletedAt: number | null;
  readonly revision: number;
  readonly parent: string | undefined;
  readonly child: string | undefined;
  private json: NodeJSON | EdgeJSON | undefined;

  constructor(
    readonly kind: 'node' | 'edge',
    readonly op: HistoryOp,
    readonly time: number,
    el: GraphElement,
  ) {
    const md = el.metadata;
    this.metadataJSON = metadataJSON(el);
    this.id = el.id;
    this.type = md['Type'];
    this.name = md['Name'];
    this.host = el.host;
    this.origin = el.origin;
    this.createdAt = el.createdAt || null;
    this.updatedAt = el.updatedAt || null;
    this.deletedAt = el.deletedAt || null;
    this.revision = el.revision;
    this.parent = el.kind === 'edge' ? el.parent : undefined;
    this.child = el.kind === 'edge' ? el.child : undefined;
  }

  /** The element JSON, Metadata holding only the top-level Type and Name (see metadataJSON). */
  get element(): NodeJSON | EdgeJSON {
    if (this.json !== undefined) return this.json;
    const top: Metadata = {};
    if (this.type !== undefined) top['Type'] = this.type;
    if (this.name !== undefined) top['Name'] = this.name;
    const node: NodeJSON = {
      ID: this.id,
      Metadata: top,
      Host: this.host,
      Origin: this.origin,
      CreatedAt: this.createdAt,
      UpdatedAt: this.updatedAt,
      DeletedAt: this.deletedAt,
      Revision: this.revision,
    };
    this.json =
      this.kind === 'edge'
        ? { ...node, Parent: this.parent as string, Child: this.child as string }
        : node;
    return this.json;
  }
}

/**
 * The change for a graph event, safe to queue: metadata is serialised now.
 * @example graph.on('nodeUpdated', (n) => writer.push(changeFromEvent('nodeUpdated', n, Date.now())));
 */
export function changeFromEvent(
  event: GraphEventName,
  el: GraphElement,
  time: number,
): HistoryChange {
  return new EventChange(el.kind, OPS[event], time, el);
}
