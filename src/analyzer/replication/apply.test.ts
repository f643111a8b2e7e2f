// SPDX-License-Identifier: Apache-2.0
// What a peer's messages do to the hub graph: Syncs replace the peer's contribution, local origins
// and IDs are never taken over, a lost peer takes exactly its own origins along.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import { GraphMessageType as T, Namespace, newStructMessage } from '../../protocol/index.js';
import { PeerApplier } from './apply.js';
import { OriginLedger } from './ledger.js';

function setup(localAgents: string[] = []) {
  const g = new Graph({ host: 'me', origin: 'analyzer.me' });
  const ledger = new OriginLedger((o) => o.endsWith('.me') || localAgents.includes(o));
  return { g, ledger, ap: new PeerApplier(g, ledger) };
}

const node = (id: string, origin: string, md: Record<string, unknown> = {}) => ({
  ID: id,
  Metadata: { Name: id, Type: 'device', ...md },
  Origin: origin,
  Revision: 1,
});
const edge = (id: string, parent: string, child: string, origin: string) => ({
  ...node(id, origin, { RelationType: 'layer2' }),
  Parent: parent,
  Child: child,
});
const m = (type: string, obj: unknown) => newStructMessage(Namespace.Graph, type, obj, '');

describe('PeerApplier', () => {
  it('a Sync replaces what the peer contributed, across the origins it carries', () => {
    const { g, ledger, ap } = setup();
    ap.apply(
      'p',
      m(T.Sync, {
        Nodes: [node('a', 'analyzer.p'), node('h', 'agent.h1'), node('x', 'agent.h2')],
        Edges: [edge('e', 'a', 'h', 'analyzer.p')],
      }),
    );
    assert.equal(g.nodeCount, 3);
    assert.equal(ledger.peerOf('agent.h1'), 'p');
    assert.ok(ledger.isReplicated(g.getNode('h')!));
    // agent h2 left p: its origin goes, the rest is updated in place
    const r = ap.apply(
      'p',
      m(T.Sync, {
        Nodes: [node('a', 'analyzer.p'), { ...node('h', 'agent.h1', { MTU: 1 }), Revision: 2 }],
        Edges: null,
      }),
    );
    assert.equal(r.dropped, 0);
    assert.deepEqual([...g.nodes()].map((n) => n.id).sort(), ['a', 'h']);
    assert.equal(g.edgeCount, 0);
    assert.equal(g.getNode('h')!.metadata['MTU'], 1);
    assert.equal(ledger.peerOf('agent.h2'), undefined);
  });

  it('gathers a Sync sent in parts and applies it once whole', () => {
    const { g, ap } = setup();
    ap.apply('p', m(T.Sync, { Nodes: [node('old', 'analyzer.p')] }));
    const part = (i: number, body: object) => m(T.Sync, { ...body, Part: i, Parts: 3 });
    ap.apply('p', part(1, { Nodes: [node('a', 'analyzer.p')] }));
    ap.apply('p', part(2, { Nodes: [node('b', 'analyzer.p')] }));
    assert.deepEqual(
      [...g.nodes()].map((n) => n.id),
      ['old'],
      'nothing applied before the end',
    );
    ap.apply('p', part(3, { Edges: [edge('e', 'a', 'b', 'analyzer.p')] }));
    assert.deepEqual([...g.nodes()].map((n) => n.id).sort(), ['a', 'b']);
    assert.equal(g.edgeCount, 1);
    assert.throws(() => ap.apply('p', part(2, { Nodes: [] })), /part 2 of 3 out of order/);
    assert.throws(() => ap.apply('p', m(T.Sync, { Part: 0, Parts: 2 })), {
      code: 'SKY_ERR_WS_INVALID_PAYLOAD',
    });
  });

  it('never takes over a local origin or a local ID, nor links to an unknown node', () => {
    const { g, ledger, ap } = setup(['agent.mine']);
    g.newNode({ Name: 'own', Type: 'device' }, { id: 'own' });
    const r = ap.apply(
      'p',
      m(T.Sync, {
        Nodes: [node('z', 'agent.mine'), node('own', 'analyzer.p'), node('ok', 'analyzer.p')],
        Edges: [edge('e', 'ok', 'ghost', 'analyzer.p'), { ID: 'bad' }],
      }),
    );
    assert.equal(r.dropped, 4);
    assert.equal(r.applied, 1);
    assert.equal(g.getNode('z'), undefined);
    assert.equal(g.getNode('own')!.origin, 'analyzer.me');
    assert.equal(ledger.peerOf('agent.mine'), undefined);
  });

  it('incremental events follow the receiving rules', () => {
    const { g, ap } = setup();
    ap.apply('p', m(T.NodeAdded, node('a', 'analyzer.p')));
    assert.equal(ap.apply('p', m(T.NodeAdded, node('a', 'analyzer.p'))).ignored, 1);
    const upd = (rev: number, v: number) =>
      m(T.NodePartiallyUpdated, {
        ID: 'a',
        Revision: rev,
        Ops: [{ Type: 1, Key: 'MTU', Value: v }],
      });
    ap.apply('p', upd(3, 9000));
    assert.equal(ap.apply('p', upd(2, 1)).ignored, 1, 'older revision ignored');
    assert.equal(g.getNode('a')!.metadata['MTU'], 9000);
    const unknown = m(T.NodePartiallyUpdated, { ID: 'nope', Ops: [] });
    assert.equal(ap.apply('p', unknown).dropped, 1, 'update of an unknown node dropped');
    assert.equal(ap.apply('p', m(T.EdgeDeleted, edge('gone', 'a', 'a', 'analyzer.p'))).ignored, 1);
    ap.apply('p', m(T.NodeDeleted, { ID: 'a' }));
    assert.equal(g.nodeCount, 0);
    assert.throws(() => ap.apply('p', m('Frobnicate', {})), { code: 'SKY_ERR_WS_UNKNOWN_MESSAGE' });
    assert.throws(() => ap.apply('p', newStructMessage('Other', T.NodeAdded, {})), {
      code: 'SKY_ERR_WS_UNKNOWN_MESSAGE',
    });
    assert.throws(() => ap.apply('p', m(T.NodeAdded, 42)), { code: 'SKY_ERR_INVALID_NODE' });
  });

  it("a lost peer takes its own origins along, not another peer's nor local ones", () => {
    const { g, ap } = setup();
    g.newNode({ Name: 'own', Type: 'device' });
    ap.apply('p', m(T.Sync, { Nodes: [node('a', 'analyzer.p'), node('h', 'agent.h1')] }));
    ap.apply('q', m(T.Sync, { Nodes: [node('b', 'analyzer.q')] }));
    ap.apply('q', m(T.EdgeAdded, edge('e', 'b', 'a', 'analyzer.q')));
    assert.deepEqual(ap.removePeer('p'), { nodes: 2, edges: 1 });
    assert.deepEqual([...g.nodes()].map((n) => n.metadata['Name']).sort(), ['b', 'own']);
  });

  it("an origin a local writer adds to is no longer the peer's", () => {
    const g = new Graph({ host: 'me', origin: 'analyzer.me' });
    const ledger = new OriginLedger((o) => o.endsWith('.me'));
    const ap = new PeerApplier(g, ledger);
    ap.apply('p', m(T.NodeAdded, node('h', 'agent.h1')));
    assert.ok(ledger.isReplicated(g.getNode('h')!));
    ledger.takeLocal('agent.h1');
    assert.equal(ledger.isReplicated(g.getNode('h')!), false);
    assert.deepEqual(ledger.originsOf('p'), []);
    // nor does losing the peer take the agent's nodes along
    ap.removePeer('p');
    assert.ok(g.getNode('h'));
  });
});
