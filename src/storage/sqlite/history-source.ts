// SPDX-License-Identifier: Apache-2.0
// The lazy rows of an SQLite history snapshot at t: the whole graph through the index that suits t,
// one node by id, and Type/Name lookups answered by their own indexed columns.
import type { RevisionRow } from '../history/rows.js';
import type { SnapshotSource } from '../history/view.js';
import type { SqlRow } from './history-schema.js';
import { OTHER, PUSHED_KEYS, fromSql } from './history-schema.js';
import type { Stmt } from './history-statements.js';

/** What a snapshot reads through. */
export interface SourceReads {
  /** The store's prepared statements. */
  readonly st: Readonly<Record<string, Stmt>>;
  /** Runs a read against the open database (errors as the store reports them). */
  run<R>(fn: () => R): R;
  /** True when `t` is nearer the newest write than the horizon (few revisions end after it). */
  recent(t: number): boolean;
}

/** The lazy rows of the snapshot at `t`. */
export function snapshotSource(reads: SourceReads, t: number): SnapshotSource {
  const { st, run } = reads;
  return {
    loadAll: () =>
      run(() => {
        const nodes: RevisionRow[] = [];
        const edges: RevisionRow[] = [];
        const stmt = st[reads.recent(t) ? 'atRecent' : 'atOld']!;
        for (const raw of stmt.all(t, t) as SqlRow[]) {
          const r = fromSql(raw);
          (r.kind === 'node' ? nodes : edges).push(r);
        }
        return { nodes, edges };
      }),
    loadNode: (id) =>
      run(() => {
        const raw = st['node']!.get(id, t, t) as SqlRow | undefined;
        return raw === undefined ? undefined : fromSql(raw);
      }),
    lookup: (key, value) => {
      const col = PUSHED_KEYS[key];
      if (col === undefined) return undefined;
      const v = typeof value === 'string' ? value : OTHER;
      const found = run(
        () => st[`${col}Ids`]!.all(v === OTHER ? null : v, v, OTHER, t, t) as [string, number][],
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
        load: () => run(() => (st[col]!.all(v, OTHER, t, t) as SqlRow[]).map(fromSql)),
      };
    },
  };
}
