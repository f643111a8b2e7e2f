// SPDX-License-Identifier: Apache-2.0
// An agent-like client on /ws/agent/topology (protobuf envelopes, X-Persistence-Policy
// DeleteOnDisconnect): its Sync shows in the graph and in /api/status Agents, its incremental
// events apply, a new Sync replaces its subgraph, and closing the socket removes all of it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, subscribe, WsClient, type WsClientOptions } from '../../src/client/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  newStructMessage,
  type EdgeJSON,
  type GraphJSON,
  type NodeJSON,
  type StructMessage,
} from '../../src/protocol/index.js';
import { node as fx, SIMPLE_NODE_IDS, simpleGraph } from '../fixtures/topologies/simple.js';
import { closeLater, eventually, startTestAnalyzer, type TestAnalyzer } from './helpers.js';
import { Replica } from './replica.js';

const AGENT = 'agent-1';
const ORIGIN = `agent.${AGENT}`;

function agentNode(id: string, metadata: Record<string, unknown>, revision = 1): NodeJSON {
  return {
    ID: id,
    Metadata: metadata,
    Host: AGENT,
    Origin: ORIGIN,
    CreatedAt: 1_700_000_000_000,
    UpdatedAt: 1_700_000_000_000,
    DeletedAt: null,
    Revision: revision,
  };
}

function agentEdge(id: string, parent: string, child: string, relation: string): EdgeJSON {
  return { ...agentNode(id, { RelationType: relation }), Parent: parent, Child: child };
}

/** What agent-1 discovered: its host, two interfaces, and a link into the fixture's br0. */
function agentGraph(): GraphJSON {
  return {
    Nodes: [
      agentNode('a1-host', { Name: AGENT, Type: 'host' }),
      agentNode('a1-eth0', { Name: 'eth0', Type: 'device', MTU: 1500 }),
      agentNode('a1-eth1', { Name: 'eth1', Type: 'device', MTU: 1500 }),
    ],
    Edges: [
      agentEdge('a1-own-eth0', 'a1-host', 'a1-eth0', 'ownership'),
      agentEdge('a1-own-eth1', 'a1-host', 'a1-eth1', 'ownership'),
    ],
  };
}

function agentOptions(an: TestAnalyzer, over: WsClientOptions = {}): WsClientOptions {
  return an.ws({
    path: WsPath.AgentTopology,
    hostId: AGENT,
    clientType: 'agent',
    protocol: 'protobuf',
    persistencePolicy: 'DeleteOnDisconnect',
    ...over,
  });
}

/** Sends graph messages from the agent and waits until the analyzer has applied them. */
async function send(agent: WsClient, ...msgs: StructMessage[]): Promise<void> {
  await agent.publish(msgs);
  await agent.request(newStructMessage(Namespace.Graph, T.SyncRequest, {}));
}

const graphMsg = (type: string, obj: unknown) => newStructMessage(Namespace.Graph, type, obj);

async function startWithFixture(t: { after(fn: () => unknown): void }) {
  const an = await startTestAnalyzer(t);
  const g = simpleGraph();
  const pub = new WsClient(an.ws({ path: WsPath.Publisher, hostId: 'it-import' }));
  await pub.connect();
  await send(
    pub,
    ...(g.Nodes ?? []).map((n) => graphMsg(T.NodeAdded, n)),
    ...(g.Edges ?? []).map((e) => graphMsg(T.EdgeAdded, e)),
  );
  await pub.close();
  return an;
}

describe('/ws/agent/topology', () => {
  test('an agent syncs, updates, re-syncs and disappears on disconnect', async (t) => {
    const an = await startWithFixture(t);
    const rest = an.client();
    const sub = closeLater(t, await subscribe(an.ws({ hostId: 'it-watcher' })));
    const seen = new Replica(sub.graph);
    void (async () => {
      for await (const m of sub.events) seen.apply(m);
    })();

    const agent = closeLater(t, new WsClient(agentOptions(an)));
    const info = await agent.connect();
    assert.deepEqual(info, { remoteHost: 'it-analyzer', remoteServiceType: 'analyzer' });
    const errors: StructMessage[] = [];
    agent.on('message', (m: StructMessage) => void (m.Status >= 400 && errors.push(m)));

    // Sync: the whole graph of the agent, plus a link to a node the analyzer already had
    const g = agentGraph();
    g.Edges?.push(agentEdge('a1-link-br0', fx.br0, 'a1-eth1', 'layer2'));
    await send(agent, graphMsg(T.Sync, g));
    const status = await rest.status();
    const agents = status['Agents'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(agents), [AGENT]);
    assert.equal(agents[AGENT]?.['ClientProtocol'], 'protobuf');
    assert.equal(agents[AGENT]?.['IsConnected'], true);
    const mine = await rest.nodes(`G.V().Has('@Origin', '${ORIGIN}')`);
    assert.deepEqual(mine.map((n) => n.ID).sort(), ['a1-eth0', 'a1-eth1', 'a1-host']);
    assert.ok(mine.every((n) => n.Host === AGENT));
    assert.deepEqual(
      await rest.query<string[]>(
        "G.V().Has('Name', 'br0').Out().Has('Name', 'eth1').Values('@Host')",
      ),
      [AGENT],
    );

    // incremental events, as an agent streams them
    await send(
      agent,
      graphMsg(T.NodeAdded, agentNode('a1-eth2', { Name: 'eth2', Type: 'device', MTU: 1500 })),
      graphMsg(T.EdgeAdded, agentEdge('a1-own-eth2', 'a1-host', 'a1-eth2', 'ownership')),
      graphMsg(T.NodePartiallyUpdated, {
        ID: 'a1-eth0',
        UpdatedAt: 1_700_000_001_000,
        Revision: 2,
        Ops: [
          { Type: 1, Key: 'MTU', Value: 9000 },
          { Type: 1, Key: 'Features.tso', Value: true },
        ],
      }),
      // an older revision is ignored
      graphMsg(T.NodePartiallyUpdated, {
        ID: 'a1-eth0',
        UpdatedAt: 1_700_000_000_500,
        Revision: 1,
        Ops: [{ Type: 1, Key: 'MTU', Value: 1 }],
      }),
      graphMsg(T.NodeDeleted, agentNode('a1-eth1', { Name: 'eth1', Type: 'device' })),
    );
    const [eth0] = await rest.nodes("G.V('a1-eth0')");
    assert.deepEqual(eth0?.Metadata, {
      Name: 'eth0',
      Type: 'device',
      MTU: 9000,
      Features: { tso: true },
    });
    assert.equal(eth0?.Revision, 2);
    assert.equal(await rest.query<number>("G.V().Has('@Host', 'agent-1').Count()"), 3);
    assert.equal(await rest.query<number>("G.E().Has('RelationType', 'layer2').Count()"), 4);

    // a new Sync replaces the agent's subgraph (eth2 and its edge go, eth3 comes)
    const again = agentGraph();
    again.Nodes = [
      again.Nodes?.[0] as NodeJSON,
      agentNode('a1-eth3', { Name: 'eth3', Type: 'device' }),
    ];
    again.Edges = [agentEdge('a1-own-eth3', 'a1-host', 'a1-eth3', 'ownership')];
    await send(agent, graphMsg(T.Sync, again));
    assert.deepEqual(
      (await rest.nodes(`G.V().Has('@Origin', '${ORIGIN}')`)).map((n) => n.ID).sort(),
      ['a1-eth3', 'a1-host'],
    );
    assert.deepEqual(errors, []);
    await eventually(() => assert.ok(seen.nodes.has('a1-eth3')));

    // the socket goes: its subgraph goes, the rest stays
    await agent.close();
    await eventually(async () =>
      assert.equal(await rest.query<number>(`G.V().Has('@Origin', '${ORIGIN}').Count()`), 0),
    );
    assert.deepEqual((await rest.status())['Agents'], {});
    const left = await rest.topology();
    assert.deepEqual(left.Nodes?.map((n) => n.ID).sort(), SIMPLE_NODE_IDS);
    assert.equal(left.Edges?.length, 12);
    // the watcher saw it all happen, event by event
    await eventually(() =>
      assert.deepEqual(
        seen.shape().nodes.map(([id]) => id),
        SIMPLE_NODE_IDS,
      ),
    );
    assert.deepEqual(seen.violations, []);
    assert.ok((seen.counts.get(T.NodeDeleted) ?? 0) >= 2);
  });

  test('a second connection with the same host ID is refused with 409', async (t) => {
    const an = await startTestAnalyzer(t);
    const first = closeLater(t, new WsClient(agentOptions(an)));
    await first.connect();
    const second = closeLater(t, new WsClient(agentOptions(an)));
    await assert.rejects(second.connect(), (err: unknown) => {
      assert.ok(err instanceof ApiError, String(err));
      assert.equal(err.status, 409);
      return true;
    });
    await send(first, graphMsg(T.Sync, agentGraph()));
    assert.equal(await an.client().query<number>("G.V().Has('@Host', 'agent-1').Count()"), 3);
  });

  test('without DeleteOnDisconnect the subgraph outlives the socket', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = closeLater(
      t,
      new WsClient(agentOptions(an, { persistencePolicy: 'Persistent' })),
    );
    await agent.connect();
    await send(agent, graphMsg(T.Sync, agentGraph()));
    await agent.close();
    await eventually(async () => assert.deepEqual((await an.client().status())['Agents'], {}));
    assert.equal(await an.client().query<number>("G.V().Has('@Host', 'agent-1').Count()"), 3);
  });

  test('DeleteOnDisconnect applies to a /ws/publisher peer too, with its forced origin', async (t) => {
    const an = await startWithFixture(t);
    const pub = closeLater(
      t,
      new WsClient(
        an.ws({
          path: WsPath.Publisher,
          hostId: 'it-volatile',
          persistencePolicy: 'DeleteOnDisconnect',
        }),
      ),
    );
    await pub.connect();
    // the publisher claims an agent's origin: the analyzer forces its own (cli.it-volatile)
    await send(pub, graphMsg(T.NodeAdded, agentNode('volatile', { Name: 'v', Type: 'device' })));
    const [n] = await an.client().nodes("G.V('volatile')");
    assert.equal(n?.Origin, 'cli.it-volatile');
    await pub.close();
    await eventually(async () =>
      // G.V('<id>') of a missing node is an error, as in Skydive: look it up by name
      assert.equal(await an.client().query<number>("G.V().Has('Name', 'v').Count()"), 0),
    );
    assert.equal(await an.client().query<number>('G.V().Count()'), 9);
  });
});
