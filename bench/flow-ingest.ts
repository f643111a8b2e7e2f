// SPDX-License-Identifier: Apache-2.0
// Flow updates from agents into the analyzer: FLOWS flows sent as protobuf flow.Message frames of 10
// over /ws/agent/flow by an agent-like client in a worker thread, through the real analyzer server
// (decode, live flows, buffer, JSON form, bulk insert into the memory FlowStore; no subscriber),
// against the named baseline "raw-ws-map": a bare `ws` server that decodes each frame and keeps the
// latest state of each flow in a Map by UUID (the least an analyzer answering Flows() must do). Figure: flows per second of the server thread's busy time (event-loop
// utilisation), and wall clock.
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WebSocketServer } from 'ws';
import { createServer } from '../src/analyzer/server.js';
import { testContext } from '../src/analyzer/testing/context.js';
import { decodeFlowMessage, encodeFlowMessage, type Flow } from '../src/protocol/flow.js';
import { MemoryFlowStore } from '../src/storage/memory/flow-store.js';
import { printFigure } from './lib/report.js';

const FLOWS = Number(process.env['FLOWS'] ?? 100_000);
const PER_FRAME = 10;

/** Distinct flows, as a capture's update tick sends them. */
function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const now = Date.now();
  for (let i = 0; i < FLOWS; i += PER_FRAME) {
    const flows: Flow[] = [];
    for (let k = i; k < Math.min(FLOWS, i + PER_FRAME); k++)
      flows.push({
        UUID: `bench-${k.toString(16)}`,
        LayersPath: 'Ethernet/IPv4/TCP',
        Application: 'TCP',
        Link: { Protocol: 'ETHERNET', A: '02:00:00:00:00:01', B: '02:00:00:00:00:02', ID: 0 },
        Network: {
          Protocol: 'IPV4',
          A: '10.0.0.1',
          B: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`,
          ID: 0,
        },
        Transport: { Protocol: 'TCP', A: 1024 + (k % 60000), B: 80, ID: 0 },
        LastUpdateMetric: {
          ABPackets: 3,
          ABBytes: 300,
          BAPackets: 2,
          BABytes: 1200,
          Start: now,
          Last: now,
        },
        Metric: { ABPackets: 3, ABBytes: 300, BAPackets: 2, BABytes: 1200, Start: now, Last: now },
        Start: now,
        Last: now,
        TrackingID: k.toString(16),
        L3TrackingID: k.toString(16),
        ParentUUID: '',
        NodeTID: 'bench-tid',
        CaptureID: 'bench-capture',
        RawPacketsCaptured: 0,
      });
    out.push(encodeFlowMessage({ Flows: flows }));
  }
  return out;
}

// Worker: connects as an agent to `url` and sends every frame, 500 at a time.
const senderCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require(workerData.ws);
const ws = new WebSocket(workerData.url, { headers: { 'X-Client-Type': 'agent', 'X-Host-ID': 'bench-agent' } });
ws.on('open', () => parentPort.postMessage('open'));
parentPort.on('message', async () => {
  const f = workerData.frames;
  for (let i = 0; i < f.length; i++) {
    ws.send(f[i], { binary: true });
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  parentPort.postMessage('sent');
});
`;

async function drive(url: string, all: Uint8Array[], done: () => Promise<void>) {
  const w = new Worker(senderCode, {
    eval: true,
    workerData: { url, frames: all, ws: import.meta.resolve('ws').replace('file://', '') },
  });
  await once(w, 'message');
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  w.postMessage('go');
  await done();
  const wall = (performance.now() - t0) / 1000;
  const busy = performance.eventLoopUtilization(elu0).active / 1000;
  await w.terminate();
  return { busy: FLOWS / busy, wall: FLOWS / wall };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

async function ours(all: Uint8Array[]) {
  const ctx = testContext({
    settings: {
      listen: { host: '127.0.0.1', port: 0 },
      ws: {
        pingDelayMs: 60_000,
        pongTimeoutMs: 60_000,
        queueSize: 100_000,
        writeCompression: false,
      },
    },
  });
  // STORE=none measures the flow server alone (buffer and JSON form, no store).
  const store = process.env['STORE'] === 'none' ? undefined : new MemoryFlowStore();
  let stored = 0;
  const sink = store ?? { insert: async (f: readonly unknown[]) => void (stored += f.length) };
  const server = await createServer(ctx, {
    flows: { store: sink as MemoryFlowStore, bulkDelayMs: 50 },
  });
  const address = await server.listen();
  const fs = server.flows.server;
  const r = await drive(`ws://${address}/ws/agent/flow`, all, () =>
    until(() => fs.counters.stored >= FLOWS || stored >= FLOWS),
  );
  await server.close();
  return r;
}

async function rawWsDecode(all: Uint8Array[]) {
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  let n = 0;
  const latest = new Map<string, Flow>();
  wss.on('connection', (ws) =>
    ws.on('message', (d: Buffer) => {
      for (const f of decodeFlowMessage(new Uint8Array(d.buffer, d.byteOffset, d.length)).Flows) {
        latest.set(f.UUID ?? '', f);
        n++;
      }
    }),
  );
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  const r = await drive(`ws://127.0.0.1:${port}/`, all, () => until(() => n >= FLOWS));
  for (const c of wss.clients) c.terminate();
  wss.close();
  http.close();
  return r;
}

const all = frames();
const base = await rawWsDecode(all);
const mine = await ours(all);
printFigure(
  `flow ingest ${FLOWS} flows (busy)`,
  mine.busy,
  'raw-ws-map',
  base.busy,
  'flows/busy-s',
);
printFigure(`flow ingest ${FLOWS} flows (wall)`, mine.wall, 'raw-ws-map', base.wall, 'flows/s');
