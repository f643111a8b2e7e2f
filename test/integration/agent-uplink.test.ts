// SPDX-License-Identifier: Apache-2.0
// The agent's uplink against the real analyzer in process: Sync on connect, incremental updates
// (partial ops applied with the agent's revisions), analyzer restart → reconnect and full resync,
// agent close → its subgraph leaves, queue overflow and divergence → counted resyncs, the master
// among several analyzers, cluster credentials and TLS.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidV5 } from '../../src/graph/index.js';
import { nodesOf, localIDs, remoteIDs, startTestAgent, settle, SUITE } from './agent-kit.js';
import { startTestAnalyzer } from './helpers.js';

const ORIGIN = 'agent.it-agent';

describe('agent uplink', SUITE, () => {
  it('sends a full Sync on connect: the host node and what probes wrote before', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = await startTestAgent(t, { analyzers: [an.address] });
    await settle(() => assert.deepEqual(remoteIDs(an.context, ORIGIN), localIDs(agent)));
    const host = an.context.graph.getNode(agent.context.root.id)!;
    assert.equal(host.metadata['Type'], 'host');
    assert.equal(host.metadata['Name'], 'it-agent');
    assert.equal(host.metadata['TID'], uuidV5('it-agent'));
    assert.equal(host.metadata['Hostname'], 'it-machine');
    assert.equal(host.host, 'it-agent');
    assert.equal(agent.uplink.totals.syncs, 1);
    const status = await an.client().status();
    assert.ok((status as { Agents: Record<string, unknown> }).Agents['it-agent']);
  });

  it('streams additions, partial updates and deletions; the analyzer ends equal', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = await startTestAgent(t, { analyzers: [an.address] });
    await settle(() => assert.equal(agent.uplink.totals.syncs, 1));
    const g = agent.context.graph;
    const root = agent.context.root;
    const eth = g.newNode({ Name: 'eth0', Type: 'device', MTU: 1500 }, { id: 'eth0' });
    g.newEdge(root.id, eth.id, { RelationType: 'ownership' }, { id: 'own-eth0' });
    const tmp = g.newNode({ Name: 'tmp', Type: 'device' }, { id: 'tmp' });
    await settle(() => assert.ok(an.context.graph.getEdge('own-eth0'), 'edge on the analyzer'));

    g.addMetadata(eth, 'MTU', 9000);
    g.addMetadata(eth, 'IPV4', ['10.0.0.1/24']);
    g.delMetadata(eth, 'MTU');
    g.addMetadata(g.getEdge('own-eth0')!, 'Weight', 3);
    g.delNode(tmp.id);
    await settle(() => {
      const copy = an.context.graph.getNode('eth0')!;
      assert.deepEqual(copy.metadata, eth.metadata);
      assert.equal(copy.revision, eth.revision);
      assert.equal(an.context.graph.getNode('tmp'), undefined);
      assert.equal(an.context.graph.getEdge('own-eth0')?.metadata['Weight'], 3);
    });
    assert.deepEqual(remoteIDs(an.context, ORIGIN), localIDs(agent));
    assert.equal(agent.uplink.totals.syncs, 1, 'no resync was needed');
  });

  it('reconnects after the analyzer restarts and resyncs the whole graph', async (t) => {
    const first = await startTestAnalyzer(t, { logs: 'silent' });
    const agent = await startTestAgent(t, { analyzers: [first.address] });
    agent.context.graph.newNode({ Name: 'eth0', Type: 'device' }, { id: 'eth0' });
    await settle(() => assert.ok(first.context.graph.getNode('eth0'), 'eth0 on the analyzer'));
    await first.close();
    // Changed while no analyzer listens: must reach the next one through the Sync.
    agent.context.graph.newNode({ Name: 'eth1', Type: 'device' }, { id: 'eth1' });
    const second = await startTestAnalyzer(t, {
      logs: 'silent',
      overrides: { 'analyzer.listen': first.address },
    });
    await settle(() => assert.deepEqual(remoteIDs(second.context, ORIGIN), localIDs(agent)));
    assert.equal(agent.uplink.totals.syncs, 2);
    assert.equal(agent.uplink.totals.resyncs, 0);
    const st = agent.uplink.status()[first.address]!;
    assert.equal(st.IsConnected, true);
    assert.equal(st.IsMaster, true);
    assert.equal(st.RemoteHost, 'it-analyzer');
    assert.ok(st.ConnectAttempts >= 2);
  });

  it('leaves the analyzer with its subgraph when it closes', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = await startTestAgent(t, { analyzers: [an.address] });
    agent.context.graph.newNode({ Name: 'eth0', Type: 'device' }, { id: 'eth0' });
    await settle(() => assert.equal(nodesOf(an.context, ORIGIN).size, 2));
    await agent.close();
    await settle(() => assert.equal(nodesOf(an.context, ORIGIN).size, 0));
    const status = (await an.client().status()) as { Agents: Record<string, unknown> };
    assert.equal(status.Agents['it-agent'], undefined);
  });

  it('drops an overflowing queue for a full Sync, and counts it', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = await startTestAgent(t, { analyzers: [an.address], uplink: { maxQueue: 5 } });
    await settle(() => assert.equal(agent.uplink.totals.syncs, 1));
    const g = agent.context.graph;
    for (let i = 0; i < 20; i++) g.newNode({ Name: `veth${i}`, Type: 'veth' }, { id: `v${i}` });
    await settle(() => assert.deepEqual(remoteIDs(an.context, ORIGIN), localIDs(agent)));
    const totals = agent.uplink.totals;
    assert.equal(totals.resyncs, 1);
    assert.equal(totals.syncs, 2);
    assert.equal(totals.dropped, 6);
    const st = agent.uplink.status()[an.address]!;
    assert.equal(st.Resyncs, 1);
    assert.equal(st.Dropped, 6);
    assert.equal(st.QueueDepth, 0);
    // Incremental updates resume after the resync.
    g.addMetadata(g.getNode('v3')!, 'MTU', 1400);
    await settle(() => assert.equal(an.context.graph.getNode('v3')?.metadata['MTU'], 1400));
    assert.equal(agent.uplink.totals.syncs, 2);
  });

  it('resyncs when the analyzer lacks an element it is told to update', async (t) => {
    const an = await startTestAnalyzer(t, { logs: 'silent' });
    const agent = await startTestAgent(t, { analyzers: [an.address] });
    const eth = agent.context.graph.newNode({ Name: 'eth0', Type: 'device' }, { id: 'eth0' });
    await settle(() => assert.ok(an.context.graph.getNode('eth0'), 'eth0 on the analyzer'));
    an.context.graph.delNode('eth0'); // the copies diverge
    agent.context.graph.addMetadata(eth, 'MTU', 1500);
    await settle(() => assert.equal(an.context.graph.getNode('eth0')?.metadata['MTU'], 1500));
    assert.equal(agent.uplink.totals.resyncs, 1);
  });

  it('sends the topology to the first connected analyzer only, and to the next when it goes', async (t) => {
    const a = await startTestAnalyzer(t, { hostId: 'an-a', logs: 'silent' });
    const b = await startTestAnalyzer(t, { hostId: 'an-b', logs: 'silent' });
    const agent = await startTestAgent(t, { analyzers: [a.address, b.address] });
    await settle(() => {
      const st = agent.uplink.status();
      assert.equal(st[a.address]?.IsConnected && st[b.address]?.IsConnected, true);
    });
    const master = agent.uplink.masterAddress;
    const [m, other] = master === a.address ? [a, b] : [b, a];
    assert.equal(nodesOf(m.context, ORIGIN).size, 1);
    assert.equal(nodesOf(other.context, ORIGIN).size, 0);
    const st = agent.uplink.status();
    assert.equal(st[m.address]?.IsMaster, true);
    assert.equal(st[other.address]?.IsMaster, false);

    await m.close();
    await settle(() => assert.equal(agent.uplink.masterAddress, other.address));
    agent.context.graph.newNode({ Name: 'eth0', Type: 'device' }, { id: 'eth0' });
    await settle(() => assert.deepEqual(remoteIDs(other.context, ORIGIN), localIDs(agent)));
    assert.equal(agent.uplink.status()[other.address]?.Syncs, 1);
  });

  it('authenticates with the cluster credentials, and keeps retrying with wrong ones', async (t) => {
    const an = await startTestAnalyzer(t, {
      logs: 'silent',
      overrides: {
        'auth.cluster': { type: 'basic', users: { agent: 'secret' } },
        'analyzer.auth.cluster.backend': 'cluster',
      },
    });
    const good = await startTestAgent(t, {
      hostId: 'good',
      analyzers: [an.address],
      overrides: {
        'agent.auth.cluster.username': 'agent',
        'agent.auth.cluster.password': 'secret',
      },
    });
    const bad = await startTestAgent(t, {
      hostId: 'bad',
      analyzers: [an.address],
      overrides: { 'agent.auth.cluster.username': 'agent', 'agent.auth.cluster.password': 'no' },
    });
    await settle(() => assert.equal(nodesOf(an.context, 'agent.good').size, 1));
    await settle(() => {
      const st = bad.uplink.status()[an.address]!;
      assert.ok(st.ConnectAttempts >= 2, 'retried');
      assert.match(st.LastError ?? '', /401/);
      assert.equal(st.IsConnected, false);
    });
    assert.equal(nodesOf(an.context, 'agent.bad').size, 0);
    assert.equal(good.uplink.totals.syncs, 1);
  });

  it('dials wss:// when the analyzers serve TLS', async (t) => {
    const an = await startTestAnalyzer(t, { tls: true });
    const agent = await startTestAgent(t, {
      analyzers: [an.address],
      overrides: { 'tls.ca_cert': an.certificate!.ca },
    });
    await settle(() => assert.deepEqual(remoteIDs(an.context, ORIGIN), localIDs(agent)));
  });
});
