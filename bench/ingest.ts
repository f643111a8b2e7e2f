// SPDX-License-Identifier: Apache-2.0
// Ingest through /ws/publisher on loopback: NODES NodeAdded then NODES EdgeAdded messages from one
// publisher, with two subscribers attached, against a real analyzer (startAnalyzer). The figure is
// elements per second, wall clock, from the first frame sent to the last event received by both
// subscribers; per second of the server thread's busy time (event-loop utilisation); and per CPU
// second of the server thread, which other processes loading the cores do not stretch. The analyzer
// runs with the default storage (SQLite history, in a temporary data dir; STORAGE=memory for the
// memory backend) and write compression on (COMPRESS=0: off). Baseline in the same run,
// "raw-ws-relay": a bare `ws` server that parses each frame and relays it re-serialised to the two
// subscribers (no graph, no validation, no history). Clients run in a worker thread so the server
// thread is what is measured. Target ≥ 100k/s. Before the measured runs, WARMUP nodes (default
// 20k) go through a throwaway analyzer and relay the same way, so the figures are those of a running
// analyzer rather than of V8 compiling the code at process start (WARMUP=0 gives the cold figures).
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { startAnalyzer } from '../src/analyzer/main.js';
import { loadConfig } from '../src/config/index.js';
import { printFigure } from './lib/report.js';

const NODES = Number(process.env['NODES'] ?? 50_000);
/** Storage of the analyzer: the default (sqlite, in a temporary data dir) or memory (no history). */
const STORAGE = process.env['STORAGE'] ?? 'sqlite';
if (STORAGE !== 'sqlite' && STORAGE !== 'memory')
  throw new Error('STORAGE must be sqlite or memory');
/** permessage-deflate as users get it (on, the default; the clients offer it), or COMPRESS=0. */
const COMPRESS = process.env['COMPRESS'] !== '0';
const ELEMENTS = NODES * 2;
const WARMUP = Number(process.env['WARMUP'] ?? 20_000);

// Worker: two subscribers, then a publisher that sends every frame while respecting backpressure.
// Posts 'ready' when all are connected and 'done' with the elapsed ms once both subscribers have
// counted ELEMENTS messages.
const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require(workerData.ws);
const { base, nodes, pubPath, subPath } = workerData;
const total = nodes * 2;
const frames = [];
const now = 1700000000000;
for (let i = 0; i < nodes; i++) frames.push(JSON.stringify({ Namespace: 'Graph', Type: 'NodeAdded', UUID: 'n' + i,
  Obj: { ID: 'n' + i, Metadata: { Name: 'eth' + i, Type: 'veth', MTU: 1500, State: 'UP' }, Host: 'bench', Origin: '', CreatedAt: now, UpdatedAt: now, DeletedAt: null, Revision: 1 } }));
for (let i = 0; i < nodes; i++) frames.push(JSON.stringify({ Namespace: 'Graph', Type: 'EdgeAdded', UUID: 'e' + i,
  Obj: { ID: 'e' + i, Parent: 'n' + i, Child: 'n' + ((i + 1) % nodes), Metadata: { RelationType: 'layer2' }, Host: 'bench', Origin: '', CreatedAt: now, UpdatedAt: now, DeletedAt: null, Revision: 1 } }));
let t0 = 0, done = 0, open = 0;
const subs = [0, 1].map((i) => {
  const ws = new WebSocket(base + subPath, { headers: { 'X-Client-Type': 'bench', 'X-Host-ID': 'sub' + i } });
  let n = 0;
  ws.on('open', () => { if (++open === 3) go(); });
  ws.on('message', () => { if (++n === total && ++done === 2) parentPort.postMessage({ ms: performance.now() - t0 }); });
  return ws;
});
const pub = new WebSocket(base + pubPath, { headers: { 'X-Client-Type': 'bench', 'X-Host-ID': 'pub', 'X-Persistence-Policy': 'Persistent' } });
pub.on('open', () => { if (++open === 3) go(); });
function go() {
  t0 = performance.now();
  let i = 0;
  const pump = () => {
    while (i < frames.length) {
      pub.send(frames[i++]);
      if (pub.bufferedAmount > 4 * 1024 * 1024) return setImmediate(pump);
    }
  };
  pump();
}
`;

/**
 * Rates of one run: elements per wall-clock second, per second the server thread was busy, and
 * per second of CPU time the server thread used. Wall clock and busy time stretch when other
 * processes take the cores; CPU time does not, so it is the figure to compare on a loaded machine.
 */
interface Rates {
  wall: number;
  busy: number;
  cpu: number;
  /** Wall clock and CPU rates counted until the history writer has also written every change. */
  drainedWall: number;
  drainedCpu: number;
}

/** CPU seconds (user + system) used so far by this process's main thread, from /proc (Linux). */
function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name "(…)": state is field 3, utime 14 and stime 15 (clock ticks).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Runs the clients; then, if `drain` is given, waits for it (the history writer) and counts that
 * too in the drained figures: what a steady stream of elements can sustain.
 */
async function runClients(
  base: string,
  pubPath: string,
  subPath: string,
  nodes: number,
  drain?: () => Promise<void>,
): Promise<Rates> {
  const elements = nodes * 2;
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = mainThreadCpuSeconds();
  const ms = await runWorker(base, pubPath, subPath, nodes);
  const cpu = mainThreadCpuSeconds() - cpu0;
  const busyMs = performance.eventLoopUtilization(elu0).active;
  const t1 = performance.now();
  await drain?.();
  const drainMs = drain ? performance.now() - t1 : NaN;
  const drainCpu = drain ? mainThreadCpuSeconds() - cpu0 - cpu : NaN;
  return {
    wall: elements / (ms / 1000),
    busy: elements / (busyMs / 1000),
    cpu: elements / cpu,
    drainedWall: elements / ((ms + drainMs) / 1000),
    drainedCpu: elements / (cpu + drainCpu),
  };
}

function runWorker(base: string, pubPath: string, subPath: string, nodes: number): Promise<number> {
  const w = new Worker(clientCode, {
    eval: true,
    workerData: {
      base,
      nodes,
      pubPath,
      subPath,
      ws: import.meta.resolve('ws').replace('file://', ''),
    },
  });
  return new Promise((resolve, reject) => {
    w.once('message', (m: { ms: number }) => void w.terminate().then(() => resolve(m.ms)));
    w.once('error', reject);
  });
}

async function ours(nodes = NODES): Promise<Rates> {
  // As users run it: the default storage (SQLite history, flows and resources), but in a temporary
  // data dir — never /var/lib/skydive —, or STORAGE=memory (history kept in memory).
  const dataDir = mkdtempSync(join(tmpdir(), 'skydive-bench-ingest-'));
  const config = loadConfig({
    overrides: {
      host_id: 'bench',
      'analyzer.listen': '127.0.0.1:0',
      'analyzer.topology.backend': STORAGE,
      'analyzer.flow.backend': STORAGE,
      'storage.sqlite.data_dir': dataDir,
      'http.ws.enable_write_compression': COMPRESS,
      // Unlike the defaults (10000, 2 s): the subscribers share a worker thread with the publisher
      // and may lag behind a whole run on a loaded machine; they must not be closed as stuck.
      'http.ws.queue_size': 1_000_000,
      'http.ws.ping_delay': 60,
    },
  });
  const an = await startAnalyzer(config, { logger: pino({ level: 'silent' }) });
  try {
    const history = an.context.historyService;
    let atEnd = '';
    const drain = async (): Promise<void> => {
      if (history === undefined) return;
      const h = await history.status();
      atEnd = `${h.Written} changes written, ${h.Backlog} queued`;
      await history.writer.flush();
    };
    const rates = await runClients(
      `ws://${an.address}`,
      '/ws/publisher',
      '/ws/subscriber',
      nodes,
      drain,
    );
    if (an.context.graph.nodeCount !== nodes || an.context.graph.edgeCount !== nodes)
      throw new Error(
        `graph holds ${an.context.graph.nodeCount} nodes, ${an.context.graph.edgeCount} edges`,
      );
    const h = await history?.status();
    if (h && nodes === NODES)
      console.log(
        `history (${h.Backend}): when the last event arrived ${atEnd}; after draining ${h.Written} written, ${h.Backlog} queued, ${h.Dropped} dropped, ${h.Failures} failures`,
      );
    return rates;
  } finally {
    await an.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function rawRelay(nodes = NODES): Promise<Rates> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const subs: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    if (req.url === '/sub') subs.push(ws);
    else
      ws.on('message', (data) => {
        const frame = JSON.stringify(JSON.parse(String(data)));
        for (const s of subs) s.send(frame);
      });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    return await runClients(`ws://127.0.0.1:${port}`, '/pub', '/sub', nodes);
  } finally {
    for (const s of wss.clients) s.terminate();
    wss.close();
    server.close();
  }
}

console.log(
  `ingest of ${ELEMENTS} elements (${NODES} NodeAdded + ${NODES} EdgeAdded) with 2 subscribers; target ≥ 100k/s`,
);
console.log(
  `analyzer storage: ${STORAGE === 'sqlite' ? 'sqlite (the default; history recorded, temporary data dir)' : 'memory (history kept in memory)'}; write compression ${COMPRESS ? 'on (the default)' : 'off'}`,
);
const only = process.env['ONLY'];
if (WARMUP > 0) {
  const w0 = performance.now();
  if (only !== 'ours') await rawRelay(WARMUP);
  if (only !== 'raw-ws-relay') await ours(WARMUP);
  console.log(
    `warm-up: ${WARMUP * 2} elements through each side first (${((performance.now() - w0) / 1000).toFixed(1)} s, not counted)`,
  );
}
const none: Rates = { wall: NaN, busy: NaN, cpu: NaN, drainedWall: NaN, drainedCpu: NaN };
const base = only === 'ours' ? none : await rawRelay();
const mine = only === 'raw-ws-relay' ? none : await ours();
printFigure('wall clock', mine.wall, 'raw-ws-relay', base.wall, 'elements/s');
printFigure('server thread busy time', mine.busy, 'raw-ws-relay', base.busy, 'elements/busy-s');
printFigure('server thread CPU time', mine.cpu, 'raw-ws-relay', base.cpu, 'elements/cpu-s');
// The relay keeps nothing: its figures stand for both sides of the comparison.
printFigure('wall, history drained', mine.drainedWall, 'raw-ws-relay', base.wall, 'elements/s');
printFigure('CPU, history drained', mine.drainedCpu, 'raw-ws-relay', base.cpu, 'elements/cpu-s');
