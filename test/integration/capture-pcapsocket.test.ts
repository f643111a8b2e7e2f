// SPDX-License-Identifier: Apache-2.0
// A pcapsocket capture end to end with the agent's real backend (no root needed): the capture
// starts on a node, its Captures entry shows the PCAPSocket address, a pcap trace streamed to that
// socket becomes the flows `skydive flows` makes of it, bound to the node and stored.
import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { before, describe, test } from 'node:test';
import { pipeline } from 'node:stream/promises';
import { linkID } from '../../src/graph/index.js';
import { SUITE, settle, startTestAgent, type TestAgent } from './agent-kit.js';
import { parseOut, skydive } from './cli-runner.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const TRACE = new URL(
  '../fixtures/pcaptraces/eth-ip4-arp-dns-req-http-google.pcap',
  import.meta.url,
).pathname;
const teardown = suiteTeardown();
let an: TestAnalyzer;
let agent: TestAgent;

describe('pcapsocket capture', { ...SUITE, skip: !existsSync(TRACE) && 'no pcaptraces' }, () => {
  before(async () => {
    an = await startTestAnalyzer(teardown, { logs: 'silent' });
    agent = await startTestAgent(teardown, {
      analyzers: [an.address],
      overrides: {
        'flow.update': 1,
        'agent.flow.pcapsocket.min_port': 0,
        'agent.flow.pcapsocket.max_port': 0,
      },
    });
    const g = agent.context.graph;
    const n = g.newNode({ Name: 'sktest-ps', Type: 'veth', TID: 'tid-ps' });
    g.newEdge(
      agent.context.root.id,
      n.id,
      { RelationType: 'ownership' },
      {
        id: linkID(agent.context.root.id, n.id, 'ownership'),
      },
    );
  });

  test('a trace streamed to the PCAPSocket gives the offline flows on the node', async () => {
    const client = an.client();
    const capture = (await client.create('capture', {
      GremlinQuery: "G.V().Has('Name', 'sktest-ps')",
      Type: 'pcapsocket',
    })) as { UUID: string };
    const socket = await settle(() => {
      const node = [...an.context.graph.nodes()].find((x) => x.metadata.Name === 'sktest-ps');
      const e = (node?.metadata.Captures as { State?: string; PCAPSocket?: string }[])?.[0];
      assert.equal(e?.State, 'active', 'active');
      assert.match(e?.PCAPSocket ?? '', /^127\.0\.0\.1:\d+$/, 'PCAPSocket shown');
      return e!.PCAPSocket!;
    });
    const [host, port] = [socket.split(':')[0]!, Number(socket.split(':')[1])];
    const sock = connect(port, host);
    await pipeline(createReadStream(TRACE), sock);

    const offline = parseOut<{ TrackingID: string }[]>(await skydive(['flows', TRACE]));
    const expected = offline.map((f) => f.TrackingID).sort();
    // Every flow is sent and stored (not live: the trace's packets are years old).
    const store = an.context.stores!.flows;
    await settle(async () => {
      const stored = await store.search();
      assert.deepEqual(stored.map((f) => f.TrackingID).sort(), expected, 'stored = offline flows');
      assert.ok(stored.every((f) => f.NodeTID === 'tid-ps' && f.CaptureID === capture.UUID));
    });
    await client.delete('capture', capture.UUID);
  });
});
