// SPDX-License-Identifier: Apache-2.0
// packChanges/unpackChanges: what the SQLite writer thread receives is what the store would have
// been given, for small and large batches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import { changeFromEvent, EventChange, type HistoryChange } from '../history-store.js';
import { packChanges, unpackChanges } from './history-worker-protocol.js';

function changes(n: number): HistoryChange[] {
  const out: HistoryChange[] = [];
  for (let i = 0; i < n; i++) {
    const md: Record<string, unknown> =
      i % 3 === 0 ? { Name: `eth${i}`, Type: 'veth', MTU: 1500 } : { Name: `n${i}` };
    const base = {
      ID: `id${i}`,
      Metadata: md,
      Host: 'h',
      Origin: i % 2 ? 'o' : '',
      CreatedAt: 1700000000000 + i,
      UpdatedAt: 1700000000001 + i,
      Revision: 1 + (i % 5),
      DeletedAt: null,
    };
    out.push(
      i % 4 === 1
        ? {
            kind: 'edge',
            op: 'delete',
            time: 1700000000002 + i,
            element: { ...base, DeletedAt: 1700000000002 + i, Parent: 'p', Child: 'c' },
            metadataJSON: JSON.stringify(md),
          }
        : { kind: 'node', op: i % 2 ? 'update' : 'add', time: 1700000000000 + i, element: base },
    );
  }
  return out;
}

describe('packChanges', () => {
  for (const n of [0, 1, 7, 5000]) {
    it(`round-trips ${n} changes through unpackChanges`, () => {
      const input = changes(n);
      const back = unpackChanges(packChanges(input));
      assert.equal(back.length, n);
      for (let i = 0; i < n; i++) {
        const a = input[i]!;
        const b = back[i]!;
        assert.equal(b.kind, a.kind);
        assert.equal(b.op, a.op);
        assert.equal(b.time, a.time);
        assert.equal(b.metadataJSON, JSON.stringify(a.element.Metadata));
        const { Metadata: _m, ...restA } = a.element as unknown as Record<string, unknown>;
        const { Metadata: mb, ...restB } = b.element as unknown as Record<string, unknown>;
        for (const [k, v] of Object.entries(restA)) assert.equal(restB[k], v, `${k} of ${i}`);
        const md = a.element.Metadata as Record<string, unknown>;
        const top: Record<string, unknown> = {};
        if (md['Type'] !== undefined) top['Type'] = md['Type'];
        if (md['Name'] !== undefined) top['Name'] = md['Name'];
        assert.deepEqual(mb, top, 'the indexed top-level keys travel as values');
      }
    });
  }

  it('packs a change taken from a live element as the same change given as JSON', () => {
    const g = new Graph({ host: 'h1', origin: 'o1' });
    const a = g.newNode({ Name: 'a', Type: 'veth', MTU: 1500 }, { id: 'a' });
    const b = g.newNode({ Name: 'b' }, { id: 'b', createdAt: 0 });
    const e = g.newEdge('a', 'b', { RelationType: 'layer2' }, { id: 'e' });
    g.delNode('b', 1700000000999);
    for (const [event, el] of [
      ['nodeAdded', a],
      ['nodeDeleted', b],
      ['edgeUpdated', e],
    ] as const) {
      const live = changeFromEvent(event, el, 1700000000500);
      assert.ok(live instanceof EventChange);
      const json: HistoryChange = {
        kind: live.kind,
        op: live.op,
        time: live.time,
        element: { ...live.element },
        metadataJSON: live.metadataJSON,
      };
      assert.deepEqual(packChanges([live]), packChanges([json]));
      assert.equal(live.metadataJSON, JSON.stringify(el.metadata));
    }
  });
});
