// SPDX-License-Identifier: Apache-2.0
// Conformance of a shared HistoryStore (SQLite file, PostgreSQL database) written by several
// analyzers: each closes only its own revisions, every reader sees all of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphView } from '../graph/types.js';
import { nodeJSON } from './history-store.suite.js';
import type { HistoryChange, HistoryStore } from './history-store.js';

/** Opens stores on one database: `open(writer)` gives another store on the same data. */
export interface SharedHistoryFixture {
  open(writer: string): Promise<HistoryStore>;
  cleanup?: () => Promise<void>;
}

const add = (time: number, id: string, md = {}, rev = 1, op: HistoryChange['op'] = 'add') => ({
  kind: 'node' as const,
  op,
  time,
  element: nodeJSON(id, md, rev, op === 'delete' ? time : null),
});

const nodeIds = (v: GraphView): string[] => [...v.nodes()].map((n) => n.id).sort();

/** Registers the multi-writer tests; `factory` returns a fresh, empty shared database. */
export function historyWritersSuite(
  name: string,
  factory: () => Promise<SharedHistoryFixture>,
): void {
  describe(`HistoryStore shared by two writers: ${name}`, () => {
    const withTwo =
      (fn: (a: HistoryStore, b: HistoryStore, fx: SharedHistoryFixture) => Promise<void>) =>
      async () => {
        const fx = await factory();
        const opened: HistoryStore[] = [];
        try {
          opened.push(await fx.open('analyzer.A'));
          opened.push(await fx.open('analyzer.B'));
          await fn(opened[0]!, opened[1]!, fx);
        } finally {
          for (const s of opened) await s.close();
          await fx.cleanup?.();
        }
      };

    it(
      "A's restart (closeAll) does not close B's revisions; snapshots show both writers",
      withTwo(async (a, b) => {
        await a.append([add(1000, 'a1', { Type: 'veth' }), add(1000, 'a2', { Type: 'device' })]);
        await b.append([add(1100, 'b1', { Type: 'veth' })]);
        for (const s of [a, b])
          assert.deepEqual(nodeIds(await s.snapshot(1500)), ['a1', 'a2', 'b1']);
        assert.equal(await a.closeAll(2000), 2);
        for (const s of [a, b]) {
          assert.deepEqual(nodeIds(await s.snapshot(2500)), ['b1']);
          assert.deepEqual(nodeIds(await s.snapshot(1999)), ['a1', 'a2', 'b1']);
        }
        const st = await b.stats();
        assert.equal(st.revisions, 3);
        assert.equal(st.open, 1);
        assert.equal(await b.closeAll(3000), 1);
        assert.deepEqual(nodeIds(await a.snapshot(3500)), []);
      }),
    );

    it(
      "a change closes only the writer's own open revision of an ID both recorded",
      withTwo(async (a, b) => {
        await a.append([add(1000, 'x', { V: 'a' })]);
        await b.append([add(1000, 'x', { V: 'b' })]);
        // A's update and delete end A's revision; B's stays open.
        await a.append([add(2000, 'x', { V: 'a2' }, 2, 'update')]);
        await a.append([add(3000, 'x', { V: 'a2' }, 2, 'delete')]);
        const st = await a.stats();
        assert.equal(st.revisions, 3);
        assert.equal(st.open, 1);
        assert.equal((await b.snapshot(3500)).getNode('x')?.metadata['V'], 'b');
        // B's update closes B's revision, which started at 1000, not A's deleted one.
        await b.append([add(4000, 'x', { V: 'b2' }, 2, 'update')]);
        const changes = await a.changes(3500, 4000);
        assert.deepEqual(
          changes.map((r) => [r.element.Metadata['V'], r.from, r.to]),
          [
            ['b', 1000, 4000],
            ['b2', 4000, null],
          ],
        );
      }),
    );

    it(
      'after its restart a writer closes its own revisions across batches, re-adds included',
      withTwo(async (a, b) => {
        await a.append([add(1000, 'x', { V: 1 })]);
        await b.append([add(1000, 'x', { V: 'b' })]);
        assert.equal(await a.closeAll(1500), 1);
        // a re-add never starts before the end of the writer's last revision of the element
        await a.append([add(1400, 'x', { V: 2 })]);
        await a.append([add(2000, 'x', { V: 3 }, 2, 'update'), add(2500, 'y', { V: 1 })]);
        await a.append([add(3000, 'x', { V: 3 }, 2, 'delete')]);
        await a.append([add(4000, 'y', { V: 2 }, 2, 'update')]);
        const all = await b.changes(0, 5000);
        assert.deepEqual(
          all.map((r) => [r.element.ID, r.element.Metadata['V'], r.from, r.to]),
          [
            ['x', 1, 1000, 1500],
            ['x', 'b', 1000, null],
            ['x', 2, 1500, 2000],
            ['x', 3, 2000, 3000],
            ['y', 1, 2500, 4000],
            ['y', 2, 4000, null],
          ],
        );
        assert.equal((await a.stats()).open, 2);
      }),
    );

    it(
      'counters and horizon are shared: what one writer writes or prunes, the other reports',
      withTwo(async (a, b) => {
        await a.append([add(1000, 'a1'), add(2000, 'a1', { V: 2 }, 2, 'update')]);
        await b.append([add(1500, 'b1'), add(2500, 'b1', { V: 2 }, 2, 'update')]);
        const sa = await a.stats();
        const sb = await b.stats();
        assert.equal(sa.revisions, 4);
        assert.equal(sa.dataBytes, sb.dataBytes);
        assert.equal(sa.newest, 2500);
        assert.equal(sb.newest, 2500);
        const r = await a.prune({ olderThan: 2200 });
        assert.equal(r.removed, 1);
        assert.equal(await b.horizon(), 2200);
        await assert.rejects(b.snapshot(2100), { code: 'SKY_ERR_HISTORY_HORIZON' });
        const after = await b.stats();
        assert.equal(after.revisions, 3);
        assert.equal(after.dataBytes, sa.dataBytes - r.bytesFreed);
        assert.deepEqual(nodeIds(await b.snapshot(2300)), ['a1', 'b1']);
      }),
    );
  });
}
