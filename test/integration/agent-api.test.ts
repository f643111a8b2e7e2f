// SPDX-License-Identifier: Apache-2.0
// The agent's own surface on agent.listen (skydive-compat §3.2, §3.5): /api, /api/status with its
// analyzers, clients and probes, /api/topology on the local graph, /ws/subscriber, /login and
// agent.auth.api.backend; probe names this build lacks, and ones nobody knows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SkydiveClient, subscribe, type NodeJSON } from '../../src/client/index.js';
import type { StructMessage } from '../../src/protocol/index.js';
import { fakeProbe, startTestAgent, settle, SUITE } from './agent-kit.js';
import { startTestAnalyzer, tempDir, writeHtpasswd } from './helpers.js';

type Status = {
  Clients: Record<string, { ServiceType: string }>;
  Analyzers: Record<string, { IsConnected: boolean; IsMaster: boolean; RemoteHost: string }>;
  TopologyProbes: Record<string, { State: string; Error?: string }>;
  FlowProbes: string[];
};

/** The next message of a stream that matches `pred`. */
async function next(
  events: AsyncIterable<StructMessage>,
  pred: (m: StructMessage) => boolean,
): Promise<StructMessage> {
  for await (const m of events) if (pred(m)) return m;
  throw new Error('stream ended');
}

describe('agent API', SUITE, () => {
  it('GET /api says agent, with the host_id', async (t) => {
    const agent = await startTestAgent(t, { hostId: 'node7' });
    const info = await new SkydiveClient({ analyzer: agent.address }).apiInfo();
    assert.equal(info.Host, 'node7');
    assert.equal(info.Service, 'agent');
  });

  it('GET /api/status shows the analyzers (master first connected), clients and probes', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = await startTestAgent(t, {
      analyzers: [an.address],
      overrides: { 'agent.topology.probes': ['ovsdb'] },
    });
    const client = new SkydiveClient({ analyzer: agent.address });
    const sub = await subscribe({ analyzer: agent.address, hostId: 'ui-1', clientType: 'webui' });
    t.after(() => sub.close());
    const st = await settle(async () => {
      const s = (await client.status()) as Status;
      assert.equal(s.Analyzers[an.address]?.IsConnected, true);
      return s;
    });
    assert.equal(st.Analyzers[an.address]?.IsMaster, true);
    assert.equal(st.Analyzers[an.address]?.RemoteHost, 'it-analyzer');
    assert.equal(st.Clients['ui-1']?.ServiceType, 'webui');
    assert.deepEqual(Object.keys(st.TopologyProbes).sort(), [
      'hardware',
      'netlink',
      'netns',
      'ovsdb',
    ]);
    assert.equal(st.TopologyProbes['ovsdb']?.State, 'unavailable');
    assert.equal(st.TopologyProbes['hardware']?.State, 'running');
    assert.deepEqual(st.FlowProbes, ['afpacket', 'pcap', 'pcapsocket', 'sflow'], 'capture types');
  });

  it('answers Gremlin queries on the local graph: GET and POST /api/topology', async (t) => {
    const probe = fakeProbe('hardware', async (ctx, signal) => {
      const eth = ctx.graph.newNode({ Name: 'eth0', Type: 'device', MTU: 1500 }, { id: 'eth0' });
      ctx.graph.newEdge(ctx.root.id, eth.id, { RelationType: 'ownership' });
      await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
    });
    const agent = await startTestAgent(t, {
      probes: [probe, fakeProbe('netlink'), fakeProbe('netns')],
    });
    const client = new SkydiveClient({ analyzer: agent.address });
    const names = await settle(async () => {
      const r = await client.query<string[]>("G.V().Has('Type', 'host').Out().Values('Name')");
      assert.deepEqual(r, ['eth0']);
      return r;
    });
    assert.deepEqual(names, ['eth0']);
    assert.equal(await client.query('G.V().Count()'), 2);
    const all = await client.topology();
    assert.equal(all.Nodes.length, 2);
    assert.equal(all.Edges.length, 1);
    await assert.rejects(client.query('G.V().Nope('), (err: Error & { status?: number }) => {
      assert.equal(err.status, 400);
      return true;
    });
  });

  it('serves /ws/subscriber: the local graph in the SyncReply, then live events', async (t) => {
    const agent = await startTestAgent(t);
    const sub = await subscribe({ analyzer: agent.address, hostId: 'cli-1' });
    t.after(() => sub.close());
    assert.deepEqual(
      sub.graph.Nodes.map((n: NodeJSON) => n.ID),
      [agent.context.root.id],
    );
    assert.equal(sub.client.handshake?.remoteServiceType, 'agent');
    agent.context.graph.newNode({ Name: 'eth0', Type: 'device' }, { id: 'eth0' });
    const added = await next(sub.events, (m) => m.Type === 'NodeAdded');
    assert.equal((added.Obj as NodeJSON).ID, 'eth0');
  });

  it('authenticates with agent.auth.api.backend: /login, 401 without credentials', async (t) => {
    const dir = tempDir(t);
    const agent = await startTestAgent(t, {
      overrides: {
        'auth.agentusers': { type: 'basic', file: writeHtpasswd(dir, { ops: 'pw' }) },
        'agent.auth.api.backend': 'agentusers',
      },
    });
    await assert.rejects(new SkydiveClient({ analyzer: agent.address }).status(), {
      status: 401,
    });
    const client = new SkydiveClient({ analyzer: agent.address, username: 'ops', password: 'pw' });
    const login = await client.login();
    assert.ok(login.Token);
    assert.ok((await client.status())['Analyzers']);
    await assert.rejects(subscribe({ analyzer: agent.address }), { status: 401 });
  });

  it('refuses at boot a probe name that nobody knows', async (t) => {
    await assert.rejects(
      startTestAgent(t, { overrides: { 'agent.topology.probes': ['netlnk'] } }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'SKY_ERR_UNKNOWN_PROBE');
        assert.match(err.message, /netlnk/);
        return true;
      },
    );
  });
});
