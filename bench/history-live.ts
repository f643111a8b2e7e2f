// SPDX-License-Identifier: Apache-2.0
// What recording history costs the live hub graph: the same CHANGES graph operations (node adds,
// metadata updates, deletes) on a Graph with the analyzer's history attached (SQLite in a temporary
// directory, through the batched HistoryWriter) vs "no-history" (the same Graph, nothing attached).
// Figures (medians of alternating rounds): changes per second on the live path, then how fast the
// writer drains what was queued to SQLite. The live path must never wait on the disk: only the queueing shows in the first ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { AnalyzerHistory } from '../src/analyzer/history/service.js';
import { Graph } from '../src/graph/index.js';
import { SqliteHistoryStore } from '../src/storage/sqlite/history-store.js';
import { printFigure } from './lib/report.js';

const NODES = Number(process.env['NODES'] ?? 50_000);
const UPDATES = Number(process.env['UPDATES'] ?? 2);
const CHANGES = NODES * (2 + UPDATES);

/** Adds NODES nodes, updates each UPDATES times, deletes them all; returns elapsed ms. */
function workload(graph: Graph): number {
  const t0 = performance.now();
  const nodes = [];
  for (let i = 0; i < NODES; i++)
    nodes.push(
      graph.newNode({ Name: `veth${i}`, Type: 'veth', MTU: 1500, State: 'UP' }, { id: `n${i}` }),
    );
  for (let u = 0; u < UPDATES; u++)
    for (const n of nodes) graph.addMetadata(n, 'MTU', 1500 + u + 1);
  for (const n of nodes) graph.delNode(n.id);
  return performance.now() - t0;
}

function baseline(): number {
  return workload(new Graph({ host: 'bench', origin: 'analyzer.bench' }));
}

async function recorded(): Promise<{ liveMs: number; drainMs: number; written: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'skydive-bench-history-'));
  const store = SqliteHistoryStore.open({ dataDir: dir });
  const graph = new Graph({ host: 'bench', origin: 'analyzer.bench' });
  const history = await AnalyzerHistory.start(store, graph, { logger: pino({ level: 'silent' }) });
  try {
    const liveMs = workload(graph);
    const t0 = performance.now();
    await history.writer.flush();
    const drainMs = performance.now() - t0;
    return { liveMs, drainMs, written: history.writer.status().written };
  } finally {
    await history.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `history-live: ${CHANGES} changes (${NODES} adds, ${NODES * UPDATES} updates, ${NODES} deletes)`,
);
const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// warm-up of both sides, then rounds alternating them so that load on the machine hits both
baseline();
await recorded();
const base: number[] = [];
const live: number[] = [];
const drain: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  base.push(CHANGES / (baseline() / 1000));
  const m = await recorded();
  if (m.written !== CHANGES) throw new Error(`wrote ${m.written} of ${CHANGES} changes`);
  live.push(CHANGES / (m.liveMs / 1000));
  drain.push(CHANGES / (m.drainMs / 1000));
}
console.log(`median of ${ROUNDS} alternating rounds`);
printFigure('live path', median(live), 'no-history', median(base), 'changes/s');
console.log(
  `${'drain to SQLite'.padEnd(34)} ${median(drain).toFixed(0)} changes/s ` +
    `(the backlog left after the live path, written in batches of 5,000)`,
);
