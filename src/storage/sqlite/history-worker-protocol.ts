// SPDX-License-Identifier: Apache-2.0
// Messages between the SQLite history store's main-thread side and its writer thread
// (history-worker.ts), and how typed history errors cross the thread boundary.
import { InvalidArgumentError, SkydiveError, type ErrorKind } from '../../graph/errors.js';
import type { HistoryChange, PruneResult } from '../history-store.js';
import { HistoryClosedError, HistoryUnavailableError } from '../history-store.js';

/** workerData of the writer thread: the SqliteHistoryStore options that are plain data. */
export interface HistoryWorkerSetup {
  readonly options: Record<string, unknown>;
}

/** A request to the writer thread; `id` matches its reply. */
export type HistoryWorkerRequest =
  | { readonly id: number; readonly op: 'append'; readonly changes: readonly HistoryChange[] }
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

/**
 * A change as posted to the thread: when the metadata is already serialised (changeFromEvent),
 * only the top-level Type and Name the store indexes travel as objects; the rest is the JSON text.
 */
export function slimChange(c: HistoryChange): HistoryChange {
  if (c.metadataJSON === undefined) return c;
  const md = c.element.Metadata as Record<string, unknown> | undefined;
  const top: Record<string, unknown> = {};
  if (md !== undefined && md !== null) {
    if (md['Type'] !== undefined) top['Type'] = md['Type'];
    if (md['Name'] !== undefined) top['Name'] = md['Name'];
  }
  return { ...c, element: { ...c.element, Metadata: top } };
}
