// SPDX-License-Identifier: Apache-2.0
// Conformance suite every HistoryStore passes (memory, SQLite, PostgreSQL): call
// `historyStoreSuite(name, factory)` from the backend's test file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EdgeJSON, NodeJSON } from '../graph/json.js';
import type { GraphView, Metadata } from '../graph/types.js';
import { diffViews } from './history/diff.js';
import type { HistoryChange, HistoryStore } from './history-store.js';
import { HistoryHorizonError } from './history-store.js';

/** A fresh, empty store; `reopen` (persistent backends) opens the same data again after close(). */
export interface HistoryFixture {
  store: HistoryStore;
  reopen?: () => Promise<HistoryStore>;
  /** Removes what the fixture created (files, databases), after the stores are closed. */
  cleanup?: () => Promise<void>;
}

/** Node JSON for tests. */
export function nodeJSON(id: string, md: Metadata, rev = 1, deletedAt: number | null = null) {
  const n: NodeJSON = {
    ID: id,
    Metadata: md,
    Host: 'h1',
    Origin: 'analyzer.h1',
    CreatedAt: 1000,
    UpdatedAt: 1000 + rev,
    DeletedAt: deletedAt,
    Revision: rev,
  };
  return n;
}

/** Edge JSON for tests. */
export function edgeJSON(id: string, parent: string, child: string, md: Metadata = {}, rev = 1) {
  const e: EdgeJSON = { ...nodeJSON(id, md, rev), Parent: parent, Child: child };
  return e;
}

const ch = (
  op: HistoryChange['op'],
  time: number,
  element: NodeJSON | EdgeJSON,
  kind: 'node' | 'edge' = 'Parent' in element ? 'edge' : 'node',
): HistoryChange => ({ kind, op, time, element });

const ids = (it: Iterable<{ id: string }>): string[] => [...it].map((x) => x.id).sort();
const nodeIds = (v: GraphView): string[] => ids(v.nodes());
const edgeIds = (v: GraphView): string[] => ids(v.edges());

/** a: 1000 created, 2000 and 3000 updated; b: 1000 → deleted 4000; c: 2500 →; edges a→b, a→c. */
async function fillBasic(s: HistoryStore): Promise<void> {
  await s.append([
    ch('add', 1000, nodeJSON('a', { Name: 'a', Type: 'veth', V: 1 }, 1)),
    ch('add', 1000, nodeJSON('b', { Name: 'b', Type: 'device' }, 1)),
    ch('add', 1000, edgeJSON('ab', 'a', 'b', { RelationType: 'layer2' })),
  ]);
  await s.append([ch('update', 2000, nodeJSON('a', { Name: 'a', Type: 'veth', V: 2 }, 2))]);
  await s.append([
    ch('add', 2500, nodeJSON('c', { Name: 'c', Type: 'veth' }, 1)),
    ch('add', 2500, edgeJSON('ac', 'a', 'c')),
    ch('update', 3000, nodeJSON('a', { Name: 'a', Type: 'veth', V: 3 }, 3)),
    ch('delete', 4000, nodeJSON('b', { Name: 'b', Type: 'device' }, 1, 4000)),
  ]);
}

/** Registers the shared HistoryStore tests; `factory` returns a fresh, empty store. */
export function historyStoreSuite(name: string, factory: () => Promise<HistoryFixture>): void {
  describe(`HistoryStore conformance: ${name}`, () => {
    const withStore = (fn: (s: HistoryStore, fx: HistoryFixture) => Promise<void>) => async () => {
      const fx = await factory();
      try {
        await fn(fx.store, fx);
      } finally {
        await fx.store.close();
        await fx.cleanup?.();
      }
    };

    it(
      'keeps every revision with its validity interval',
      withStore(async (s) => {
        await fillBasic(s);
        const revs = (await s.changes(0, 10_000)).filter((r) => r.element.ID === 'a');
        assert.deepEqual(
          revs.map((r) => [r.from, r.to, r.element.Revision, r.element.Metadata['V']]),
          [
            [1000, 2000, 1, 1],
            [2000, 3000, 2, 2],
            [3000, null, 3, 3],
          ],
        );
        const b = (await s.changes(0, 10_000)).filter((r) => r.element.ID === 'b');
        assert.deepEqual(
          b.map((r) => [r.from, r.to, r.element.DeletedAt]),
          [[1000, 4000, 4000]],
        );
        const st = await s.stats();
        assert.equal(st.revisions, 7);
        assert.equal(st.open, 4);
        assert.equal(st.oldest, 1000);
        assert.equal(st.newest, 4000);
        assert.ok(st.dataBytes > 0);
      }),
    );

    it(
      'answers snapshots at times between revisions',
      withStore(async (s) => {
        await fillBasic(s);
        const md = async (t: number) => (await s.snapshot(t)).getNode('a')?.metadata['V'];
        assert.equal(await md(1000), 1);
        assert.equal(await md(1999), 1);
        assert.equal(await md(2000), 2);
        assert.equal(await md(2999), 2);
        assert.equal(await md(3000), 3);
        assert.equal(await md(1e12), 3);
        const v = await s.snapshot(2200);
        assert.equal(v.at, 2200);
        assert.deepEqual(nodeIds(v), ['a', 'b']);
        assert.deepEqual(edgeIds(v), ['ab']);
        assert.equal(v.nodeCount, 2);
        assert.equal(v.edgeCount, 1);
        const a = v.getNode('a');
        assert.equal(a?.kind, 'node');
        assert.equal(a?.revision, 2);
        assert.equal(a?.host, 'h1');
        assert.equal(a?.origin, 'analyzer.h1');
        assert.equal(a?.createdAt, 1000);
        assert.equal(a?.deletedAt, undefined);
        const e = v.getEdge('ab');
        assert.equal(e?.kind, 'edge');
        assert.equal(e?.kind === 'edge' && `${e.parent}->${e.child}`, 'a->b');
        assert.deepEqual(e?.metadata, { RelationType: 'layer2' });
        assert.deepEqual(ids(v.outEdges('a')), ['ab']);
        assert.deepEqual(ids(v.inEdges('b')), ['ab']);
        assert.deepEqual(ids(v.inEdges('a')), []);
        const later = await s.snapshot(2600);
        assert.deepEqual(nodeIds(later), ['a', 'b', 'c']);
        assert.deepEqual(ids(later.outEdges('a')), ['ab', 'ac']);
      }),
    );

    it(
      'shows deleted elements before their delete time only',
      withStore(async (s) => {
        await fillBasic(s);
        const before = await s.snapshot(3999);
        assert.equal(before.getNode('b')?.deletedAt, undefined);
        assert.deepEqual(edgeIds(before), ['ab', 'ac']);
        const after = await s.snapshot(4000);
        assert.equal(after.getNode('b'), undefined);
        assert.deepEqual(nodeIds(after), ['a', 'c']);
        // ab was never deleted, but an edge needs both ends in the view.
        assert.deepEqual(edgeIds(after), ['ac']);
        assert.equal(after.getEdge('ab'), undefined);
        assert.deepEqual(ids(after.outEdges('a')), ['ac']);
        // A window reaching back before the delete holds b, with its DeletedAt.
        const win = await s.snapshot(4500, 1000);
        assert.equal(win.getNode('b')?.deletedAt, 4000);
        assert.deepEqual(edgeIds(win), ['ab', 'ac']);
      }),
    );

    it(
      'answers duration windows with the last revision of each element in the window',
      withStore(async (s) => {
        await fillBasic(s);
        await s.append([
          ch('add', 1100, nodeJSON('d', { Name: 'd' })),
          ch('delete', 1200, nodeJSON('d', { Name: 'd' }, 1, 1200)),
        ]);
        // [1500, 2500]: a as revision 2, b, c (born at 2500), not d (gone at 1200).
        const w = await s.snapshot(2500, 1000);
        assert.deepEqual(nodeIds(w), ['a', 'b', 'c']);
        assert.equal(w.getNode('a')?.revision, 2);
        assert.equal(w.at, 2500);
        // [1150, 2500] reaches d.
        assert.deepEqual(nodeIds(await s.snapshot(2500, 1350)), ['a', 'b', 'c', 'd']);
        // [1200, 2400]: d ended at 1200 (exclusive), c not born yet.
        assert.deepEqual(nodeIds(await s.snapshot(2400, 1200)), ['a', 'b']);
        // The whole history.
        const all = await s.snapshot(10_000, Infinity);
        assert.deepEqual(nodeIds(all), ['a', 'b', 'c', 'd']);
        assert.equal(all.getNode('a')?.revision, 3);
        assert.deepEqual(edgeIds(all), ['ab', 'ac']);
        // A zero window is a point in time.
        assert.deepEqual(nodeIds(await s.snapshot(4000, 0)), ['a', 'c']);
      }),
    );

    it(
      'looks nodes up by indexed metadata, arrays included',
      withStore(async (s) => {
        const batch: HistoryChange[] = [];
        for (let i = 0; i < 10; i++)
          batch.push(
            ch('add', 1000, nodeJSON(`n${i}`, { Name: `n${i}`, Type: i < 6 ? 'veth' : 'device' })),
          );
        batch.push(ch('add', 1000, nodeJSON('m', { Name: 'm', Type: ['veth', 'bridge'] })));
        batch.push(ch('add', 1000, nodeJSON('x', { Name: 'veth', Type: 7 })));
        await s.append(batch);
        await s.append([ch('update', 2000, nodeJSON('n0', { Name: 'n0', Type: 'device' }, 2))]);
        const count = (v: GraphView, k: string, val: unknown) => {
          const hit = v.lookupNodes(k, val);
          return hit === undefined ? undefined : ids(hit);
        };
        const at1 = await s.snapshot(1500);
        assert.deepEqual(count(at1, 'Type', 'veth'), ['m', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
        assert.deepEqual(count(at1, 'Name', 'n7'), ['n7']);
        // Every field of a node found through an index reads as stored.
        const hits = [...(at1.lookupNodes('Type', 'veth') ?? [])];
        assert.deepEqual(hits.map((n) => n.metadata['Name']).sort(), [
          'm',
          'n0',
          'n1',
          'n2',
          'n3',
          'n4',
          'n5',
        ]);
        assert.ok(
          hits.every((n) => n.host === 'h1' && n.origin === 'analyzer.h1' && n.revision === 1),
        );
        assert.ok(
          hits.every((n) => n.kind === 'node' && n.createdAt === 1000 && n.deletedAt === undefined),
        );
        assert.equal(
          at1.getNode('n1'),
          hits.find((n) => n.id === 'n1'),
        );
        assert.deepEqual(count(at1, 'Type', 'bridge'), ['m']);
        assert.deepEqual(count(at1, 'Type', 'nothing'), []);
        const at2 = await s.snapshot(2500);
        assert.deepEqual(count(at2, 'Type', 'veth'), ['m', 'n1', 'n2', 'n3', 'n4', 'n5']);
        assert.equal(at2.getNode('n0')?.metadata['Type'], 'device');
        // Hinted snapshots answer the hinted lookup the same way.
        const hinted = await s.snapshot(2500, undefined, {
          lookups: [{ key: 'Type', value: 'veth' }],
          lookupsOnly: true,
        });
        assert.deepEqual(count(hinted, 'Type', 'veth'), ['m', 'n1', 'n2', 'n3', 'n4', 'n5']);
        // Lookups agree with a full scan, and with the nodes the view iterates.
        const full = await s.snapshot(2500);
        const scan = [...full.nodes()].filter((n) => n.metadata['Type'] === 'device');
        assert.deepEqual(count(full, 'Type', 'device'), ids(scan));
        assert.equal(full.nodeCount, 12);
        // A window: the last revision decides (n0 is a device by 2500).
        assert.deepEqual(count(await s.snapshot(2500, 2000), 'Type', 'veth'), [
          'm',
          'n1',
          'n2',
          'n3',
          'n4',
          'n5',
        ]);
      }),
    );

    it(
      'lists changes in (from, to] and diffs two snapshots precisely',
      withStore(async (s) => {
        await fillBasic(s);
        const c = await s.changes(2000, 3000);
        assert.deepEqual(
          c.map((r) => `${r.element.ID}@${r.from}`),
          ['a@2000', 'c@2500', 'ac@2500', 'a@3000'],
        );
        assert.deepEqual(await s.changes(4000, 5000), []);
        assert.deepEqual(
          (await s.changes(3999, 4000)).map((r) => `${r.element.ID}:${r.to}`),
          ['b:4000'],
        );
        const d = diffViews(await s.snapshot(2200), await s.snapshot(4200));
        assert.deepEqual(ids(d.appeared.nodes), ['c']);
        assert.deepEqual(ids(d.appeared.edges), ['ac']);
        assert.deepEqual(ids(d.disappeared.nodes), ['b']);
        assert.deepEqual(ids(d.disappeared.edges), ['ab']);
        assert.deepEqual(
          d.changed.nodes.map((x) => [x.before.id, x.before.revision, x.after.revision]),
          [['a', 2, 3]],
        );
        assert.deepEqual(d.changed.edges, []);
        const same = diffViews(await s.snapshot(2600), await s.snapshot(2700));
        assert.equal(
          same.appeared.nodes.length + same.disappeared.nodes.length + same.changed.nodes.length,
          0,
        );
      }),
    );

    it(
      'prunes by age, moves the horizon and answers after it exactly',
      withStore(async (s) => {
        await fillBasic(s);
        assert.equal(await s.horizon(), 1000);
        const want = nodeIds(await s.snapshot(3500));
        const r = await s.prune({ olderThan: 3000 });
        assert.equal(r.removed, 2); // a's revisions 1 and 2
        assert.ok(r.bytesFreed > 0);
        assert.equal(r.horizon, 3000);
        assert.equal(await s.horizon(), 3000);
        assert.deepEqual(nodeIds(await s.snapshot(3500)), want);
        assert.equal((await s.snapshot(3000)).getNode('a')?.revision, 3);
        await assert.rejects(s.snapshot(2999), (e: unknown) => {
          assert.ok(e instanceof HistoryHorizonError);
          assert.equal(e.code, 'SKY_ERR_HISTORY_HORIZON');
          assert.equal(e.kind, 'invalid_argument');
          assert.equal(e.horizon, 3000);
          assert.match(e.message, /3000/);
          return true;
        });
        assert.equal((await s.stats()).revisions, 5);
      }),
    );

    it(
      'prunes by size, oldest closed revisions first, never open ones',
      withStore(async (s) => {
        const batch: HistoryChange[] = [];
        for (let t = 1; t <= 50; t++)
          batch.push(
            ch(
              t === 1 ? 'add' : 'update',
              1000 + t * 10,
              nodeJSON('a', { V: t, Pad: 'x'.repeat(100) }, t),
            ),
          );
        batch.push(ch('add', 1000, nodeJSON('keep', { Pad: 'y'.repeat(100) })));
        await s.append(batch);
        const before = await s.stats();
        assert.equal(before.revisions, 51);
        const max = Math.floor(before.dataBytes / 2);
        const r = await s.prune({ maxBytes: max });
        const after = await s.stats();
        assert.ok(after.dataBytes <= max, `${after.dataBytes} > ${max}`);
        assert.equal(after.dataBytes, before.dataBytes - r.bytesFreed);
        assert.equal(after.revisions, 51 - r.removed);
        assert.ok(r.removed >= 20 && r.removed < 49, `removed ${r.removed}`);
        // The oldest went: what is left of a starts right after the horizon.
        const left = (await s.changes(0, 10_000)).filter((x) => x.element.ID === 'a');
        assert.equal(left[0]?.from, r.horizon);
        assert.equal(left.at(-1)?.to, null);
        assert.equal(await s.horizon(), r.horizon);
        const now = await s.snapshot(5000);
        assert.deepEqual(nodeIds(now), ['a', 'keep']);
        assert.equal(now.getNode('a')?.metadata['V'], 50);
        // Only open revisions left: nothing more to drop.
        const all = await s.prune({ maxBytes: 0 });
        assert.equal((await s.stats()).revisions, 2);
        assert.equal(all.removed, after.revisions - 2);
      }),
    );

    it(
      'refuses times before the horizon and bad arguments with clear errors',
      withStore(async (s) => {
        await fillBasic(s);
        await assert.rejects(s.snapshot(999), { code: 'SKY_ERR_HISTORY_HORIZON' });
        await assert.rejects(s.snapshot(Number.NaN), { code: 'SKY_ERR_HISTORY_INVALID' });
        await assert.rejects(s.snapshot(2000, -1), { code: 'SKY_ERR_HISTORY_INVALID' });
        const bad = { kind: 'node', op: 'add', time: 5000, element: { ID: '' } };
        await assert.rejects(
          s.append([ch('add', 5000, nodeJSON('z', {})), bad as unknown as HistoryChange]),
          (e: { code?: string; message?: string }) =>
            e.code === 'SKY_ERR_HISTORY_INVALID' && /#1/.test(e.message ?? ''),
        );
        // Nothing of the rejected batch was written.
        assert.equal((await s.snapshot(6000)).getNode('z'), undefined);
        await assert.rejects(
          s.append([{ kind: 'edge', op: 'add', time: 1, element: nodeJSON('q', {}) }]),
          { code: 'SKY_ERR_HISTORY_INVALID' },
        );
      }),
    );

    it(
      'closes every open revision on closeAll',
      withStore(async (s) => {
        await fillBasic(s);
        assert.equal(await s.closeAll(5000), 4);
        assert.deepEqual(nodeIds(await s.snapshot(4999)), ['a', 'c']);
        assert.deepEqual(nodeIds(await s.snapshot(5000)), []);
        assert.equal((await s.stats()).open, 0);
        // A re-add after a restart opens a new revision.
        await s.append([ch('add', 6000, nodeJSON('a', { Name: 'a', V: 9 }, 9))]);
        assert.equal((await s.snapshot(6000)).getNode('a')?.revision, 9);
        // An agent re-syncing stamps its old CreatedAt: the new revision starts where the last
        // one ended, so no time shows the element twice (c was closed at 5000, b deleted at 4000).
        await s.append([
          ch('add', 2600, nodeJSON('c', { Name: 'c' }, 7)),
          ch('add', 1500, nodeJSON('b', { Name: 'b' }, 8)),
        ]);
        const c = (await s.changes(0, 10_000)).filter((r) => r.element.ID === 'c');
        assert.deepEqual(
          c.map((r) => [r.from, r.to]),
          [
            [2500, 5000],
            [5000, null],
          ],
        );
        assert.equal((await s.snapshot(3000)).getNode('c')?.revision, 1);
        assert.equal((await s.snapshot(3000)).getNode('b')?.revision, 1);
        assert.equal((await s.snapshot(4500)).getNode('b')?.revision, 8);
        assert.equal((await s.snapshot(5000)).getNode('c')?.revision, 7);
      }),
    );

    it(
      'writes many thousands of revisions in one batch',
      withStore(async (s) => {
        const batch: HistoryChange[] = [];
        const n = 5000;
        for (let i = 0; i < n; i++)
          batch.push(
            ch('add', 1000, nodeJSON(`n${i}`, { Name: `n${i}`, Type: i % 4 ? 'device' : 'veth' })),
          );
        for (let i = 1; i < n; i++)
          batch.push(ch('add', 1000, edgeJSON(`e${i}`, `n${i - 1}`, `n${i}`)));
        for (let i = 0; i < n; i += 2)
          batch.push(ch('update', 2000, nodeJSON(`n${i}`, { Name: `n${i}`, Type: 'veth' }, 2)));
        await s.append(batch);
        assert.equal((await s.stats()).revisions, n + (n - 1) + n / 2);
        const v1 = await s.snapshot(1500);
        assert.equal([...(v1.lookupNodes('Type', 'veth') ?? [])].length, n / 4);
        assert.equal(v1.edgeCount, n - 1);
        const v2 = await s.snapshot(2500);
        assert.equal([...(v2.lookupNodes('Type', 'veth') ?? [])].length, n / 2); // every even node, the multiples of 4 included
        assert.equal(v2.nodeCount, n);
      }),
    );

    it(
      'fails with SKY_ERR_HISTORY_CLOSED after close',
      withStore(async (s, fx) => {
        const other = fx.reopen ? undefined : s;
        if (other) {
          await other.close();
          await assert.rejects(other.snapshot(2000), { code: 'SKY_ERR_HISTORY_CLOSED' });
          await assert.rejects(other.append([]), { code: 'SKY_ERR_HISTORY_CLOSED' });
          return;
        }
        await s.close();
        await assert.rejects(s.stats(), { code: 'SKY_ERR_HISTORY_CLOSED' });
        await assert.rejects(s.append([]), { code: 'SKY_ERR_HISTORY_CLOSED' });
      }),
    );

    it(
      'finds its history again after close and reopen (persistent backends)',
      withStore(async (s, fx) => {
        await fillBasic(s);
        await s.prune({ olderThan: 2000 });
        const before = await s.stats();
        if (!fx.reopen) {
          // Memory keeps nothing: the contract only asks persistent backends to reopen.
          assert.equal(before.diskBytes, 0);
          return;
        }
        await s.close();
        const again = await fx.reopen();
        try {
          assert.equal(await again.horizon(), 2000);
          const st = await again.stats();
          assert.equal(st.revisions, before.revisions);
          assert.equal(st.open, before.open);
          assert.equal(st.dataBytes, before.dataBytes);
          assert.equal(st.newest, before.newest);
          assert.ok(st.diskBytes > 0);
          const v = await again.snapshot(3500);
          assert.deepEqual(nodeIds(v), ['a', 'b', 'c']);
          assert.equal(v.getNode('a')?.metadata['V'], 3);
          // Writing continues where it stopped: the open revision of a is closed by an update.
          await again.append([ch('update', 5000, nodeJSON('a', { V: 4 }, 4))]);
          assert.equal((await again.snapshot(4999)).getNode('a')?.revision, 3);
          assert.equal((await again.snapshot(5000)).getNode('a')?.revision, 4);
        } finally {
          await again.close();
        }
      }),
    );
  });
}
