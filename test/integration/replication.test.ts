// SPDX-License-Identifier: Apache-2.0
// Replication between analyzers on real sockets (skydive-compat §2.10): both ways, a full mesh of
// three without loops, a lost peer's subgraph removed and back after it returns, the own address
// in `analyzers` ignored, an agent of one analyzer seen by a subscriber of another, bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaptureBackend } from '../../src/agent/capture/index.js';
import { subscribe, WsClient } from '../../src/client/index.js';
import type { Graph } from '../../src/graph/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  newStructMessage,
  type NodeJSON,
  type StructMessage,
} from '../../src/protocol/index.js';
import { settle, startTestAgent, SUITE } from './agent-kit.js';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { closeLater, makeCertificate, tempDir, writeHtpasswd } from './helpers.js';
import { rawPeer } from './raw-peer.js';
import { startMesh, type PeerAnalyzer } from './replication-kit.js';

function named(g: Graph, name: string) {
  for (const n of g.nodes()) if (n.metadata['Name'] === name) return n;
  return undefined;
}

/** Waits until every analyzer keeps exactly the connections dialed by the lower host ID. */
async function linked(mesh: PeerAnalyzer[]): Promise<void> {
  await settle(async () => {
    for (const a of mesh) {
      const want = mesh.filter((b) => b !== a);
      const st = (await a.client().status()) as {
        Peers: { Incomers: Record<string, unknown>; Outgoers: Record<string, unknown> };
      };
      const out = want.filter((b) => a.hostID < b.hostID).map((b) => b.hostID);
      const inc = want.filter((b) => a.hostID > b.hostID).map((b) => b.hostID);
      assert.deepEqual(Object.keys(st.Peers.Outgoers).sort(), out, `${a.hostID} outgoers`);
      assert.deepEqual(Object.keys(st.Peers.Incomers).sort(), inc, `${a.hostID} incomers`);
    }
  });
}

describe('replication between analyzers', SUITE, () => {
  it('replicates both ways, updates and deletions included', async (t) => {
    const [a, b] = await startMesh(t, ['an-a', 'an-b']);
    await linked([a!, b!]);
    const ga = a!.handle.context.graph;
    const gb = b!.handle.context.graph;
    const na = ga.newNode({ Name: 'from-a', Type: 'device' });
    const nb = gb.newNode({ Name: 'from-b', Type: 'device' });
    await settle(() => {
      assert.ok(named(gb, 'from-a'), 'B has A node');
      assert.ok(named(ga, 'from-b'), 'A has B node');
    });
    // the copy keeps the owner's Origin
    assert.equal(named(gb, 'from-a')?.origin, 'analyzer.an-a');
    ga.addMetadata(na, 'MTU', 9000);
    gb.newEdge(nb.id, na.id, { RelationType: 'layer2' });
    await settle(() => {
      assert.equal(named(gb, 'from-a')?.metadata['MTU'], 9000, 'update reached B');
      assert.equal(ga.edgeCount, 1, 'edge reached A');
    });
    ga.delNode(na.id);
    await settle(() => {
      assert.equal(named(gb, 'from-a'), undefined, 'deletion reached B');
      assert.equal(gb.edgeCount, 0, 'edge went with it');
    });
    // what came from A is not in B's history: only B's own node was recorded there
    const hb = b!.handle.context.historyService!;
    await hb.writer.flush();
    const past = await hb.store.snapshot(Date.now());
    assert.ok(past.getNode(nb.id), "B's own node recorded");
    assert.equal(past.getNode(na.id), undefined, "A's node not recorded by B");
  });

  it('a mesh of three sends each change once to each peer and never relays it', async (t) => {
    const mesh = await startMesh(t, ['an-a', 'an-b', 'an-c']);
    await linked(mesh);
    const [a, b, c] = mesh as [PeerAnalyzer, PeerAnalyzer, PeerAnalyzer];
    const before = mesh.map((x) => x.replication.stats());
    const ga = a.handle.context.graph;
    const n = ga.newNode({ Name: 'loop-check', Type: 'device' });
    ga.addMetadata(n, 'MTU', 1400);
    ga.delNode(n.id);
    await settle(() => {
      for (const x of [b, c]) {
        const s = x.replication.stats();
        const i = mesh.indexOf(x);
        assert.equal(s.received - before[i]!.received, 3, `${x.hostID} got the three events`);
      }
    });
    // give a relay, if there were one, the time to show: a Sync round trip between B and C
    b.handle.context.graph.newNode({ Name: 'marker', Type: 'device' });
    await settle(() => {
      assert.ok(named(c.handle.context.graph, 'marker'), 'marker at C');
      assert.ok(named(ga, 'marker'), 'marker at A');
    });
    const after = mesh.map((x) => x.replication.stats());
    const sent = after.map((s, i) => s.sent - before[i]!.sent);
    const received = after.map((s, i) => s.received - before[i]!.received);
    assert.deepEqual(sent, [6, 2, 0], 'A: 3 events × 2 peers; B: its marker × 2; C: nothing');
    assert.deepEqual(received, [1, 3, 4], 'A: marker; B: 3 events; C: 3 events + marker');
    assert.equal(named(b.handle.context.graph, 'loop-check'), undefined);
    assert.equal(named(c.handle.context.graph, 'loop-check'), undefined);
  });

  it("removes a lost peer's subgraph and takes it back when the peer returns", async (t) => {
    const [a, b] = await startMesh(t, ['an-a', 'an-b']);
    await linked([a!, b!]);
    b!.handle.context.graph.newNode({ Name: 'b-owned', Type: 'device' });
    const ga = a!.handle.context.graph;
    await settle(() => assert.ok(named(ga, 'b-owned'), 'A has it'));
    await b!.stop();
    await settle(() => {
      assert.equal(named(ga, 'b-owned'), undefined, 'gone with B');
      assert.equal(a!.replication.stats().peers, 0, 'no peer left');
    });
    await b!.restart();
    b!.handle.context.graph.newNode({ Name: 'b-owned', Type: 'device' });
    await settle(() => assert.ok(named(ga, 'b-owned'), 'back with B'));
    await linked([a!, b!]);
  });

  it('sends a Sync larger than the message limit in parts', async (t) => {
    const [a, b] = await startMesh(t, ['an-a', 'an-b'], {
      overrides: () => ({ 'analyzer.max_body_size': 20_000 }),
    });
    await linked([a!, b!]);
    const gb = b!.handle.context.graph;
    for (let i = 0; i < 300; i++)
      gb.newNode({ Name: `big-${i}`, Type: 'device', Padding: 'x'.repeat(200) });
    const count = (g: Graph) =>
      [...g.nodes()].filter(
        (n) => n.metadata['Name'] !== undefined && String(n.metadata['Name']).startsWith('big-'),
      ).length;
    await settle(() => assert.equal(count(a!.handle.context.graph), 300, 'events reached A'));
    await a!.restart();
    await settle(() => assert.equal(count(a!.handle.context.graph), 300, 'the Sync reached A'));
    assert.ok(b!.logs.find('replication: Sync sent in parts').length >= 1, 'in parts');
    assert.equal(b!.replication.stats().dropped, 0);
  });

  it('ignores its own address in analyzers', async (t) => {
    const [a] = await startMesh(t, ['an-solo']);
    await settle(() =>
      assert.equal(a!.logs.find('replication: this address is me, ignored').length, 1, 'seen'),
    );
    const st = (await a!.client().status()) as { Peers: unknown };
    assert.deepEqual(st.Peers, { Incomers: {}, Outgoers: {} });
    assert.equal(a!.replication.stats().peers, 0);
    a!.handle.context.graph.newNode({ Name: 'alone', Type: 'device' });
    assert.equal(a!.replication.stats().sent, 0, 'nothing sent to itself');
  });

  it('gives up on a peer that never answers the handshake, and dials it again', async (t) => {
    // accepts TCP connections and never writes: a hung analyzer, or something else on the port
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    t.after(() => {
      for (const s of sockets) s.destroy();
      silent.close();
    });
    const hung = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const [a] = await startMesh(t, ['an-hung'], {
      analyzers: (_all, self) => [self, hung],
      tuning: { handshakeTimeoutMs: 300 },
    });
    await settle(() => {
      const gaveUp = a!.logs
        .find('replication peer not linked; dialing again', { address: hung })
        .filter((l) => String(l['err']).includes('no answer to the WebSocket handshake'));
      assert.ok(gaveUp.length >= 1, 'the dial timed out');
      assert.ok(sockets.length >= 2, 'and was made again');
    });
    const st = (await a!.client().status()) as { Peers: unknown };
    assert.deepEqual(st.Peers, { Incomers: {}, Outgoers: {} });
  });

  it('shows an agent of A to a subscriber and a query of B', async (t) => {
    const [a, b] = await startMesh(t, ['an-a', 'an-b']);
    await linked([a!, b!]);
    const sub = closeLater(t, await subscribe({ analyzer: b!.address, hostId: 'it-sub' }));
    const agent = await startTestAgent(t, { hostId: 'it-agent-r', analyzers: [a!.address] });
    const events: StructMessage[] = [];
    void (async () => {
      for await (const m of sub.events) events.push(m);
    })();
    const added = (name: string) =>
      events.some((m) => m.Type === T.NodeAdded && (m.Obj as NodeJSON).Metadata['Name'] === name);
    await settle(() => assert.ok(added('it-agent-r'), 'host node of the agent at B subscriber'));
    const eth = agent.context.graph.newNode({ Name: 'eth-r', Type: 'device' });
    await settle(() => assert.ok(added('eth-r'), 'new agent node at B subscriber'));
    agent.context.graph.addMetadata(eth, 'MTU', 1280);
    await settle(() => {
      assert.ok(
        events.some(
          (m) => m.Type === T.NodeUpdated && (m.Obj as NodeJSON).Metadata['MTU'] === 1280,
        ),
        'update at B subscriber',
      );
    });
    const nodes = await b!.client().nodes("G.V().Has('Name', 'eth-r')");
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0]!.Host, 'it-agent-r');
    assert.equal(nodes[0]!.Origin, 'agent.it-agent-r');
    agent.context.graph.delNode(eth.id);
    await settle(() =>
      assert.ok(
        events.some((m) => m.Type === T.NodeDeleted && (m.Obj as NodeJSON).ID === eth.id),
        'deletion at B subscriber',
      ),
    );
    await agent.close();
    await settle(async () =>
      assert.equal(
        (await b!.client().nodes("G.V().Has('Host', 'it-agent-r')")).length,
        0,
        "agent's nodes gone from B",
      ),
    );
  });

  it('links over TLS with cluster credentials, and not with a wrong password', async (t) => {
    const dir = tempDir(t, 'sktest-repl-tls-');
    const cert = await makeCertificate(dir);
    const htpasswd = writeHtpasswd(dir, { peer: 'secret' });
    const mesh = await startMesh(t, ['an-a', 'an-b', 'an-c'], {
      // C dials A and B; A and B do not dial C
      analyzers: (all, self) => (self === all[2] ? all : all.slice(0, 2)),
      overrides: (host) => ({
        'tls.server_cert': cert.cert,
        'tls.server_key': cert.key,
        'tls.ca_cert': cert.ca,
        'auth.it-cluster': { type: 'basic', file: htpasswd },
        'analyzer.auth.cluster.backend': 'it-cluster',
        'analyzer.auth.cluster.username': 'peer',
        'analyzer.auth.cluster.password': host === 'an-c' ? 'wrong' : 'secret',
      }),
      client: { tls: { ca: readFileSync(cert.ca) } },
    });
    const [a, b, c] = mesh as [PeerAnalyzer, PeerAnalyzer, PeerAnalyzer];
    await linked([a, b]);
    a.handle.context.graph.newNode({ Name: 'over-tls', Type: 'device' });
    await settle(() => assert.ok(named(b.handle.context.graph, 'over-tls'), 'replicated'));
    await settle(() =>
      assert.ok(
        c.logs
          .find('replication peer not linked; dialing again')
          .some((l) => String(l['err']).includes('HTTP 401')),
        'C refused with 401',
      ),
    );
    assert.equal(c.replication.stats().peers, 0);
    assert.equal(named(c.handle.context.graph, 'over-tls'), undefined);
  });

  it('an agent connected to both keeps its graph on B when its master A goes', async (t) => {
    const [a, b] = await startMesh(t, ['an-a', 'an-b']);
    await linked([a!, b!]);
    // connected to both, A first: A is its master and the only one it sends its graph to
    const agent = await startTestAgent(t, {
      hostId: 'it-agent-m',
      analyzers: [a!.address, b!.address],
    });
    const gb = b!.handle.context.graph;
    agent.context.graph.newNode({ Name: 'eth-m', Type: 'device' });
    await settle(() => {
      assert.ok(named(a!.handle.context.graph, 'eth-m'), 'at A, its master');
      assert.ok(named(gb, 'eth-m'), 'at B, by replication');
    });
    assert.equal(b!.replication.isReplicated(named(gb, 'eth-m')!), true);
    await a!.stop();
    // B drops what A gave it, the agent elects B and syncs: its graph is B's own now
    await settle(() => {
      const n = named(gb, 'eth-m');
      assert.ok(n, 'at B after failover');
      assert.equal(b!.replication.isReplicated(n), false, 'owned by B now');
    });
    agent.context.graph.newNode({ Name: 'eth-m2', Type: 'device' });
    await settle(() => assert.ok(named(gb, 'eth-m2'), 'new node at B'));
  });

  it('captures start from the analyzer holding the agent; the other sees their state', async (t) => {
    const [a, b] = await startMesh(t, ['an-a', 'an-b']);
    await linked([a!, b!]);
    const running = new Set<string>();
    const backend: CaptureBackend = {
      types: ['afpacket', 'pcap'],
      async start(spec) {
        running.add(spec.capture.UUID);
        return {
          counters: () => ({ PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 }),
          stop: async () => void running.delete(spec.capture.UUID),
        };
      },
    };
    const agent = await startTestAgent(t, {
      hostId: 'it-agent-c',
      analyzers: [a!.address],
      captureBackend: () => backend,
    });
    agent.context.graph.newNode({ Name: 'sktest-cap', Type: 'veth', TID: 'tid-sktest-cap' });
    await settle(() => assert.ok(named(b!.handle.context.graph, 'sktest-cap'), 'node at B'));
    // B holds no connection of this agent: a capture made there starts nothing
    const onB = (await b!.client().create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-cap')",
    })) as { UUID: string };
    const onA = (await a!.client().create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-cap')",
    })) as { UUID: string };
    await settle(() => assert.ok(running.has(onA.UUID), 'started by A'));
    await settle(() => {
      const caps = named(b!.handle.context.graph, 'sktest-cap')?.metadata['Captures'] as
        | { ID: string; State: string }[]
        | undefined;
      assert.deepEqual(
        caps?.map((c) => [c.ID, c.State]),
        [[onA.UUID, 'active']],
        "B sees the capture's state",
      );
    });
    assert.equal(running.has(onB.UUID), false);
    await a!.client().delete('capture', onA.UUID);
    await settle(() => assert.equal(running.size, 0, 'stopped by A'));
  });

  it('answers bad input on /ws/replication with an error and keeps serving', async (t) => {
    const [a] = await startMesh(t, ['an-a'], { analyzers: () => [] });
    const url = `ws://${a!.address}${WsPath.Replication}`;
    const raw = await rawPeer(url, { 'X-Host-ID': 'bad-peer', 'X-Client-Type': 'analyzer' });
    t.after(() => raw.ws.terminate());
    await raw.send('{not json');
    const e1 = await raw.next((m) => m['Type'] === 'Error');
    assert.equal(e1['Status'], 400);
    await raw.send(JSON.stringify(newStructMessage(Namespace.Graph, 'Frobnicate', {}, 'u1')));
    const e2 = await raw.next((m) => m['UUID'] === 'u1');
    assert.equal(e2['Status'], 400);
    assert.match(String(e2['Obj']), /unknown message type 'Frobnicate'/);
    await raw.send(JSON.stringify(newStructMessage(Namespace.Graph, T.NodeAdded, 42, 'u2')));
    const e3 = await raw.next((m) => m['UUID'] === 'u2');
    assert.equal(e3['Status'], 400);
    // still serving, on this connection and to others
    await raw.send(
      JSON.stringify(
        newStructMessage(Namespace.Graph, T.NodeAdded, {
          ID: 'peer-node-1',
          Metadata: { Name: 'from-raw', Type: 'device' },
          Origin: 'analyzer.bad-peer',
        }),
      ),
    );
    await settle(() => assert.ok(named(a!.handle.context.graph, 'from-raw'), 'applied'));
    // the undecodable frame is answered (and logged) by the connection itself
    assert.equal(a!.replication.stats().dropped, 2, 'refused messages counted as dropped');
    const metrics = await fetch(`http://${a!.address}/metrics`).then((r) => r.text());
    assert.match(metrics, /skydive_replication_messages_total\{outcome="dropped"[^}]*\} 2\n/);
    const other = closeLater(
      t,
      new WsClient({ analyzer: a!.address, path: WsPath.Subscriber, hostId: 'it-sub2' }),
    );
    await other.connect();
    // the raw peer's subgraph goes with it
    raw.ws.close();
    await settle(() =>
      assert.equal(named(a!.handle.context.graph, 'from-raw'), undefined, 'removed on close'),
    );
  });
});
