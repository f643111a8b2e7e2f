// SPDX-License-Identifier: Apache-2.0
// On-demand captures end to end on loopback: a real analyzer and a real agent; the capture's nodes
// get Start over /ws/agent/topology, the agent's Captures metadata reaches the analyzer, flows go
// over /ws/agent/flow to the flow server, /ws/subscriber/flow and Flows() see them; deleting the
// capture (or the node no longer matching) stops it. The backend here builds flows by hand: the
// packet path (sources and flow tables) is covered by the system test.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { BackendContext, CaptureBackend, CaptureSpec } from '../../src/agent/capture/index.js';
import { WsClient } from '../../src/client/index.js';
import { linkID, type Node } from '../../src/graph/index.js';
import type { Flow } from '../../src/protocol/flow.js';
import { FLOWS_PER_MESSAGE } from '../../src/agent/capture/index.js';
import { SUITE, settle, startTestAgent, type TestAgent } from './agent-kit.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;
let agent: TestAgent;
/** Captures the backend is running: `captureID/ifName`. */
const running = new Set<string>();
let sendFlows: (spec: CaptureSpec, n: number) => void = () => {};

/** A backend whose "capture" is a set of flows it sends at once. */
function handMadeBackend(ctx: BackendContext): CaptureBackend {
  sendFlows = (spec, n) => {
    const now = Date.now();
    const flows: Flow[] = [];
    for (let i = 0; i < n; i++)
      flows.push({
        UUID: `${spec.capture.UUID.slice(0, 8)}-${spec.ifName}-${i}`,
        LayersPath: 'Ethernet/IPv4/ICMPv4',
        Application: 'ICMPv4',
        Link: { Protocol: 'ETHERNET', A: 'aa:00:00:00:00:01', B: 'aa:00:00:00:00:02', ID: 0 },
        Network: { Protocol: 'IPV4', A: '10.0.0.1', B: `10.0.0.${i + 2}`, ID: 0 },
        ICMP: { Type: 'ECHO', ID: i },
        Metric: { ABPackets: 3, ABBytes: 294, BAPackets: 3, BABytes: 294, Start: now, Last: now },
        Start: now,
        Last: now,
        TrackingID: `t${i}`,
        ParentUUID: '',
        NodeTID: spec.nodeTID,
        CaptureID: spec.capture.UUID,
        RawPacketsCaptured: 0,
      });
    ctx.sender.send(flows);
  };
  return {
    types: ['afpacket', 'pcap'],
    async start(spec) {
      const key = `${spec.capture.UUID}/${spec.ifName}`;
      running.add(key);
      return {
        counters: () => ({ PacketsReceived: 6, PacketsDropped: 0, PacketsIfDropped: 0 }),
        stop: async () => void running.delete(key),
      };
    },
  };
}

function addInterface(name: string, mac: string): Node {
  const g = agent.context.graph;
  const n = g.newNode({ Name: name, Type: 'veth', TID: `tid-${name}`, MAC: mac });
  g.newEdge(
    agent.context.root.id,
    n.id,
    { RelationType: 'ownership' },
    {
      id: linkID(agent.context.root.id, n.id, 'ownership'),
    },
  );
  return n;
}

before(async () => {
  an = await startTestAnalyzer(teardown, { logs: 'silent' });
  agent = await startTestAgent(teardown, {
    analyzers: [an.address],
    captureBackend: handMadeBackend,
    // The WebSocket transport here; the system and pcapsocket tests use the default, UDP.
    overrides: { 'flow.protocol': 'websocket' },
  });
  addInterface('sktest-a', 'aa:00:00:00:00:01');
});

describe('on-demand captures', SUITE, () => {
  test('a capture starts on its node, reports active, carries flows, stops on delete', async () => {
    const client = an.client();
    const notes = new WsClient(
      an.ws({ path: '/ws/subscriber', namespaces: ['OnDemandCaptureNotification'] }),
    );
    const seen: string[] = [];
    notes.on('message', (m) => {
      if (m.Namespace === 'OnDemandCaptureNotification') seen.push(m.Type);
    });
    await notes.connect();
    teardown.after(() => notes.close());
    const capture = (await client.create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-a')",
    })) as { UUID: string };
    await settle(() => assert.ok(running.has(`${capture.UUID}/sktest-a`), 'started on the agent'));
    await settle(async () => {
      const c = (await client.get('capture', capture.UUID)) as { Count: number };
      assert.equal(c.Count, 1, 'Count decorated from the analyzer copy of Captures');
    });
    const node = [...an.context.graph.nodes()].find((n) => n.metadata.Name === 'sktest-a')!;
    const entry = (node.metadata.Captures as Record<string, unknown>[])[0]!;
    assert.equal(entry.ID, capture.UUID);
    assert.equal(entry.State, 'active');
    assert.equal(entry.Type, 'afpacket');
    await settle(() =>
      assert.equal(
        (node.metadata.Captures as { PacketsReceived: number }[])[0]!.PacketsReceived,
        6,
        'counters',
      ),
    );

    // Flows: subscriber stream and Flows().
    const sub = new WsClient(an.ws({ path: '/ws/subscriber/flow', namespaces: ['flow'] }));
    const got: unknown[] = [];
    sub.on('message', (m) => {
      if (m.Namespace === 'flow' && m.Type === 'store') got.push(...(m.Obj as unknown[]));
    });
    await sub.connect();
    teardown.after(() => sub.close());
    const spec = { capture: { UUID: capture.UUID }, ifName: 'sktest-a', nodeTID: 'tid-sktest-a' };
    sendFlows(spec as CaptureSpec, FLOWS_PER_MESSAGE + 3);
    await settle(() => assert.equal(got.length, FLOWS_PER_MESSAGE + 3, 'streamed'));
    const flows = (await client.query("G.V().Has('Name', 'sktest-a').Flows()")) as Flow[];
    assert.equal(flows.length, FLOWS_PER_MESSAGE + 3);
    assert.equal(await client.query("G.Flows().Has('Network', '10.0.0.3').Count()"), 1);
    assert.equal(await client.query("G.Flows().Has('IPV4.B', '10.0.0.3').Count()"), 1);
    assert.equal(
      await client.query("G.V().Has('Name', 'nope').Flows().Count()"),
      0,
      'no capture node, no flow',
    );
    const nodes = (await client.query('G.Flows().Limit(1).CaptureNode()')) as {
      Metadata: { Name: string };
    }[];
    assert.equal(nodes[0]!.Metadata.Name, 'sktest-a');
    const inNodes = (await client.query('G.Flows().Limit(1).In()')) as {
      Metadata: { Name: string };
    }[];
    assert.equal(inNodes[0]!.Metadata.Name, 'sktest-a', 'In() = node with MAC Link.A');
    assert.equal(
      await client.query("G.Flows().Sum('Metric.ABPackets')"),
      3 * (FLOWS_PER_MESSAGE + 3),
    );
    // Stored flows under a time context: those active within flow.expire before t.
    await settle(async () =>
      assert.equal(
        await client.query(
          `G.At(${Date.now() + 1000}).V().Has('Name', 'sktest-a').Flows().Count()`,
        ),
        FLOWS_PER_MESSAGE + 3,
        'stored flows at t',
      ),
    );
    // Filters go down to the store (and still run here): either side, alias, comparison, OR.
    const at = `G.At(${Date.now() + 1000}).Flows()`;
    assert.equal(await client.query(`${at}.Has('Network', '10.0.0.3').Count()`), 1);
    assert.equal(
      await client.query(`${at}.Has('IPV4.B', '10.0.0.4', 'ICMP.ID', GT(1)).Count()`),
      1,
    );
    assert.equal(await client.query(`${at}.HasEither('ICMP.ID', 1, 'ICMP.ID', 12).Count()`), 2);
    assert.equal(await client.query(`${at}.Has('Network.B', REGEX('10.0.0.1.')).Count()`), 5);
    const status = (await client.status()) as { Flows: { received: number } };
    assert.equal(status.Flows.received, FLOWS_PER_MESSAGE + 3);
    const anMetrics = await (await fetch(`http://${an.address}/metrics`)).text();
    assert.match(
      anMetrics,
      new RegExp(`skydive_flow_received_total\\{[^}]*\\} ${FLOWS_PER_MESSAGE + 3}\\n`),
    );
    assert.match(anMetrics, /skydive_flow_live\{[^}]*\} 13\n/);
    const agMetrics = await (await fetch(`http://${agent.address}/metrics`)).text();
    assert.match(
      agMetrics,
      new RegExp(
        `skydive_capture_packets_received\\{capture="${capture.UUID}",interface="sktest-a",type="afpacket"[^}]*\\} 6\\n`,
      ),
    );
    assert.match(agMetrics, /skydive_flow_sender_sent_total\{[^}]*\} 13\n/);

    await client.delete('capture', capture.UUID);
    await settle(() => assert.ok(!running.has(`${capture.UUID}/sktest-a`), 'stopped on the agent'));
    await settle(() => assert.equal(node.metadata.Captures, undefined, 'Captures entry removed'));
    assert.deepEqual(seen, ['Added', 'NodeUpdated', 'Deleted'], 'notifications');
  });

  test('a capture type the agent cannot run shows as an error on the node, cleared on delete', async () => {
    const client = an.client();
    const capture = (await client.create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-a')",
      Type: 'ebpf',
    })) as { UUID: string };
    const node = () => [...an.context.graph.nodes()].find((n) => n.metadata.Name === 'sktest-a')!;
    await settle(() => {
      const e = (node().metadata.Captures as { ID: string; State: string; Error: string }[])?.[0];
      assert.equal(e?.State, 'error', 'error state');
      assert.match(e.Error, /ebpf.*not available/);
    });
    assert.equal(((await client.get('capture', capture.UUID)) as { Count: number }).Count, 0);
    await client.delete('capture', capture.UUID);
    await settle(() => assert.equal(node().metadata.Captures, undefined, 'entry removed'));
  });

  test('a capture an agent still runs for a capture that no longer exists is stopped', async () => {
    const g = agent.context.graph;
    const orphan = {
      ID: '00000000-0000-4000-8000-00000000dead',
      State: 'active',
      PacketsReceived: 1,
      PacketsDropped: 0,
      PacketsIfDropped: 0,
    };
    const n = g.newNode({ Name: 'sktest-orphan', Type: 'veth', TID: 'tid-o', Captures: [orphan] });
    await settle(() => assert.equal(n.metadata.Captures, undefined, 'orphan entry removed'));
  });

  test('a capture created before its interface starts once the interface appears', async () => {
    const client = an.client();
    const capture = (await client.create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-late')",
      BPFFilter: 'icmp',
    })) as { UUID: string };
    assert.equal(running.size, 0);
    addInterface('sktest-late', 'aa:00:00:00:00:09');
    await settle(() => assert.ok(running.has(`${capture.UUID}/sktest-late`), 'started late'));
    // The node stops matching: the capture stops.
    const g = agent.context.graph;
    const late = [...g.nodes()].find((n) => n.metadata.Name === 'sktest-late')!;
    g.addMetadata(late, 'Name', 'sktest-renamed');
    await settle(() =>
      assert.ok(!running.has(`${capture.UUID}/sktest-late`), 'stopped when unmatched'),
    );
    await client.delete('capture', capture.UUID);
  });
});
