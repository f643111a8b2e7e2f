// SPDX-License-Identifier: Apache-2.0
// Resync after an analyzer restart: an agent Uplink holding a NODES-node graph (hosts → namespaces
// → interfaces, ownership and layer2 edges) connected to an analyzer in this process. The analyzer
// is closed and started again on the same port ROUNDS times; each round is timed from the restart
// until the new analyzer's graph holds every node again (reconnect backoff, Sync built and encoded
// by the uplink, decoded and applied by the analyzer). Baseline in the same run, "bare-ws-sync":
// the same Sync, encoded once beforehand, sent by a bare `ws` client to /ws/agent/topology of a
// freshly restarted analyzer (no uplink logic, no backoff). Target < 1 s. No root needed.
import { once } from 'node:events';
import pino from 'pino';
import { WebSocket } from 'ws';
import { Uplink } from '../src/agent/uplink/index.js';
import { startAnalyzer, type AnalyzerHandle } from '../src/analyzer/main.js';
import { loadConfig } from '../src/config/index.js';
import { benchDataDir } from './lib/data-dir.js';
import { Graph } from '../src/graph/index.js';
import {
  ClientProtocol,
  GraphMessageType,
  Header,
  Namespace,
  PersistencePolicy,
  ServiceType,
  WsPath,
  edgeToJSON,
  encodeStructMessage,
  newStructMessage,
  nodeToJSON,
} from '../src/protocol/index.js';
import { printFigure, printLatency, stats } from './lib/report.js';

const NODES = Number(process.env['NODES'] ?? 10_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
/** Reconnection backoff of the uplink in this bench (the default starts at 1 s). */
const TUNING = { minDelayMs: 10, maxDelayMs: 50 };
const HOST = 'skbench-resync';
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An agent-like graph of exactly `n` nodes: a host, namespaces of 50 veths, layer2 pairs. */
function buildGraph(n: number): Graph {
  const g = new Graph({ host: HOST, origin: `agent.${HOST}` });
  const host = g.newNode({ Name: HOST, Type: 'host', Hostname: HOST });
  let ns = host;
  let prev: string | undefined;
  for (let i = 1; i < n; i++) {
    if (i % 51 === 1) {
      ns = g.newNode({ Name: `ns-${i}`, Type: 'netns', Path: `/var/run/netns/ns-${i}` });
      g.newEdge(host.id, ns.id, { RelationType: 'ownership' });
      prev = undefined;
      continue;
    }
    const itf = g.newNode({
      Name: `veth${i}`,
      Type: 'veth',
      MTU: 1500,
      IfIndex: i,
      MAC: `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      State: 'UP',
      LinkFlags: ['UP', 'BROADCAST', 'MULTICAST'],
      IPV4: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/16`],
    });
    g.newEdge(ns.id, itf.id, { RelationType: 'ownership' });
    if (prev) {
      g.newEdge(prev, itf.id, { RelationType: 'layer2', Type: 'veth' });
      prev = undefined;
    } else prev = itf.id;
  }
  return g;
}

async function analyzer(port: number): Promise<AnalyzerHandle> {
  return startAnalyzer(
    loadConfig({
      overrides: {
        host_id: 'skbench-an',
        'analyzer.listen': `127.0.0.1:${port}`,
        'storage.sqlite.data_dir': benchDataDir(),
      },
      env: {},
    }),
    { logger },
  );
}

/** Resolves once `an` holds `n` nodes of the bench's origin (polled every millisecond). */
async function untilFull(an: AnalyzerHandle, n: number): Promise<void> {
  const origin = `agent.${HOST}`;
  for (let i = 0; ; i++) {
    if ((an.context.graph.origins().get(origin) ?? 0) >= n) return;
    if (i > 60_000) throw new Error('the analyzer never got the whole graph');
    await sleep(1);
  }
}

const graph = buildGraph(NODES);
console.log(
  `resync of ${graph.nodeCount} nodes + ${graph.edgeCount} edges after an analyzer restart, ` +
    `${ROUNDS} rounds, uplink backoff ${TUNING.minDelayMs}–${TUNING.maxDelayMs} ms; target < 1 s`,
);

let an = await analyzer(0);
const port = Number(an.address.slice(an.address.lastIndexOf(':') + 1));

// ours: the uplink reconnects to each restarted analyzer and sends its Sync
const uplink = new Uplink({
  graph,
  hostID: HOST,
  analyzers: [an.address],
  logger,
  tuning: TUNING,
});
uplink.start();
await untilFull(an, NODES);
const ours: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  await an.close();
  const t0 = process.hrtime.bigint();
  an = await analyzer(port);
  await untilFull(an, NODES);
  ours.push(Number(process.hrtime.bigint() - t0));
}
await uplink.close();

// baseline: the same Sync, pre-encoded, from a bare ws client to each restarted analyzer
const frame = encodeStructMessage(
  newStructMessage(Namespace.Graph, GraphMessageType.Sync, {
    Nodes: Array.from(graph.nodes(), nodeToJSON),
    Edges: Array.from(graph.edges(), edgeToJSON),
  }),
  ClientProtocol.Protobuf,
);
const base: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  await an.close();
  const t0 = process.hrtime.bigint();
  an = await analyzer(port);
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WsPath.AgentTopology}`, {
    headers: {
      [Header.HostID]: HOST,
      [Header.ClientType]: ServiceType.Agent,
      [Header.ClientProtocol]: ClientProtocol.Protobuf,
      [Header.PersistencePolicy]: PersistencePolicy.DeleteOnDisconnect,
    },
  });
  await once(ws, 'open');
  ws.send(frame);
  await untilFull(an, NODES);
  base.push(Number(process.hrtime.bigint() - t0));
  ws.close();
  await once(ws, 'close');
}
await an.close();

const o = stats(ours);
const b = stats(base);
printLatency('restart → full graph', o, 'bare-ws-sync', b);
printFigure(`resync of ${NODES} nodes (mean)`, o.mean / 1e6, 'bare-ws-sync', b.mean / 1e6, 'ms');
