// SPDX-License-Identifier: Apache-2.0
// `/ws/subscriber` (§2.8): SyncReply, live events, update policies, SyncRequest rules, and
// Gremlin-filtered subscribers receiving exactly the difference of their subgraph.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import { MemoryView } from '../../gremlin/index.js';
import type { EdgeJSON, NodeJSON, StructMessage } from '../../protocol/index.js';
import { connect, startHub, until, type TestClient } from './ws-test-kit.js';

type GraphBody = { Nodes: NodeJSON[]; Edges: EdgeJSON[] };
const ids = (l: { ID: string }[]) => l.map((x) => x.ID).sort();
const objID = (m: StructMessage) => (m.Obj as { ID: string }).ID;

describe('#.subscriber', () => {
  it('answers SyncRequest with the live graph and streams events from connection on', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    g.newNode({ Name: 'a', Type: 'host' }, { id: 'a' });
    const c = await connect(`${h.base}/ws/subscriber`, { clientType: 'webui' });
    t.after(() => c.close());
    const reply = await c.sync({});
    assert.equal(reply.Status, 200);
    assert.deepEqual(ids((reply.Obj as GraphBody).Nodes), ['a']);

    g.newNode({ Name: 'b', Type: 'device' }, { id: 'b' });
    g.newEdge('a', 'b', { RelationType: 'ownership' }, { id: 'ab' });
    g.addMetadata(g.getNode('b')!, 'MTU', 1500);
    g.delNode('b');
    await c.waitFor((m) => m.Type === 'NodeDeleted');
    const seen = c.received.filter((m) => m.Namespace === 'Graph' && m.Type !== 'SyncReply');
    assert.deepEqual(
      seen.map((m) => `${m.Type} ${objID(m)}`),
      ['NodeAdded b', 'EdgeAdded ab', 'NodeUpdated b', 'EdgeDeleted ab', 'NodeDeleted b'],
    );
    const updated = seen[2]!.Obj as NodeJSON;
    assert.equal(updated.Metadata['MTU'], 1500);
    assert.equal(updated.Revision, 2);
    assert.notEqual((seen[4]!.Obj as NodeJSON).DeletedAt, null);
  });

  it('sends partial updates with their ops under X-Update-Policy: partial', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    const n = g.newNode({ Name: 'a', Type: 'device', Old: 1 }, { id: 'a' });
    const c = await connect(`${h.base}/ws/subscriber`, {
      headers: { 'X-Update-Policy': 'partial' },
    });
    t.after(() => c.close());
    const full = await connect(`${h.base}/ws/subscriber`);
    t.after(() => full.close());
    g.updateMetadata(n, [
      { Type: 1, Key: 'Stats.Rx', Value: 10 },
      { Type: 2, Key: 'Old' },
    ]);
    g.setMetadata(n, { ...n.metadata }); // no change: no event at all
    g.addMetadata(n, 'MTU', 9000);
    const first = await c.waitFor((m) => m.Type === 'NodePartiallyUpdated');
    const body = first.Obj as { ID: string; UpdatedAt: number; Revision: number; Ops: unknown };
    assert.deepEqual(Object.keys(body), ['ID', 'UpdatedAt', 'Revision', 'Ops']);
    assert.equal(body.ID, 'a');
    assert.equal(typeof body.UpdatedAt, 'number');
    assert.equal(body.Revision, 2);
    assert.deepEqual(body.Ops, [
      { Type: 1, Key: 'Stats.Rx', Value: 10 },
      { Type: 2, Key: 'Old' },
    ]);
    const second = await c.waitFor((m) => m.Type === 'NodePartiallyUpdated' && m !== first);
    assert.deepEqual((second.Obj as { Ops: unknown }).Ops, [{ Type: 1, Key: 'MTU', Value: 9000 }]);
    assert.equal((second.Obj as { Revision: number }).Revision, 3);
    // Subscribers of the default policy get full nodes for the same changes.
    await until(() => full.received.filter((m) => m.Type === 'NodeUpdated').length === 2);
    assert.equal(
      full.received.some((m) => m.Type === 'NodePartiallyUpdated'),
      false,
    );
  });

  it('refuses a SyncRequest at a time without history, and malformed ones, with 400', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/subscriber`);
    t.after(() => c.close());
    const timed = await c.sync({ Time: 1700000000000 });
    assert.equal(timed.Type, 'SyncReply');
    assert.equal(timed.Status, 400);
    assert.equal(timed.Obj, 'Backend does not support history');
    // Time is honoured even with a filter (Skydive ignores it unless GremlinFilter is "").
    const timedFiltered = await c.sync({ Time: 1700000000000, GremlinFilter: 'G.V().SubGraph()' });
    assert.equal(timedFiltered.Status, 400);
    const bad = await c.sync({ Time: 'yesterday' });
    assert.equal(bad.Status, 400);
    assert.match(String(bad.Obj), /Time/);
    assert.equal((await c.sync(null)).Status, 200);
  });

  it('answers a SyncRequest at a time from the history provider, filtered', async (t) => {
    const past = new Graph();
    past.newNode({ Name: 'old-host', Type: 'host' }, { id: 'oh' });
    past.newNode({ Name: 'old-if', Type: 'device' }, { id: 'oi' });
    const asked: number[] = [];
    const h = await startHub({
      attach: {
        history: {
          at: (time) => {
            asked.push(time);
            return new MemoryView(past.nodes(), past.edges(), time);
          },
        },
      },
    });
    t.after(() => h.close());
    h.ctx.graph.newNode({ Name: 'new-host', Type: 'host' }, { id: 'nh' });
    const c = await connect(`${h.base}/ws/subscriber`);
    t.after(() => c.close());
    const all = await c.sync({ Time: 1000 });
    assert.deepEqual(ids((all.Obj as GraphBody).Nodes), ['oh', 'oi']);
    const hosts = await c.sync({
      Time: 2000,
      GremlinFilter: "G.V().Has('Type', 'host').SubGraph()",
    });
    assert.deepEqual(ids((hosts.Obj as GraphBody).Nodes), ['oh']);
    assert.deepEqual(asked, [1000, 2000]);
    // The live subscription is untouched by a request at a time.
    assert.deepEqual(ids(((await c.sync({})).Obj as GraphBody).Nodes), ['nh']);
  });

  it('refuses messages other than SyncRequest', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const c = await connect(`${h.base}/ws/subscriber`);
    t.after(() => c.close());
    const r = await c.replyTo(
      c.sendGraph('NodeAdded', { ID: 'x', Metadata: { Name: 'x', Type: 'device' } }),
    );
    assert.equal(r.Type, 'Error');
    assert.equal(r.Status, 400);
    assert.equal(h.ctx.graph.getNode('x'), undefined);
  });
});

describe('#.subscriber filters', () => {
  it('sets, keeps and resets a filter per SyncRequest; refuses a bad one and keeps the old', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    g.newNode({ Name: 'h', Type: 'host' }, { id: 'h' });
    g.newNode({ Name: 'eth0', Type: 'device' }, { id: 'e' });
    g.newEdge('h', 'e', { RelationType: 'ownership' }, { id: 'he' });
    const c = await connect(`${h.base}/ws/subscriber`);
    t.after(() => c.close());

    const hosts = await c.sync({ GremlinFilter: "G.V().Has('Type', 'host').SubGraph()" });
    assert.deepEqual(ids((hosts.Obj as GraphBody).Nodes), ['h']);
    assert.deepEqual((hosts.Obj as GraphBody).Edges, []);

    const kept = await c.sync({});
    assert.deepEqual(ids((kept.Obj as GraphBody).Nodes), ['h']);

    const syntax = await c.sync({ GremlinFilter: "G.V().Has('Type'" });
    assert.equal(syntax.Status, 400);
    const notGraph = await c.sync({ GremlinFilter: 'G.V().Count()' });
    assert.equal(notGraph.Status, 400);
    assert.match(String(notGraph.Obj), /did not return a graph/);
    assert.deepEqual(ids(((await c.sync({})).Obj as GraphBody).Nodes), ['h']);

    const reset = await c.sync({ GremlinFilter: '' });
    assert.deepEqual(ids((reset.Obj as GraphBody).Nodes), ['e', 'h']);
    assert.deepEqual(ids((reset.Obj as GraphBody).Edges), ['he']);
  });

  it('sends the subgraph difference and updates of kept elements only', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    const c = await connect(`${h.base}/ws/subscriber`, {
      headers: { 'X-Gremlin-Filter': "G.V().Has('Zone', 'red').SubGraph()" },
    });
    t.after(() => c.close());
    const start = await c.sync({});
    assert.deepEqual((start.Obj as GraphBody).Nodes, []);

    const a = g.newNode({ Name: 'a', Type: 'device', Zone: 'red' }, { id: 'a' });
    const b = g.newNode({ Name: 'b', Type: 'device', Zone: 'blue' }, { id: 'b' });
    await c.waitFor((m) => m.Type === 'NodeAdded');
    g.newEdge('a', 'b', { RelationType: 'layer2' }, { id: 'ab' });
    g.addMetadata(b, 'MTU', 1); // outside: nothing
    g.addMetadata(b, 'Zone', 'red'); // enters: b then the edge
    await c.waitFor((m) => m.Type === 'EdgeAdded');
    g.addMetadata(a, 'MTU', 1500); // kept: an update
    await c.waitFor((m) => m.Type === 'NodeUpdated');
    g.addMetadata(a, 'Zone', 'blue'); // leaves: the edge, then a
    await c.waitFor((m) => m.Type === 'NodeDeleted');
    const seen = c.received
      .filter((m) => m.Type !== 'SyncReply')
      .map((m) => `${m.Type} ${objID(m)}`);
    assert.deepEqual(seen, [
      'NodeAdded a',
      'NodeAdded b',
      'EdgeAdded ab',
      'NodeUpdated a',
      'EdgeDeleted ab',
      'NodeDeleted a',
    ]);
  });

  it('gives 50 subscribers with different filters exactly their own subgraph', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    const GROUPS = 10;
    const filterOf = (i: number) =>
      i % 5 === 4
        ? `G.V().Has('Group', ${i % GROUPS}).Both().SubGraph()`
        : `G.V().Has('Group', Within(${i % GROUPS}, ${(i + 3) % GROUPS})).SubGraph()`;
    const clients: TestClient[] = [];
    for (let i = 0; i < 50; i++) {
      const c = await connect(`${h.base}/ws/subscriber`, {
        hostID: `s${i}`,
        headers: {
          'X-Gremlin-Filter': filterOf(i),
          ...(i % 2 ? { 'X-Update-Policy': 'partial' } : {}),
        },
      });
      t.after(() => c.close());
      clients.push(c);
    }
    // A deterministic pseudo-random workload: adds, moves between groups, updates, edges, deletes.
    let seed = 42;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const live: string[] = [];
    for (let step = 0; step < 600; step++) {
      const op = rnd(10);
      if (op < 3 || live.length < 5) {
        const id = `n${step}`;
        g.newNode({ Name: id, Type: 'device', Group: rnd(GROUPS) }, { id });
        live.push(id);
      } else if (op < 5) {
        g.addMetadata(g.getNode(live[rnd(live.length)]!)!, 'Group', rnd(GROUPS));
      } else if (op < 7) {
        g.addMetadata(g.getNode(live[rnd(live.length)]!)!, 'Counter', step);
      } else if (op < 9) {
        const p = live[rnd(live.length)]!;
        const ch = live[rnd(live.length)]!;
        if (p !== ch && g.getEdge(`${p}-${ch}`) === undefined)
          g.newEdge(p, ch, { RelationType: 'layer2' }, { id: `${p}-${ch}` });
      } else {
        const id = live.splice(rnd(live.length), 1)[0]!;
        g.delNode(id);
      }
      if (step % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    // Each client rebuilds its subgraph from the messages alone and must land on the filter result.
    for (let i = 0; i < clients.length; i++) {
      const c = clients[i]!;
      const res = await h.ctx.gremlin.execute(filterOf(i), g);
      assert.equal(res.kind, 'graph');
      const view = (
        res as {
          view: {
            nodes(): Iterable<{ id: string; metadata: unknown }>;
            edges(): Iterable<{ id: string }>;
          };
        }
      ).view;
      const wantNodes = new Map([...view.nodes()].map((n) => [n.id, JSON.stringify(n.metadata)]));
      const wantEdges = [...view.edges()].map((e) => e.id).sort();
      await until(() => {
        const m = replay(c.received);
        return (
          m.nodes.size === wantNodes.size &&
          [...wantNodes].every(([id, md]) => JSON.stringify(m.nodes.get(id)) === md) &&
          JSON.stringify([...m.edges].sort()) === JSON.stringify(wantEdges)
        );
      }, `subscriber ${i} to converge`);
    }
  });
});

/** Applies Graph messages to an empty model, failing on any message that does not fit the model. */
function replay(msgs: StructMessage[]): {
  nodes: Map<string, Record<string, unknown>>;
  edges: Set<string>;
} {
  const nodes = new Map<string, Record<string, unknown>>();
  const edges = new Set<string>();
  for (const m of msgs) {
    const o = m.Obj as {
      ID: string;
      Metadata: Record<string, unknown>;
      Ops: { Type: number; Key: string; Value?: unknown }[];
    };
    switch (m.Type) {
      case 'NodeAdded':
        assert.ok(!nodes.has(o.ID), `NodeAdded ${o.ID} twice`);
        nodes.set(o.ID, structuredClone(o.Metadata));
        break;
      case 'NodeUpdated':
        assert.ok(nodes.has(o.ID), `NodeUpdated ${o.ID} not in the subgraph`);
        nodes.set(o.ID, structuredClone(o.Metadata));
        break;
      case 'NodePartiallyUpdated': {
        const md = nodes.get(o.ID);
        assert.ok(md, `NodePartiallyUpdated ${o.ID} not in the subgraph`);
        assert.ok(o.Ops.length > 0, 'partial update without ops');
        for (const op of o.Ops)
          if (op.Type === 1) md[op.Key] = op.Value;
          else delete md[op.Key];
        break;
      }
      case 'NodeDeleted':
        assert.ok(nodes.delete(o.ID), `NodeDeleted ${o.ID} not in the subgraph`);
        break;
      case 'EdgeAdded':
        assert.ok(!edges.has(o.ID), `EdgeAdded ${o.ID} twice`);
        edges.add(o.ID);
        break;
      case 'EdgeDeleted':
        assert.ok(edges.delete(o.ID), `EdgeDeleted ${o.ID} not in the subgraph`);
        break;
    }
  }
  return { nodes, edges };
}
