// SPDX-License-Identifier: Apache-2.0
// An sflow capture end to end with the agent's real backend (no root needed): the capture listens
// on its Port, shows SFlowSocket, turns sampled packets (datagrams made by the sFlow encoder) into
// flows bound to the node, applies its BPF filter to the samples, and writes counter samples to the
// node's SFlow metadata.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { before, describe, test } from 'node:test';
import { encodeDatagram } from '../../src/flow/sflow/encoder.js';
import { linkID } from '../../src/graph/index.js';
import { SUITE, settle, startTestAgent, type TestAgent } from './agent-kit.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;
let agent: TestAgent;

/** An Ethernet/IPv4 frame of protocol `proto` (1 ICMP, 17 UDP) from 10.9.0.1 to 10.9.0.2. */
function frame(proto: number): Uint8Array {
  const f = new Uint8Array(60);
  f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  f.set([0x45, 0, 0, 46, 0, 0, 0, 0, 64, proto, 0, 0, 10, 9, 0, 1, 10, 9, 0, 2], 14);
  if (proto === 1) f.set([8, 0, 0, 0, 0, 7, 0, 1], 34);
  else f.set([0x13, 0x88, 0, 53, 0, 26, 0, 0], 34);
  return f;
}

before(async () => {
  an = await startTestAnalyzer(teardown, { logs: 'silent' });
  agent = await startTestAgent(teardown, {
    analyzers: [an.address],
    // Any free port: other tests may hold the default sFlow range.
    overrides: { 'agent.flow.sflow.port_min': 0, 'agent.flow.sflow.port_max': 0 },
  });
  const g = agent.context.graph;
  const n = g.newNode({ Name: 'sktest-sf', Type: 'veth', TID: 'tid-sf' });
  g.newEdge(
    agent.context.root.id,
    n.id,
    { RelationType: 'ownership' },
    {
      id: linkID(agent.context.root.id, n.id, 'ownership'),
    },
  );
});

describe('sflow capture', SUITE, () => {
  test('samples become flows on the node, filtered by BPF; counters land in SFlow', async () => {
    const client = an.client();
    const capture = (await client.create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-sf')",
      Type: 'sflow',
      BPFFilter: 'icmp',
      Port: 0,
    })) as { UUID: string };
    const address = await settle(() => {
      const node = [...an.context.graph.nodes()].find((x) => x.metadata.Name === 'sktest-sf');
      const e = (node?.metadata.Captures as { State?: string; SFlowSocket?: string }[])?.[0];
      assert.equal(e?.State, 'active', 'active');
      assert.match(e?.SFlowSocket ?? '', /^127\.0\.0\.1:\d+$/, 'SFlowSocket shown');
      return e!.SFlowSocket!;
    });
    const datagram = encodeDatagram({
      agent: '127.0.0.1',
      samples: [
        {
          samplingRate: 1,
          packets: [{ header: frame(1) }, { header: frame(17) }, { header: frame(1) }],
        },
        {
          sourceIndex: 3,
          generic: { ifIndex: 3, ifInOctets: 1000, ifOutOctets: 2000 } as never,
        },
      ],
    });
    const sock = dgram.createSocket('udp4');
    const [host, port] = [address.split(':')[0]!, Number(address.split(':')[1])];
    await new Promise<void>((r, j) => sock.send(datagram, port, host, (e) => (e ? j(e) : r())));
    sock.close();

    await settle(async () => {
      const flows = (await client.query("G.V().Has('Name', 'sktest-sf').Flows()")) as {
        Application: string;
        CaptureID: string;
        Metric: { ABPackets: number };
      }[];
      assert.deepEqual(
        flows.map((f) => f.Application),
        ['ICMPv4'],
        'the UDP sample is filtered out',
      );
      assert.equal(flows[0]!.CaptureID, capture.UUID);
      assert.equal(flows[0]!.Metric.ABPackets, 2);
    });
    await settle(() => {
      const node = [...an.context.graph.nodes()].find((x) => x.metadata.Name === 'sktest-sf')!;
      const sflow = node.metadata.SFlow as { IfMetrics?: Record<string, unknown> } | undefined;
      assert.ok(sflow?.IfMetrics?.['3'], `SFlow counters on the node: ${JSON.stringify(sflow)}`);
    });
    await client.delete('capture', capture.UUID);
  });
});
