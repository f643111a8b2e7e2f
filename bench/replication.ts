// SPDX-License-Identifier: Apache-2.0
// Replication throughput: two analyzers in this process replicating with each other; NODES nodes
// added, then updated (one metadata key), then deleted on analyzer A's hub graph, 1,000 changes
// per event-loop tick, timed until analyzer B's graph shows the last of each phase. Baseline in
// the same run, "agent-uplink": the same changes made on an agent's local graph whose Uplink (the
// agent → analyzer path, coalescing per tick) feeds B's /ws/agent/topology. Rounds alternate.
// Changes per second of wall clock, per phase and overall. No root needed.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { Uplink } from '../src/agent/uplink/index.js';
import { startAnalyzer, type AnalyzerHandle } from '../src/analyzer/main.js';
import { loadConfig } from '../src/config/index.js';
import { Graph, type Node } from '../src/graph/index.js';
import { benchDataDir } from './lib/data-dir.js';
import { printFigure } from './lib/report.js';

const NODES = Number(process.env['NODES'] ?? 20_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const CHUNK = 1000;
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address() as { port: number };
      s.close(() => resolve(a.port));
    });
  });
}

async function analyzer(host: string, port: number, peers: string[]): Promise<AnalyzerHandle> {
  const dir = join(benchDataDir(), host);
  mkdirSync(dir, { recursive: true });
  return startAnalyzer(
    loadConfig({
      overrides: {
        host_id: host,
        'analyzer.listen': `127.0.0.1:${port}`,
        'storage.sqlite.data_dir': dir,
        analyzers: peers,
      },
      env: {},
    }),
    { logger, replication: { minDelayMs: 10, maxDelayMs: 100 } },
  );
}

/** Counts what B's graph sees of nodes whose Name starts with `prefix`. */
function watch(g: Graph, prefix: string) {
  const c = { added: 0, updated: 0, deleted: 0 };
  const mine = (n: Node) => String(n.metadata['Name']).startsWith(prefix);
  const offs = [
    g.on('nodeAdded', (n) => void (mine(n) && c.added++)),
    g.on('nodeUpdated', (n) => void (mine(n) && c.updated++)),
    g.on('nodeDeleted', (n) => void (mine(n) && c.deleted++)),
  ];
  return { c, off: () => offs.forEach((f) => f()) };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 120_000) throw new Error('changes never arrived');
    await sleep(1);
  }
}

/** Adds, updates, deletes NODES nodes on `src`; returns the ns each phase took to reach `dst`. */
async function run(src: Graph, dst: Graph, prefix: string): Promise<number[]> {
  const w = watch(dst, prefix);
  const nodes: Node[] = [];
  const phases: number[] = [];
  const phase = async (fn: (i: number) => void, done: () => boolean) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < NODES; i++) {
      fn(i);
      if (i % CHUNK === CHUNK - 1) await tick();
    }
    await until(done);
    phases.push(Number(process.hrtime.bigint() - t0));
  };
  await phase(
    (i) => nodes.push(src.newNode({ Name: `${prefix}${i}`, Type: 'veth', MTU: 1500, IfIndex: i })),
    () => w.c.added >= NODES,
  );
  await phase(
    (i) => src.addMetadata(nodes[i]!, 'MTU', 9000),
    () => w.c.updated >= NODES,
  );
  await phase(
    (i) => src.delNode(nodes[i]!.id),
    () => w.c.deleted >= NODES,
  );
  w.off();
  return phases;
}

const [pa, pb] = [await freePort(), await freePort()];
const peers = [`127.0.0.1:${pa}`, `127.0.0.1:${pb}`];
const a = await analyzer('skbench-repl-a', pa, peers);
const b = await analyzer('skbench-repl-b', pb, peers);
await until(
  () => a.context.replication!.stats().peers === 1 && b.context.replication!.stats().peers === 1,
);

const agentGraph = new Graph({ host: 'skbench-agent', origin: 'agent.skbench-agent' });
agentGraph.newNode({ Name: 'skbench-agent', Type: 'host' });
const uplink = new Uplink({
  graph: agentGraph,
  hostID: 'skbench-agent',
  analyzers: [b.address],
  logger,
  tuning: { minDelayMs: 10, maxDelayMs: 100 },
});
uplink.start();
await until(() => (b.context.graph.origins().get('agent.skbench-agent') ?? 0) === 1);

console.log(
  `${NODES} nodes added, updated, deleted (${CHUNK} changes per tick), ${ROUNDS} alternating rounds; ` +
    'two analyzers and the agent uplink in one process',
);
const ours: number[][] = [];
const base: number[][] = [];
for (let r = 0; r < ROUNDS; r++) {
  ours.push(await run(a.context.graph, b.context.graph, `r${r}-repl-`));
  base.push(await run(agentGraph, b.context.graph, `r${r}-agent-`));
}
await uplink.close();
await a.close();
await b.close();

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const rate = (ns: number) => NODES / (ns / 1e9);
for (const [i, name] of ['added', 'updated', 'deleted'].entries()) {
  const o = median(ours.map((p) => p[i]!));
  const bb = median(base.map((p) => p[i]!));
  printFigure(`nodes ${name} at B (median)`, rate(o), 'agent-uplink', rate(bb), 'changes/s');
}
const total = (p: number[]) => p.reduce((s, x) => s + x, 0);
printFigure(
  'all three phases (median)',
  (3 * NODES) / (median(ours.map(total)) / 1e9),
  'agent-uplink',
  (3 * NODES) / (median(base.map(total)) / 1e9),
  'changes/s',
);
