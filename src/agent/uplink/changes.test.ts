// SPDX-License-Identifier: Apache-2.0
// ChangeLog: what the master analyzer receives for a batch of graph events — coalesced, in an
// order the analyzer can apply, partial updates with their ops (never empty), bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph, type GraphElement, type PartialOp } from '../../graph/index.js';
import type { PartiallyUpdatedMsg, StructMessage } from '../../protocol/index.js';
import { ChangeLog } from './changes.js';

/** A graph whose events feed a log, as the uplink wires it. */
function logged(limit = 100) {
  const g = new Graph({ host: 'h1', origin: 'agent.h1' });
  const log = new ChangeLog(limit);
  let dropped = 0;
  const add = (n: number) => (dropped += n);
  g.on('nodeAdded', (n) => add(log.added(n)));
  g.on('nodeUpdated', (n, ops) => add(log.updated(n, ops)));
  g.on('nodeDeleted', (n) => add(log.deleted(n)));
  g.on('edgeAdded', (e) => add(log.added(e)));
  g.on('edgeUpdated', (e, ops) => add(log.updated(e, ops)));
  g.on('edgeDeleted', (e) => add(log.deleted(e)));
  return { g, log, dropped: () => dropped };
}

const summary = (msgs: StructMessage[]) =>
  msgs.map((m) => `${m.Type} ${(m.Obj as { ID: string }).ID}`);

describe('ChangeLog', () => {
  it('#.drain sends an element added and updated in one batch once, in its final state', () => {
    const { g, log } = logged();
    const n = g.newNode({ Name: 'eth0', Type: 'device' }, { id: 'n' });
    g.addMetadata(n, 'MTU', 1500);
    g.addMetadata(n, 'State', 'UP');
    const msgs = log.drain();
    assert.deepEqual(summary(msgs), ['NodeAdded n']);
    const obj = msgs[0]!.Obj as { Metadata: Record<string, unknown>; Revision: number };
    assert.equal(obj.Metadata['MTU'], 1500);
    assert.equal(obj.Revision, n.revision);
    assert.equal(log.size, 0);
  });

  it('#.drain merges the partial updates of one element, ops in order, final revision', () => {
    const { g, log } = logged();
    const n = g.newNode({ Name: 'eth0', Type: 'device', MTU: 1500 }, { id: 'n' });
    log.drain();
    g.addMetadata(n, 'MTU', 9000);
    g.addMetadata(n, 'Speed', 1000);
    g.delMetadata(n, 'MTU');
    const msgs = log.drain();
    assert.deepEqual(summary(msgs), ['NodePartiallyUpdated n']);
    const p = msgs[0]!.Obj as PartiallyUpdatedMsg;
    assert.equal(p.Revision, n.revision);
    assert.equal(p.UpdatedAt, n.updatedAt);
    assert.deepEqual(p.Ops, [
      { Type: 1, Key: 'MTU', Value: 9000 },
      { Type: 1, Key: 'Speed', Value: 1000 },
      { Type: 2, Key: 'MTU' },
    ]);
  });

  it('#.updated ignores an update without ops: no empty partial update is ever sent', () => {
    const { g, log } = logged();
    const n = g.newNode({ Name: 'a', Type: 'device' }, { id: 'n' });
    log.drain();
    assert.equal(log.updated(n, [] as PartialOp[]), 0);
    g.addMetadata(n, 'Name', 'a'); // no change: the graph emits nothing
    assert.deepEqual(log.drain(), []);
  });

  it('#.deleted cancels an element added in the same batch, edges included', () => {
    const { g, log } = logged();
    g.newNode({ Name: 'keep', Type: 'device' }, { id: 'k' });
    log.drain();
    g.newNode({ Name: 'tmp', Type: 'device' }, { id: 't' });
    g.newEdge('k', 't', { RelationType: 'layer2' }, { id: 'kt' });
    g.delNode('t');
    assert.deepEqual(log.drain(), []);
  });

  it('#.drain orders edge deletions before their node, and keeps delete + re-add of an ID', () => {
    const { g, log } = logged();
    const a = g.newNode({ Name: 'a', Type: 'device' }, { id: 'a' });
    g.newNode({ Name: 'b', Type: 'device' }, { id: 'b' });
    g.newEdge('a', 'b', { RelationType: 'layer2' }, { id: 'ab' });
    log.drain();
    g.addMetadata(a, 'MTU', 1);
    g.delNode('a');
    g.newNode({ Name: 'a', Type: 'device', MTU: 2 }, { id: 'a' });
    g.newEdge('a', 'b', { RelationType: 'layer2' }, { id: 'ab' });
    assert.deepEqual(summary(log.drain()), [
      'EdgeDeleted ab',
      'NodeDeleted a',
      'NodeAdded a',
      'EdgeAdded ab',
    ]);
  });

  it('#.added overflows past the limit: everything is dropped until reset()', () => {
    const { g, log, dropped } = logged(3);
    for (let i = 0; i < 5; i++) g.newNode({ Name: `n${i}`, Type: 'device' });
    assert.equal(log.lost, true);
    assert.equal(dropped(), 4);
    assert.equal(log.size, 0);
    assert.deepEqual(log.drain(), []);
    log.reset();
    assert.equal(log.lost, false);
    g.newNode({ Name: 'after', Type: 'device' }, { id: 'x' });
    assert.deepEqual(summary(log.drain()), ['NodeAdded x']);
  });

  it('#.size counts pending changes, not superseded ones, under churn', () => {
    const { g, log } = logged(10);
    g.newNode({ Name: 'a', Type: 'device' }, { id: 'a' });
    log.drain();
    for (let i = 0; i < 50; i++) {
      g.newNode({ Name: 'tmp', Type: 'device' }, { id: 'tmp' });
      g.delNode('tmp');
    }
    const a = g.getNode('a') as GraphElement;
    g.addMetadata(a, 'X', 1);
    assert.equal(log.size, 1);
    assert.equal(log.lost, false);
    assert.deepEqual(summary(log.drain()), ['NodePartiallyUpdated a']);
  });
});
