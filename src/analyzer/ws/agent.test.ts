// SPDX-License-Identifier: Apache-2.0
// `/ws/agent/topology` (§2.7): protobuf agents, Sync replacing their origin without churning
// unchanged elements, incremental partial updates, DeleteOnDisconnect, and requests to agents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newStructMessage, type NodeJSON } from '../../protocol/index.js';
import { connect, edgeJSON, nodeJSON, startHub, until, type TestHub } from './ws-test-kit.js';

const agentSpec = (hostID: string) => ({
  hostID,
  clientType: 'agent',
  protocol: 'protobuf' as const,
  headers: { 'X-Persistence-Policy': 'DeleteOnDisconnect' },
});

const mine = (h: TestHub, origin: string) =>
  [...h.ctx.graph.nodes()]
    .filter((n) => n.origin === origin)
    .map((n) => n.id)
    .sort();

describe('#.agent', () => {
  it('replaces its origin on Sync, emitting only what changed', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const sub = await connect(`${h.base}/ws/subscriber`);
    t.after(() => sub.close());
    const ag = await connect(`${h.base}/ws/agent/topology`, agentSpec('node1'));
    t.after(() => ag.close());
    const o = { Origin: 'agent.node1', Host: 'node1' };
    ag.sendGraph('Sync', {
      Nodes: [
        nodeJSON('host', { Type: 'host' }, o),
        nodeJSON('eth0', {}, o),
        nodeJSON('eth1', {}, o),
      ],
      Edges: [edgeJSON('h-e0', 'host', 'eth0'), edgeJSON('h-e1', 'host', 'eth1')],
    });
    await until(() => mine(h, 'agent.node1').length === 3, 'first sync');
    assert.ok(h.ctx.status.has('Agents', 'node1'));
    const st = h.ctx.status.snapshot('Agents')['node1']!;
    assert.equal(st.ServiceType, 'agent');
    assert.equal(st.ClientProtocol, 'protobuf');
    assert.equal(st.QueueDepth, 0);
    assert.equal(st.Dropped, 0);
    await sub.waitFor((m) => m.Type === 'EdgeAdded' && (m.Obj as NodeJSON).ID === 'h-e1');
    const mark = sub.received.length;

    // Reconnection sync: eth0 unchanged, eth1 gone, eth2 new, host changed.
    ag.sendGraph('Sync', {
      Nodes: [
        nodeJSON('host', { Type: 'host', CPU: 4 }, { ...o, Revision: 2 }),
        nodeJSON('eth0', {}, o),
        nodeJSON('eth2', {}, o),
      ],
      Edges: [edgeJSON('h-e0', 'host', 'eth0'), edgeJSON('h-e2', 'host', 'eth2')],
    });
    await sub.waitFor((m) => m.Type === 'EdgeAdded' && (m.Obj as NodeJSON).ID === 'h-e2');
    const seen = sub.received.slice(mark).map((m) => `${m.Type} ${(m.Obj as NodeJSON).ID}`);
    assert.deepEqual(seen, [
      'EdgeDeleted h-e1',
      'NodeDeleted eth1',
      'NodeUpdated host',
      'NodeAdded eth2',
      'EdgeAdded h-e2',
    ]);
    assert.deepEqual(mine(h, 'agent.node1'), ['eth0', 'eth2', 'host']);
    assert.equal(h.ctx.graph.getNode('host')?.revision, 2);
  });

  it('applies incremental events, partial updates included, then cleans up on disconnect', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const g = h.ctx.graph;
    g.newNode({ Name: 'other', Type: 'host' }, { id: 'other', origin: 'agent.node2' });
    const ag = await connect(`${h.base}/ws/agent/topology`, agentSpec('node1'));
    t.after(() => ag.close());
    const o = { Origin: 'agent.node1', Host: 'node1' };
    ag.sendGraph('Sync', { Nodes: [nodeJSON('host', { Type: 'host' }, o)], Edges: null });
    ag.sendGraph('NodeAdded', nodeJSON('eth0', {}, o));
    ag.sendGraph('EdgeAdded', { ...edgeJSON('h-e0', 'host', 'eth0'), ...o });
    ag.sendGraph('NodePartiallyUpdated', {
      ID: 'eth0',
      Revision: 2,
      UpdatedAt: 1700000000000,
      Ops: [{ Type: 1, Key: 'Metric.RxBytes', Value: 42 }],
    });
    // An agent forwarding a no-op change (§10): empty Ops are accepted, nothing changes.
    ag.sendGraph('NodePartiallyUpdated', { ID: 'eth0', Revision: 3, Ops: null });
    await ag.sync({});
    const eth0 = g.getNode('eth0')!;
    assert.deepEqual(eth0.metadata['Metric'], { RxBytes: 42 });
    assert.equal(eth0.origin, 'agent.node1');
    assert.equal(eth0.revision, 3);
    assert.equal(g.getEdge('h-e0')?.parent, 'host');

    await ag.close();
    await until(() => mine(h, 'agent.node1').length === 0, 'cleanup of agent.node1');
    assert.equal(g.edgeCount, 0);
    assert.ok(g.getNode('other'));
    await until(() => !h.ctx.status.has('Agents', 'node1'));
  });

  it('keeps the origin of an agent that never announced DeleteOnDisconnect', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const ag = await connect(`${h.base}/ws/agent/topology`, { ...agentSpec('node3'), headers: {} });
    t.after(() => ag.close());
    ag.sendGraph('NodeAdded', nodeJSON('n', {}, { Origin: 'agent.node3' }));
    await ag.sync({});
    await ag.close();
    await until(() => !h.ctx.status.has('Agents', 'node3'));
    assert.ok(h.ctx.graph.getNode('n'));
  });

  it('carries requests to an agent and routes its other namespaces to handlers', async (t) => {
    const h = await startHub();
    t.after(() => h.close());
    const got: string[] = [];
    h.hub.onAgentMessage('OnDemandCaptureNotification', (_c, m) => got.push(m.Type));
    const ag = await connect(`${h.base}/ws/agent/topology`, agentSpec('node1'));
    t.after(() => ag.close());
    ag.ws.on('message', () => {
      const last = ag.received[ag.received.length - 1]!;
      if (last.Type === 'Start')
        ag.send({
          ...last,
          Type: 'StartReply',
          Status: 200,
          Obj: { NodeID: 'n', Resource: { ID: 'c' } },
        });
    });
    await until(() => h.hub.agent('node1') !== undefined);
    const conn = h.hub.agent('node1')!;
    const reply = await conn.request(
      newStructMessage('OnDemandCapture', 'Start', { NodeID: 'n', Resource: { ID: 'c' } }),
    );
    assert.equal(reply.Type, 'StartReply');
    assert.equal(reply.Status, 200);
    ag.send(newStructMessage('OnDemandCaptureNotification', 'Added', {}));
    await until(() => got.length === 1);
    assert.deepEqual(got, ['Added']);
    await assert.rejects(conn.request(newStructMessage('OnDemandCapture', 'Stop', {}), 20), {
      code: 'SKY_ERR_WS_TIMEOUT',
    });
  });
});
