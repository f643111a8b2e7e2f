// SPDX-License-Identifier: Apache-2.0
// `/ws/publisher` and `/ws/pubsub` (§2.9): forced origin, schema validation, receiving rules, every
// bad input answered on the socket without harm to the graph, DeleteOnDisconnect, and no echo.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeJSON, StructMessage } from '../../protocol/index.js';
import { connect, edgeJSON, nodeJSON, startHub, until } from './ws-test-kit.js';

type GraphBody = { Nodes: NodeJSON[]; Edges: NodeJSON[] };

describe('#.publisher', () => {
  it('adds elements with the Origin forced to <client type>.<host id>', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const p = await connect(`${h.base}/ws/publisher`, { hostID: 'pub1', clientType: 'cli' });
    t.after(() => p.close());
    p.sendGraph('NodeAdded', nodeJSON('a', {}, { Origin: 'somebody.else', Host: 'h9' }));
    p.sendGraph('NodeAdded', nodeJSON('b'));
    p.sendGraph('EdgeAdded', edgeJSON('ab', 'a', 'b'));
    const reply = await p.sync({});
    assert.equal(reply.Type, 'SyncReply');
    const body = reply.Obj as GraphBody;
    assert.deepEqual(body.Nodes.map((n) => n.ID).sort(), ['a', 'b']);
    assert.equal(h.ctx.graph.getNode('a')?.origin, 'cli.pub1');
    assert.equal(h.ctx.graph.getNode('a')?.host, 'h9');
    assert.equal(h.ctx.graph.getEdge('ab')?.origin, 'cli.pub1');
    assert.ok(h.ctx.status.has('Publishers', 'pub1'));
  });

  it('answers every bad input with an error on the socket, keeps the connection and the graph', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    g.newNode({ Name: 'a', Type: 'device' }, { id: 'a' });
    const before = JSON.stringify([...g.nodes()].map((n) => [n.id, n.metadata, n.revision]));
    const p = await connect(`${h.base}/ws/publisher`);
    t.after(() => p.close());

    const cases: [string, unknown, number, RegExp][] = [
      ['NodeAdded', { ID: 'x', Metadata: { Type: 'device' } }, 400, /Metadata\.Name/],
      ['NodeAdded', { ID: 'y', Metadata: { Name: 'y', Type: 'netns' } }, 400, /Metadata\.Path/],
      ['NodeAdded', 'not a node', 400, /invalid node/],
      ['NodeAdded', nodeJSON('a'), 409, /already exists/],
      ['EdgeAdded', edgeJSON('e1', 'a', 'ghost'), 404, /ghost/],
      ['EdgeAdded', { ID: 'e2', Parent: 'a', Child: 'a', Metadata: {} }, 400, /RelationType/],
      ['NodeUpdated', nodeJSON('ghost'), 404, /ghost/],
      ['NodeDeleted', nodeJSON('ghost'), 404, /ghost/],
      ['NodePartiallyUpdated', { ID: 'a', Revision: 9, Ops: [{ Type: 3, Key: 'k' }] }, 400, /Type/],
      ['NodePartiallyUpdated', { ID: 'a', Revision: 9, Ops: 'set' }, 400, /Ops/],
      ['NodePartiallyUpdated', { ID: 'ghost', Revision: 9, Ops: [] }, 404, /ghost/],
      ['EdgePartiallyUpdated', { ID: 'ghost', Revision: 9, Ops: [] }, 404, /ghost/],
      ['Sync', [], 400, /object/],
      ['Frobnicate', {}, 400, /unknown message type/],
    ];
    for (const [type, obj, status, text] of cases) {
      const r = await p.replyTo(p.sendGraph(type, obj));
      assert.equal(r.Type, 'Error', `${type} ${JSON.stringify(obj)}`);
      assert.equal(r.Namespace, 'Graph');
      assert.equal(r.Status, status, `${type} ${JSON.stringify(obj)}: ${String(r.Obj)}`);
      assert.match(String(r.Obj), text);
    }
    const other = { Namespace: 'Elsewhere', Type: 'Thing', UUID: 'u-1', Status: 0, Obj: null };
    p.send(other);
    const r = await p.replyTo(other);
    assert.equal(r.Status, 400);
    assert.equal(r.Namespace, 'Elsewhere');
    p.ws.send('{"Namespace":"Graph",');
    await p.waitFor((m) => m.Type === 'Error' && m.UUID === '');

    assert.equal(JSON.stringify([...g.nodes()].map((n) => [n.id, n.metadata, n.revision])), before);
    assert.equal(g.edgeCount, 0);
    assert.equal(p.ws.readyState, p.ws.OPEN);
    assert.equal((await p.sync({})).Status, 200);
  });

  it('ignores an EdgeDeleted for an unknown edge (its node may have taken it along)', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const p = await connect(`${h.base}/ws/publisher`);
    t.after(() => p.close());
    const del = p.sendGraph('EdgeDeleted', edgeJSON('nothing', 'a', 'b'));
    await p.sync({}); // replies come in order: an error for the deletion would be first
    assert.equal(
      p.received.some((m) => m.UUID === del.UUID),
      false,
    );
  });

  it('applies updates only with a newer revision, and node deletion takes the edges', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    const p = await connect(`${h.base}/ws/publisher`);
    t.after(() => p.close());
    const sub = await connect(`${h.base}/ws/subscriber`);
    t.after(() => sub.close());
    p.sendGraph('NodeAdded', nodeJSON('a', {}, { Revision: 5 }));
    p.sendGraph('NodeAdded', nodeJSON('b'));
    p.sendGraph('EdgeAdded', edgeJSON('ab', 'a', 'b'));
    p.sendGraph('NodeUpdated', nodeJSON('a', { MTU: 1 }, { Revision: 4 })); // stale
    p.sendGraph('NodePartiallyUpdated', {
      ID: 'a',
      Revision: 5,
      Ops: [{ Type: 1, Key: 'X', Value: 1 }],
    }); // stale
    await p.sync({});
    assert.equal(g.getNode('a')?.metadata['MTU'], undefined);
    assert.equal(g.getNode('a')?.metadata['X'], undefined);
    p.sendGraph('NodeUpdated', nodeJSON('a', { MTU: 1 }, { Revision: 6, UpdatedAt: 1234 }));
    p.sendGraph('NodePartiallyUpdated', {
      ID: 'a',
      Revision: 7,
      UpdatedAt: 1300,
      Ops: [{ Type: 1, Key: 'Stats.Rx', Value: 3 }],
    });
    p.sendGraph('EdgePartiallyUpdated', {
      ID: 'ab',
      Revision: 2,
      Ops: [{ Type: 1, Key: 'Weight', Value: 2 }],
    });
    await p.sync({});
    const a = g.getNode('a')!;
    assert.deepEqual(a.metadata, { Name: 'a', Type: 'device', MTU: 1, Stats: { Rx: 3 } });
    assert.equal(a.revision, 7);
    assert.equal(a.updatedAt, 1300);
    assert.equal(g.getEdge('ab')?.metadata['Weight'], 2);
    p.sendGraph('NodeDeleted', nodeJSON('a'));
    await sub.waitFor((m) => m.Type === 'NodeDeleted');
    assert.equal(g.getEdge('ab'), undefined);
    const tail = sub.received.slice(-2).map((m) => m.Type);
    assert.deepEqual(tail, ['EdgeDeleted', 'NodeDeleted']);
  });

  it('replaces its origin on Sync and answers a partial Sync with what it skipped', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    g.newNode({ Name: 'mine', Type: 'host' }, { id: 'analyzer-owned' });
    const p = await connect(`${h.base}/ws/publisher`, { hostID: 'p1' });
    t.after(() => p.close());
    p.sendGraph('NodeAdded', nodeJSON('old'));
    const sync = p.sendGraph('Sync', {
      Nodes: [
        nodeJSON('n1'),
        nodeJSON('n2'),
        { ID: 'bad', Metadata: {} },
        nodeJSON('analyzer-owned'),
      ],
      Edges: [edgeJSON('e', 'n1', 'n2'), edgeJSON('dangling', 'n1', 'nowhere')],
    });
    const r = await p.replyTo(sync);
    assert.equal(r.Status, 400);
    assert.match(String(r.Obj), /without 3 element\(s\).*Nodes\[2\]\.Metadata/);
    assert.match(String(r.Obj), /analyzer-owned/);
    assert.match(String(r.Obj), /dangling/);
    assert.equal(g.getNode('old'), undefined);
    assert.ok(g.getNode('n1') && g.getNode('n2') && g.getEdge('e'));
    assert.equal(g.getNode('analyzer-owned')?.origin, 'analyzer.hub1');
  });

  it('deletes what it published on disconnect only with DeleteOnDisconnect', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    const keep = await connect(`${h.base}/ws/publisher`, {
      hostID: 'keep',
      headers: { 'X-Persistence-Policy': 'Persistent' },
    });
    const drop = await connect(`${h.base}/ws/publisher`, {
      hostID: 'drop',
      headers: { 'X-Persistence-Policy': 'DeleteOnDisconnect' },
    });
    t.after(() => keep.close());
    t.after(() => drop.close());
    keep.sendGraph('NodeAdded', nodeJSON('k'));
    drop.sendGraph('NodeAdded', nodeJSON('d1'));
    drop.sendGraph('NodeAdded', nodeJSON('d2'));
    drop.sendGraph('EdgeAdded', edgeJSON('kd', 'k', 'd1'));
    await drop.sync({});
    await keep.sync({});
    await keep.close();
    await drop.close();
    await until(() => g.getNode('d1') === undefined, 'DeleteOnDisconnect cleanup');
    assert.equal(g.getNode('d2'), undefined);
    assert.equal(g.getEdge('kd'), undefined);
    assert.ok(g.getNode('k'));
  });
});

describe('#.pubsub', () => {
  it('does not echo a peer its own publications, filtered or not', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const a = await connect(`${h.base}/ws/pubsub`, { hostID: 'a' });
    t.after(() => a.close());
    const b = await connect(`${h.base}/ws/pubsub`, { hostID: 'b' });
    t.after(() => b.close());
    const filter = { 'X-Gremlin-Filter': "G.V().Has('Type', 'device').SubGraph()" };
    const fa = await connect(`${h.base}/ws/pubsub`, { hostID: 'fa', headers: filter });
    t.after(() => fa.close());
    const fb = await connect(`${h.base}/ws/pubsub`, { hostID: 'fb', headers: filter });
    t.after(() => fb.close());
    assert.ok(h.ctx.status.has('Publishers', 'a') && h.ctx.status.has('Subscribers', 'a'));

    a.sendGraph('NodeAdded', nodeJSON('from-a'));
    a.sendGraph('NodeDeleted', nodeJSON('from-a'));
    fa.sendGraph('NodeAdded', nodeJSON('from-fa'));
    await b.waitFor((m) => m.Type === 'NodeDeleted');
    await fb.waitFor((m) => m.Type === 'NodeAdded' && (m.Obj as NodeJSON).ID === 'from-fa');
    await a.sync({});
    await fa.sync({});
    const about = (c: { received: StructMessage[] }, id: string) =>
      c.received.filter((m) => m.Type.startsWith('Node') && (m.Obj as NodeJSON).ID === id).length;
    assert.equal(about(a, 'from-a'), 0);
    assert.equal(about(a, 'from-fa'), 1);
    assert.equal(about(b, 'from-a'), 2);
    assert.equal(about(fa, 'from-fa'), 0);
    assert.equal(about(fb, 'from-fa'), 1);
  });
});
