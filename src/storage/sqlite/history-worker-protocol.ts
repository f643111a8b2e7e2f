// SPDX-License-Identifier: Apache-2.0
// Messages between the SQLite history store's main-thread side and its writer thread
// (history-worker.ts), and how typed history errors cross the thread boundary.
import { InvalidArgumentError, SkydiveError, type ErrorKind } from '../../graph/errors.js';
import type { EdgeJSON, NodeJSON } from '../../graph/json.js';
import type { HistoryChange, PruneResult } from '../history-store.js';
import { EventChange, HistoryClosedError, HistoryUnavailableError } from '../history-store.js';

/** workerData of the writer thread: the SqliteHistoryStore options that are plain data. */
export interface HistoryWorkerSetup {
  readonly options: Record<string, unknown>;
}

/** A request to the writer thread; `id` matches its reply. */
export type HistoryWorkerRequest =
  /** `changes` packed by packChanges. */
  | { readonly id: number; readonly op: 'append'; readonly changes: readonly unknown[] }
  | { readonly id: number; readonly op: 'closeAll'; readonly time: number }
  | {
      readonly id: number;
      readonly op: 'prune';
      readonly olderThan?: number | undefined;
      readonly maxBytes?: number | undefined;
      /** Post progress messages (the caller passed onProgress). */
      readonly progress: boolean;
    }
  | { readonly id: number; readonly op: 'setWriter'; readonly writer: string }
  | { readonly id: number; readonly op: 'close' };

/** A failure as it crosses threads. */
export interface WireError {
  readonly code: string | undefined;
  readonly kind: ErrorKind | undefined;
  readonly message: string;
  /** The driver's message, for SKY_ERR_HISTORY_UNAVAILABLE. */
  readonly cause: string | undefined;
}

/** A message from the writer thread. */
export type HistoryWorkerReply =
  | { readonly type: 'done'; readonly id: number; readonly value?: number | PruneResult }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError }
  | { readonly type: 'progress'; readonly id: number; readonly removed: number }
  /** The store could not be opened in the thread; it exits after this. */
  | { readonly type: 'fatal'; readonly message: string };

/** Flattens an error for postMessage. */
export function toWire(e: unknown): WireError {
  if (e instanceof SkydiveError) {
    const cause = e.cause instanceof Error ? e.cause.message : undefined;
    return { code: e.code, kind: e.kind, message: e.message, cause };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: undefined, kind: undefined, message, cause: undefined };
}

/** The typed error again, on the main thread (same class and code as the in-thread store's). */
export function fromWire(w: WireError): Error {
  if (w.code === 'SKY_ERR_HISTORY_UNAVAILABLE')
    return new HistoryUnavailableError('sqlite', new Error(w.cause ?? w.message));
  if (w.code === 'SKY_ERR_HISTORY_CLOSED') return new HistoryClosedError('sqlite');
  if (w.code !== undefined && w.kind === 'invalid_argument')
    return new InvalidArgumentError(w.code, w.message);
  if (w.code !== undefined && w.kind !== undefined)
    return new SkydiveError(w.kind, w.code, w.message);
  return new HistoryUnavailableError('sqlite', new Error(w.message));
}

const OPS = ['add', 'update', 'delete'] as const;
/** Values per change in a packed batch. */
const STRIDE = 15;

/**
 * A batch as posted to the thread: one flat array of primitives, STRIDE values per change (a
 * structured clone of flat primitives costs the posting thread a fifth of nested objects). The
 * metadata travels as its JSON text, with the top-level Type and Name the store indexes.
 */
export function packChanges(changes: readonly HistoryChange[]): unknown[] {
  // Sized once (growing by push reallocates the array several times per batch), but below the
  // length from which V8 makes `new Array(n)` a dictionary: bigger batches grow past it in order.
  const out: unknown[] = new Array<unknown>(Math.min(changes.length * STRIDE, 60_000));
  let o = 0;
  for (const c of changes) {
    if (c instanceof EventChange) {
      // taken from a live element: its fields are read as they are, no element JSON is built
      out[o] = c.kind === 'node' ? 0 : 1;
      out[o + 1] = OPS.indexOf(c.op);
      out[o + 2] = c.time;
      out[o + 3] = c.id;
      out[o + 4] = c.type;
      out[o + 5] = c.name;
      out[o + 6] = c.host;
      out[o + 7] = c.origin;
      out[o + 8] = c.createdAt;
      out[o + 9] = c.updatedAt;
      out[o + 10] = c.deletedAt;
      out[o + 11] = c.revision;
      out[o + 12] = c.parent;
      out[o + 13] = c.child;
      out[o + 14] = c.metadataJSON;
      o += STRIDE;
      continue;
    }
    const el = c.element as Partial<EdgeJSON>;
    const md = (el.Metadata ?? {}) as Record<string, unknown>;
    out[o] = c.kind === 'node' ? 0 : 1;
    out[o + 1] = OPS.indexOf(c.op);
    out[o + 2] = c.time;
    out[o + 3] = el.ID;
    out[o + 4] = md['Type'];
    out[o + 5] = md['Name'];
    out[o + 6] = el.Host;
    out[o + 7] = el.Origin;
    out[o + 8] = el.CreatedAt;
    out[o + 9] = el.UpdatedAt;
    out[o + 10] = el.DeletedAt;
    out[o + 11] = el.Revision;
    out[o + 12] = el.Parent;
    out[o + 13] = el.Child;
    out[o + 14] = c.metadataJSON ?? JSON.stringify(md);
    o += STRIDE;
  }
  return out;
}

/** The changes of a packed batch, as the store reads them. */
export function unpackChanges(p: readonly unknown[]): HistoryChange[] {
  const out: HistoryChange[] = [];
  for (let i = 0; i + STRIDE <= p.length; i += STRIDE) {
    const top: Record<string, unknown> = {};
    if (p[i + 4] !== undefined) top['Type'] = p[i + 4];
    if (p[i + 5] !== undefined) top['Name'] = p[i + 5];
    const element = {
      ID: p[i + 3],
      Metadata: top,
      Host: p[i + 6],
      Origin: p[i + 7],
      CreatedAt: p[i + 8],
      UpdatedAt: p[i + 9],
      DeletedAt: p[i + 10],
      Revision: p[i + 11],
    } as NodeJSON & Partial<EdgeJSON>;
    const edge = p[i] === 1;
    if (edge) {
      element.Parent = p[i + 12] as string;
      element.Child = p[i + 13] as string;
    }
    out.push({
      kind: edge ? 'edge' : 'node',
      op: OPS[p[i + 1] as number]!,
      time: p[i + 2] as number,
      element,
      metadataJSON: p[i + 14] as string,
    });
  }
  return out;
}
