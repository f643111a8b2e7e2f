// SPDX-License-Identifier: Apache-2.0
// Live Flows() answer time when the query selects 1 capture node of 100 on an agent whose tables
// hold 50k flows: a real analyzer and agent in this process on loopback, the query over REST.
// Ours: the analyzer pushes the node's TID (and Has terms) down in Flow/TableQuery and the agent
// answers only matching flows. Baseline "send-everything": the previous agent answer, every flow of
// every table, the analyzer filtering (the same agent code asked with an empty SearchQuery).
import { strict as assert } from 'node:assert';
import pino from 'pino';
import { startAgent } from '../src/agent/main.js';
import {
  answerTableQuery,
  newTableQueryStats,
  type CaptureBackend,
} from '../src/agent/capture/index.js';
import { startAnalyzer } from '../src/analyzer/main.js';
import { SkydiveClient } from '../src/client/index.js';
import { loadConfig } from '../src/config/index.js';
import { linkID } from '../src/graph/index.js';
import { FlowMessageType, Namespace } from '../src/protocol/index.js';
import { encodeTableQuery, type Flow } from '../src/protocol/flow.js';
import { benchDataDir } from './lib/data-dir.js';
import { printFigure, printLatency, sample, stats } from './lib/report.js';

const NODES = Number(process.env['NODES'] ?? 100);
const FLOWS = Number(process.env['FLOWS'] ?? 50_000);
const ITER = Number(process.env['ITER'] ?? 20);
const PER_NODE = Math.floor(FLOWS / NODES);
const id = process.pid;

function tableOf(tid: string, captureID: string, ifIndex: number): Flow[] {
  const now = Date.now();
  return Array.from({ length: PER_NODE }, (_, i) => ({
    UUID: `${tid}-${i}`,
    LayersPath: 'Ethernet/IPv4/TCP',
    Application: 'TCP',
    Link: { Protocol: 'ETHERNET', A: 'aa:00:00:00:00:01', B: 'aa:00:00:00:00:02', ID: 0 },
    Network: {
      Protocol: 'IPV4',
      A: `10.${ifIndex}.0.1`,
      B: `10.${ifIndex}.${i >> 8}.${i & 255}`,
      ID: 0,
    },
    Transport: { Protocol: 'TCP', A: 40000 + (i % 20000), B: 443, ID: 0 },
    Metric: { ABPackets: 10, ABBytes: 1500, BAPackets: 8, BABytes: 9000, Start: now, Last: now },
    LastUpdateMetric: {
      ABPackets: 1,
      ABBytes: 150,
      BAPackets: 1,
      BABytes: 900,
      Start: now,
      Last: now,
    },
    Start: now,
    Last: now,
    TrackingID: `${tid}-t${i}`,
    L3TrackingID: `${tid}-l${i}`,
    ParentUUID: '',
    NodeTID: tid,
    CaptureID: captureID,
    RawPacketsCaptured: 0,
  }));
}

const backend = (): CaptureBackend => ({
  types: ['afpacket'],
  async start(spec) {
    const flows = tableOf(spec.nodeTID, spec.capture.UUID, Number(spec.ifName.split('-').pop()));
    return {
      counters: () => ({ PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 }),
      flows: () => flows,
      stop: async () => {},
    };
  },
});

const logger = pino({ level: 'silent' });
const an = await startAnalyzer(
  loadConfig({
    overrides: {
      host_id: `skbench-an-${id}`,
      'analyzer.listen': '127.0.0.1:0',
      'storage.sqlite.data_dir': benchDataDir(),
      // The baseline's reply (every flow, ~14 MB) is over the default 10 MB WebSocket limit: the
      // analyzer would close the agent's link. Raised here so that the baseline can be measured.
      'analyzer.max_body_size': 256 * 1024 * 1024,
    },
  }),
  { logger },
);
const agent = await startAgent(
  loadConfig({
    overrides: {
      host_id: `skbench-ag-${id}`,
      'agent.listen': '127.0.0.1:0',
      analyzers: [an.address],
      'agent.topology.probes': [],
    },
  }),
  { logger, captureBackend: backend },
);
try {
  const g = agent.context.graph;
  const root = agent.context.root.id;
  for (let i = 0; i < NODES; i++) {
    const n = g.newNode({ Name: `skbench-if-${i}`, Type: 'veth', TID: `tid-${id}-${i}` });
    g.newEdge(root, n.id, { RelationType: 'ownership' }, { id: linkID(root, n.id, 'ownership') });
  }
  const client = new SkydiveClient({ analyzer: an.address, timeoutMs: 60_000 });
  await client.create('capture', { GremlinQuery: "G.V().Has('Name', REGEX('skbench-if-.*'))" });
  for (let i = 0; i < 600; i++) {
    const sum = agent.captures.manager.list().length;
    if (sum === NODES) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(agent.captures.manager.list().length, NODES, 'every capture started');

  // The agent's Flow handler: ours (the query as sent) or the baseline (every flow, no filter).
  const manager = agent.captures.manager;
  const everything = encodeTableQuery({ Type: 'SearchQuery', Query: {} });
  const replyBytes = { ours: 0, base: 0 };
  const use = (mode: 'ours' | 'base') =>
    agent.uplink.onRequest(Namespace.Flow, (msg, reply) => {
      const q = mode === 'ours' ? msg : { Type: msg.Type, Obj: everything };
      const r = answerTableQuery(manager, q, newTableQueryStats());
      replyBytes[mode] += r.reply.length;
      reply(FlowMessageType.TableResult, r.reply, r.status);
    });

  const target = Math.floor(NODES / 2);
  const query = `G.V().Has('Name', 'skbench-if-${target}').Flows()`;
  const run = async () => {
    const flows = (await client.query(query)) as Flow[];
    assert.equal(flows.length, PER_NODE, 'the node’s flows, all of them');
  };
  use('ours');
  const ours = await sample(run, ITER, 3);
  const oursBytes = replyBytes.ours / (ITER + 3);
  use('base');
  const base = await sample(run, ITER, 3);
  const baseBytes = replyBytes.base / (ITER + 3);
  console.log(`${NODES} capture nodes, ${PER_NODE * NODES} table flows, query selects 1 node`);
  printLatency('live Flows() of 1 node', stats(ours), 'send-everything', stats(base));
  printFigure('agent reply size', oursBytes / 1024, 'send-everything', baseBytes / 1024, 'KiB');
} finally {
  await agent.close();
  await an.close();
}
