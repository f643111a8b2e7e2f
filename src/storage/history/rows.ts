// SPDX-License-Identifier: Apache-2.0
// The row every history backend stores per revision, and its conversions: from a change, to
// element JSON, to a graph element as seen at a time t; plus the data size retention counts.
import type { EdgeJSON, NodeJSON } from '../../graph/json.js';
import type { Metadata } from '../../graph/types.js';
import type { HistoryChange, HistoryRevision } from '../history-store.js';

/** One revision as stored (column for column in SQL). Times are ms; `to` null while open. */
export interface RevisionRow {
  kind: 'node' | 'edge';
  id: string;
  from: number;
  to: number | null;
  host: string;
  origin: string;
  createdAt: number | null;
  updatedAt: number | null;
  deletedAt: number | null;
  revision: number;
  parent: string | null;
  child: string | null;
  /** Metadata, JSON text. */
  metadata: string;
}

/** Fixed per-row overhead counted in data bytes (times, revision, kind). */
export const ROW_OVERHEAD = 48;

/** Data bytes of a row: text lengths plus a fixed overhead. SQL backends compute the same sum. */
export function rowSize(r: RevisionRow): number {
  return (
    ROW_OVERHEAD +
    r.id.length +
    r.host.length +
    r.origin.length +
    (r.parent?.length ?? 0) +
    (r.child?.length ?? 0) +
    r.metadata.length
  );
}

/** The open revision a change (add/update) starts. */
export function rowFromChange(c: HistoryChange): RevisionRow {
  const el = c.element;
  const edge = c.kind === 'edge' ? (el as EdgeJSON) : undefined;
  return {
    kind: c.kind,
    id: el.ID,
    from: Math.trunc(c.time),
    to: null,
    host: typeof el.Host === 'string' ? el.Host : '',
    origin: typeof el.Origin === 'string' ? el.Origin : '',
    createdAt: el.CreatedAt ?? null,
    updatedAt: el.UpdatedAt ?? null,
    deletedAt: el.DeletedAt ?? null,
    revision: Number.isInteger(el.Revision) ? el.Revision : 0,
    parent: edge ? edge.Parent : null,
    child: edge ? edge.Child : null,
    metadata: c.metadataJSON ?? JSON.stringify(el.Metadata ?? {}),
  };
}

/** DeletedAt a change sets when it deletes (the element's, else the change time). */
export function deleteTime(c: HistoryChange): number {
  const d = c.element.DeletedAt;
  return typeof d === 'number' && d > 0 ? d : Math.trunc(c.time);
}

/** Element JSON of a row (as written, DeletedAt included). */
export function rowToJSON(r: RevisionRow): NodeJSON | EdgeJSON {
  const base: NodeJSON = {
    ID: r.id,
    Metadata: JSON.parse(r.metadata) as Metadata,
    Host: r.host,
    Origin: r.origin,
    CreatedAt: r.createdAt,
    UpdatedAt: r.updatedAt,
    DeletedAt: r.deletedAt,
    Revision: r.revision,
  };
  if (r.kind === 'node') return base;
  return { ...base, Parent: r.parent ?? '', Child: r.child ?? '' };
}

/** A stored revision as returned by HistoryStore.changes(). */
export function rowToRevision(r: RevisionRow): HistoryRevision {
  return { kind: r.kind, from: r.from, to: r.to, element: rowToJSON(r) };
}

/** True when a row is valid at `t`: from ≤ t < to. */
export function validAt(r: RevisionRow, t: number): boolean {
  return r.from <= t && (r.to === null || r.to > t);
}

/** True when a row is alive at some moment of [t − d, t]. */
export function aliveIn(r: RevisionRow, t: number, d: number): boolean {
  return r.from <= t && (r.to === null || r.to > t - d);
}

/** Keeps, per (kind, id), the row with the latest start (then the latest given); input order kept. */
export function latestPerElement(rows: Iterable<RevisionRow>): RevisionRow[] {
  const best = new Map<string, RevisionRow>();
  for (const r of rows) {
    const k = r.kind === 'node' ? `n${r.id}` : `e${r.id}`;
    const b = best.get(k);
    if (b === undefined || r.from >= b.from) best.set(k, r);
  }
  return [...best.values()];
}
