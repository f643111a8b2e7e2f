// SPDX-License-Identifier: Apache-2.0
// Test helpers for the WS endpoints: an analyzer hub on a real HTTP server (127.0.0.1, port 0) and
// raw `ws` clients that speak JSON or protobuf and collect what they receive.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { WebSocket, type ClientOptions } from 'ws';
import {
  decodeStructMessageJSON,
  decodeStructMessageProto,
  encodeStructMessageJSON,
  encodeStructMessageProto,
  newStructMessage,
  type StructMessage,
} from '../../protocol/index.js';
import type { AnalyzerContext } from '../context.js';
import { testContext, testSettings } from '../testing/context.js';
import type { AnalyzerSettings } from '../settings.js';
import type { AttachOptions } from '../../api/ws/index.js';
import { attachWebSocket, type AnalyzerWebSocketHub } from './attach.js';

/** Settings of a test hub: the analyzer's test settings with host `hub1` and a 5 s pong timeout. */
export function hubSettings(over: Partial<AnalyzerSettings> = {}): AnalyzerSettings {
  return testSettings({
    hostID: 'hub1',
    ws: { pingDelayMs: 2000, pongTimeoutMs: 5000, queueSize: 10_000, writeCompression: false },
    configValue: () => undefined,
    ...over,
  });
}

/** A fresh context for a hub (logs at WS_TEST_LOG level, silent by default). */
export function hubContext(
  settings: AnalyzerSettings,
  over: Partial<AnalyzerContext> = {},
): AnalyzerContext {
  return testContext({
    logger: pino({ level: process.env['WS_TEST_LOG'] ?? 'silent' }),
    ...over,
    settings,
  });
}

/** A running hub: its context, its WebSocketHub, and its base URL `ws://127.0.0.1:<port>`. */
export interface TestHub {
  ctx: AnalyzerContext;
  hub: AnalyzerWebSocketHub;
  server: Server;
  base: string;
  close(): Promise<void>;
}

/** Starts an HTTP server with the WS endpoints attached. Register `close` as teardown. */
export async function startHub(
  opts: {
    settings?: Partial<AnalyzerSettings>;
    ctx?: Partial<AnalyzerContext>;
    attach?: AttachOptions;
  } = {},
): Promise<TestHub> {
  const ctx = hubContext(hubSettings(opts.settings), opts.ctx);
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const hub = attachWebSocket(server, ctx, opts.attach);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ctx,
    hub,
    server,
    base: `ws://127.0.0.1:${port}`,
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a test client announces. */
export interface ClientSpec {
  hostID?: string;
  clientType?: string;
  protocol?: 'json' | 'protobuf';
  headers?: Record<string, string>;
  /** Passed to the `ws` client (e.g. `autoPong: false`). */
  options?: ClientOptions;
}

type Waiter = {
  pred: (m: StructMessage) => boolean;
  resolve: (m: StructMessage) => void;
  reject: (err: Error) => void;
};

/** A raw `ws` client that records every message it receives. */
export class TestClient {
  readonly received: StructMessage[] = [];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  pings = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly protocol: 'json' | 'protobuf',
    readonly upgrade: IncomingMessage,
  ) {
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      const msg = isBinary ? decodeStructMessageProto(buf) : decodeStructMessageJSON(buf);
      this.received.push(msg);
      for (const w of [...this.waiters])
        if (w.pred(msg)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(msg);
        }
    });
    ws.on('ping', () => this.pings++);
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters.splice(0))
          w.reject(new Error(`connection closed (${code} ${reason.toString()}) while waiting`));
      }),
    );
  }

  /** Sends a message in the client's protocol. */
  send(msg: StructMessage): void {
    if (this.protocol === 'protobuf') this.ws.send(encodeStructMessageProto(msg));
    else this.ws.send(encodeStructMessageJSON(msg));
  }

  /** Sends a Graph message and returns it (its UUID identifies the reply). */
  sendGraph(type: string, obj: unknown): StructMessage {
    const msg = newStructMessage('Graph', type, obj);
    this.send(msg);
    return msg;
  }

  /** The first received message (past or future) matching `pred`. */
  waitFor(pred: (m: StructMessage) => boolean, from = 0): Promise<StructMessage> {
    for (let i = from; i < this.received.length; i++) {
      const m = this.received[i]!;
      if (pred(m)) return Promise.resolve(m);
    }
    if (this.ws.readyState === WebSocket.CLOSED)
      return Promise.reject(new Error('connection closed while waiting'));
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject }));
  }

  /** The reply to a request (same UUID). */
  replyTo(req: StructMessage): Promise<StructMessage> {
    return this.waitFor((m) => m.UUID === req.UUID);
  }

  /** Sends a SyncRequest and resolves with its SyncReply. */
  async sync(obj: unknown = {}): Promise<StructMessage> {
    return this.replyTo(this.sendGraph('SyncRequest', obj));
  }

  /** Closes and waits for the close. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

function headersOf(spec: ClientSpec): Record<string, string> {
  const h: Record<string, string> = {};
  if (spec.hostID !== '')
    h['X-Host-ID'] = spec.hostID ?? `client-${Math.random().toString(36).slice(2)}`;
  if (spec.clientType !== '') h['X-Client-Type'] = spec.clientType ?? 'cli';
  if (spec.protocol) h['X-Client-Protocol'] = spec.protocol;
  return { ...h, ...spec.headers };
}

/** Connects a client; rejects with the HTTP status when the handshake is refused. */
export function connect(url: string, spec: ClientSpec = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: headersOf(spec), ...spec.options });
    let upgrade: IncomingMessage | undefined;
    ws.once('upgrade', (res) => (upgrade = res));
    ws.once('open', () => resolve(new TestClient(ws, spec.protocol ?? 'json', upgrade!)));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}: ${body.trim()}`), {
            status: res.statusCode,
            body,
          }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

/** The HTTP status of a refused handshake (fails the test if it is accepted). */
export async function refusal(
  url: string,
  spec: ClientSpec = {},
): Promise<{ status: number; body: string }> {
  try {
    const c = await connect(url, spec);
    await c.close();
  } catch (err) {
    const e = err as { status?: number; body?: string };
    if (e.status !== undefined) return { status: e.status, body: e.body ?? '' };
    throw err;
  }
  throw new Error('handshake was accepted');
}

/** A valid node JSON for tests. */
export function nodeJSON(
  id: string,
  md: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return { ID: id, Metadata: { Name: id, Type: 'device', ...md }, ...extra };
}

/** A valid edge JSON for tests. */
export function edgeJSON(
  id: string,
  parent: string,
  child: string,
  md: Record<string, unknown> = {},
) {
  return { ID: id, Parent: parent, Child: child, Metadata: { RelationType: 'ownership', ...md } };
}

/** Resolves once `cond()` holds, checking every few milliseconds (gives up after `limit` checks). */
export async function until(cond: () => boolean, what = 'condition', limit = 2000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
