// SPDX-License-Identifier: Apache-2.0
// Graph events fanned out to WebSocket subscribers: 100k partial updates (SUBS JSON subscribers,
// half with X-Update-Policy partial) through attachWebSocket, against the named baseline "raw-ws":
// a bare `ws` server sending one pre-encoded text frame per event per client with ws.send. Clients
// run in worker threads and only count frames. The figure is events per second of the server
// thread's busy time (event-loop utilisation), so that clients sharing the CPUs do not blur it.
// Target: ≥ 100k events/s with 5 subscribers.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';
import { startHub } from '../src/analyzer/ws/ws-test-kit.js';
import { printFigure } from './lib/report.js';

const EVENTS = Number(process.env['EVENTS'] ?? 100_000);
const SUBS = Number(process.env['SUBS'] ?? 5);
const BATCH = Number(process.env['BATCH'] ?? 500);

// Worker: opens `subs` clients on `url`, counts frames, posts 'ready' then 'done' once each client
// has `expect` frames (pings and SyncReply excluded by the caller's count).
const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocket } = require(workerData.ws);
const { url, subs, first, expect } = workerData;
let open = 0, done = 0;
for (let i = 0; i < subs; i++) {
  const headers = { 'X-Client-Type': 'bench', 'X-Host-ID': 'c' + (first + i) };
  if ((first + i) % 2) headers['X-Update-Policy'] = 'partial';
  const ws = new WebSocket(url, { headers });
  let n = 0;
  ws.on('open', () => { if (++open === subs) parentPort.postMessage('ready'); });
  ws.on('message', () => { if (++n === expect && ++done === subs) parentPort.postMessage('done'); });
}
`;

/** One worker thread per client, so that the clients are not what is measured. */
function clients(
  url: string,
  expect: number,
): { ready: Promise<unknown>; done: Promise<unknown>; terminate(): Promise<unknown> } {
  const workers = Array.from(
    { length: SUBS },
    (_, i) =>
      new Worker(clientCode, {
        eval: true,
        workerData: {
          url,
          subs: 1,
          first: i,
          expect,
          ws: import.meta.resolve('ws').replace('file://', ''),
        },
      }),
  );
  const ready = Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const done = ready.then(() =>
    Promise.all(workers.map((w) => new Promise((r) => w.once('message', r)))),
  );
  return { ready, done, terminate: () => Promise.all(workers.map((w) => w.terminate())) };
}

async function ours(): Promise<number> {
  const h = await startHub({
    settings: {
      ws: {
        pingDelayMs: 60_000,
        pongTimeoutMs: 60_000,
        queueSize: 100_000,
        writeCompression: false,
      },
    },
  });
  const g = h.ctx.graph;
  const n = g.newNode({ Name: 'eth0', Type: 'device', Metric: { RxBytes: 0 } }, { id: 'eth0' });
  const c = clients(`${h.base}/ws/subscriber`, EVENTS);
  await c.ready;
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < EVENTS; ) {
    for (let k = 0; k < BATCH && i < EVENTS; k++, i++)
      g.updateMetadata(n, [{ Type: 1, Key: 'Metric.RxBytes', Value: i + 1 }]);
    await new Promise((r) => setImmediate(r));
  }
  await c.done;
  const busy = performance.eventLoopUtilization(elu0).active / 1000;
  await c.terminate();
  await h.close();
  return EVENTS / busy;
}

async function rawWs(): Promise<number> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const socks: WebSocket[] = [];
  wss.on('connection', (ws) => socks.push(ws));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const c = clients(`ws://127.0.0.1:${port}/`, EVENTS);
  await c.ready;
  const md = { Name: 'eth0', Type: 'device', Metric: { RxBytes: 0 } };
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < EVENTS; ) {
    for (let k = 0; k < BATCH && i < EVENTS; k++, i++) {
      md.Metric.RxBytes = i + 1;
      const frame = JSON.stringify({
        Namespace: 'Graph',
        Type: 'NodeUpdated',
        UUID: crypto.randomUUID(),
        Status: 200,
        Obj: { ID: 'eth0', Metadata: md, Revision: i },
      });
      for (const s of socks) s.send(frame);
    }
    await new Promise((r) => setImmediate(r));
  }
  await c.done;
  const busy = performance.eventLoopUtilization(elu0).active / 1000;
  await c.terminate();
  for (const s of socks) s.terminate();
  wss.close();
  server.close();
  return EVENTS / busy;
}

const only = process.env['ONLY'];
const base = only === 'ours' ? NaN : await rawWs();
const mine = only === 'raw-ws' ? NaN : await ours();
printFigure(`fan-out ${EVENTS} events × ${SUBS} subs`, mine, 'raw-ws', base, 'events/busy-s');
