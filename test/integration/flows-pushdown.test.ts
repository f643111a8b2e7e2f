// SPDX-License-Identifier: Apache-2.0
// Live Flows() pushes its filter down to the agents (§2.12): a real analyzer and two real agents on
// loopback, agent 1 capturing on two interfaces and agent 2 on one. A query for one node's flows
// makes only that node's agent answer, with only that node's flows; Has() terms travel too. What
// crossed the wire is read from each agent's table-query counters, not only from the answer.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type {
  BackendContext,
  CaptureBackend,
  TableQueryStats,
} from '../../src/agent/capture/index.js';
import { linkID } from '../../src/graph/index.js';
import type { Flow } from '../../src/protocol/flow.js';
import { SUITE, connectSilentAgent, settle, startTestAgent, type TestAgent } from './agent-kit.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;
let agent1: TestAgent;
let agent2: TestAgent;
/** Table flows per interface: sktest-pa 30, sktest-pb 50, sktest-pc 20. */
const SIZES: Record<string, number> = {
  'sktest-pa': 30,
  'sktest-pb': 50,
  'sktest-pc': 20,
  'sktest-big': 2000,
};
const running = new Set<string>();

/** A backend whose capture "table" is a fixed set of flows for its interface. */
function tableBackend(_ctx: BackendContext): CaptureBackend {
  return {
    types: ['afpacket'],
    async start(spec) {
      const n = SIZES[spec.ifName] ?? 0;
      const flows: Flow[] = Array.from({ length: n }, (_, i) => ({
        UUID: `${spec.ifName}-${i}`,
        LayersPath: 'Ethernet/IPv4/ICMPv4',
        Application: 'ICMPv4',
        Link: { Protocol: 'ETHERNET', A: 'aa:00:00:00:00:01', B: 'aa:00:00:00:00:02', ID: 0 },
        Network: { Protocol: 'IPV4', A: '10.0.0.1', B: `10.0.0.${i + 2}`, ID: 0 },
        ICMP: { Type: 'ECHO', ID: i + 1 },
        Metric: { ABPackets: 1, ABBytes: 98, BAPackets: 1, BABytes: 98, Start: 1, Last: 2 },
        Start: Date.now(),
        Last: Date.now(),
        ParentUUID: '',
        NodeTID: spec.nodeTID,
        CaptureID: spec.capture.UUID,
        RawPacketsCaptured: 0,
      }));
      running.add(spec.ifName);
      return {
        counters: () => ({ PacketsReceived: n, PacketsDropped: 0, PacketsIfDropped: 0 }),
        flows: () => flows,
        stop: async () => void running.delete(spec.ifName),
      };
    },
  };
}

function addInterface(agent: TestAgent, name: string): void {
  const g = agent.context.graph;
  const n = g.newNode({ Name: name, Type: 'veth', TID: `tid-${name}` });
  const root = agent.context.root.id;
  g.newEdge(root, n.id, { RelationType: 'ownership' }, { id: linkID(root, n.id, 'ownership') });
}

before(async () => {
  an = await startTestAnalyzer(teardown, { logs: 'silent' });
  const common = { analyzers: [an.address], captureBackend: tableBackend };
  agent1 = await startTestAgent(teardown, { ...common, hostId: 'it-push-1' });
  agent2 = await startTestAgent(teardown, { ...common, hostId: 'it-push-2' });
  addInterface(agent1, 'sktest-pa');
  addInterface(agent1, 'sktest-pb');
  addInterface(agent2, 'sktest-pc');
});

/** Counter deltas of both agents around `fn`. */
async function sent<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; a1: TableQueryStats; a2: TableQueryStats }> {
  const b1 = agent1.captures.tableQueryStats();
  const b2 = agent2.captures.tableQueryStats();
  const value = await fn();
  const d = (b: TableQueryStats, a: TableQueryStats) =>
    Object.fromEntries(
      Object.entries(a).map(([k, v]) => [k, v - b[k as keyof TableQueryStats]]),
    ) as unknown as TableQueryStats;
  return {
    value,
    a1: d(b1, agent1.captures.tableQueryStats()),
    a2: d(b2, agent2.captures.tableQueryStats()),
  };
}

describe('live Flows() filter push-down', SUITE, () => {
  test('only the queried node’s agent answers, with only that node’s flows', async () => {
    const client = an.client();
    await client.create('capture', { GremlinQuery: "G.V().Has('Name', REGEX('sktest-p.'))" });
    await settle(() => assert.equal(running.size, 3, 'three captures running'));
    // Every table in full without a filter: the baseline of what the old path sent.
    const all = await sent(() => client.query('G.Flows().Count()'));
    assert.equal(all.value, 100);
    assert.equal(all.a1.flowsSent, 80);
    assert.equal(all.a2.flowsSent, 20);

    const one = await sent(
      async () => (await client.query("G.V().Has('Name', 'sktest-pb').Flows()")) as Flow[],
    );
    assert.equal(one.value.length, 50);
    assert.ok(one.value.every((f) => f.NodeTID === 'tid-sktest-pb'));
    assert.equal(one.a1.queries, 1);
    assert.equal(one.a1.flowsSent, 50, 'agent 1 sent sktest-pb’s flows only');
    assert.equal(one.a1.capturesSkipped, 1, 'sktest-pa’s table was not even read');
    assert.equal(one.a2.queries, 0, 'agent 2 hosts no queried node: not asked');
    // the same counters as the agent's /metrics shows them
    const scrape = await (await fetch(`http://${agent1.address}/metrics`)).text();
    const sentTotal = /^skydive_agent_flow_query_flows_sent_total(?:\{[^}]*\})? (\d+)$/m.exec(
      scrape,
    );
    assert.equal(Number(sentTotal?.[1]), agent1.captures.tableQueryStats().flowsSent);

    const has = await sent(() =>
      client.query("G.V().Has('Name', 'sktest-pa').Flows().Has('ICMP.ID', GT(25)).Count()"),
    );
    assert.equal(has.value, 5);
    assert.equal(has.a1.flowsSent, 5, 'the Has() term went down too');
    assert.equal(has.a1.flowsScanned, 30);

    const either = await sent(() =>
      client.query("G.Flows().Has('IPV4.B', '10.0.0.3', 'ICMPV4.Type', 'ECHO').Values('UUID')"),
    );
    assert.deepEqual((either.value as string[]).sort(), [
      'sktest-pa-1',
      'sktest-pb-1',
      'sktest-pc-1',
    ]);
    assert.equal(either.a1.flowsSent + either.a2.flowsSent, 3, 'every agent, one flow per node');

    // NE() has no filters.Filter form: only the node's TID goes down, the agent sends the node's
    // whole table and the analyzer's own Has() keeps the answer right.
    const wide = await sent(() =>
      client.query("G.V().Has('Name', 'sktest-pc').Flows().Has('ICMP.ID', NE(1)).Count()"),
    );
    assert.equal(wide.value, 19);
    assert.equal(wide.a2.flowsSent, 20);
    assert.equal(wide.a1.queries, 0);
  });

  test('an answer over the analyzer’s message limit is cut, and the agent stays connected', async () => {
    // 2,000 flows are ~300 KB; both sides read the limit from analyzer.max_body_size.
    const small = { 'analyzer.max_body_size': 64 * 1024 };
    const an2 = await startTestAnalyzer(teardown, { logs: 'silent', overrides: small });
    const big = await startTestAgent(teardown, {
      analyzers: [an2.address],
      captureBackend: tableBackend,
      hostId: 'it-push-big',
      overrides: small,
    });
    addInterface(big, 'sktest-big');
    const client = an2.client();
    await client.create('capture', { GremlinQuery: "G.V().Has('Name', 'sktest-big')" });
    await settle(() => assert.ok(running.has('sktest-big'), 'capture running'));
    const warnings: string[] = [];
    const count = JSON.parse(
      (await client.queryRaw('G.Flows().Count()', 'json', (w) => warnings.push(w))).toString(),
    ) as number;
    assert.ok(count > 0 && count < 2000, `${count} flows`);
    // the answer says it is incomplete: X-Skydive-Warning, and the analyzer's /metrics
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      new RegExp(`agent it-push-big cut its flow table reply to ${count} flows .*max_body_size`),
    );
    const scrape = await (await fetch(`http://${an2.address}/metrics`)).text();
    assert.match(
      scrape,
      /^skydive_flow_live_query_partial_total\{reason="truncated",service="analyzer"\} 1$/m,
    );
    assert.match(
      scrape,
      /^skydive_flow_live_query_partial_total\{reason="no_answer",service="analyzer"\} 0$/m,
    );
    const flowStatus = (await client.status()) as { Flows: { LiveQueryPartial: unknown } };
    assert.deepEqual(flowStatus.Flows.LiveQueryPartial, { truncated: 1, no_answer: 0, refused: 0 });
    const st = big.captures.tableQueryStats();
    assert.equal(st.repliesTruncated, 1);
    assert.equal(st.flowsTruncated, 2000 - count);
    assert.equal(await client.query('G.Flows().Count()'), count, 'the link survived');
    // a whole answer carries no warning
    const quiet: string[] = [];
    await client.queryRaw("G.V().Has('Name', 'nothing-here').Flows().Count()", 'json', (w) =>
      quiet.push(w),
    );
    assert.deepEqual(quiet, []);
    assert.deepEqual(Object.keys(an2.context.status.snapshot('Agents')), ['it-push-big']);
  });

  test('an agent that does not answer makes the answer say so', async () => {
    const silent = await connectSilentAgent(an, 'it-push-silent');
    try {
      const warnings: string[] = [];
      const body = await an.client().queryRaw('G.Flows().Count()', 'json', (w) => warnings.push(w));
      assert.equal(JSON.parse(body.toString()), 100, 'the agents that answered are all there');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /agent it-push-silent did not answer the flow table query/);
      const scrape = await (await fetch(`http://${an.address}/metrics`)).text();
      assert.match(
        scrape,
        /^skydive_flow_live_query_partial_total\{reason="no_answer",service="analyzer"\} 1$/m,
      );
    } finally {
      await silent.close();
    }
  });
});
