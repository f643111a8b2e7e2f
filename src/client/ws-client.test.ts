// SPDX-License-Identifier: Apache-2.0
// Tests of WsClient, subscribe() and publish(): handshake headers, request/reply, timeouts, refused
// upgrades, protobuf frames, reconnection with resync, and the backoff delays.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  decodeStructMessageProto,
  encodeStructMessageProto,
  newStructMessage,
  type NodeJSON,
} from '../protocol/index.js';
import { startFakeAnalyzer, type FakeAnalyzer } from '../../test/fakes/fake-analyzer.js';
import { backoffDelay } from './backoff.js';
import { ApiError, ClientError } from './errors.js';
import { MessageStream } from './message-stream.js';
import { publish, subscribe, syncRequest } from './pubsub.js';
import { WsClient } from './ws-client.js';

const node = (id: string): NodeJSON => ({
  ID: id,
  Metadata: { Name: id, Type: 'device' },
  Host: 'h',
  Origin: 'cli.h',
  CreatedAt: 1,
  UpdatedAt: 1,
  DeletedAt: null,
  Revision: 1,
});

/** A bare ws server on port 0; `headers` are added to the upgrade response. */
async function rawServer(
  headers: string[],
  onConnection: (socket: WebSocket) => void,
): Promise<{ address: string; wss: WebSocketServer; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('headers', (h) => h.push(...headers));
  wss.on('connection', onConnection);
  await once(wss, 'listening');
  const addr = wss.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    wss,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

describe('WsClient against the fake analyzer', () => {
  let fake: FakeAnalyzer;
  before(async () => {
    fake = await startFakeAnalyzer();
  });
  after(() => fake.close());

  test('sends the handshake headers and reads the server identity', async () => {
    const ws = new WsClient({
      analyzer: fake.address,
      hostId: 'cli-test',
      persistencePolicy: 'Persistent',
      gremlinFilter: 'G.V().SubGraph()',
      updatePolicy: 'partial',
      username: 'u',
      password: 'p',
    });
    const info = await ws.connect();
    assert.deepEqual(info, { remoteHost: 'fake-analyzer', remoteServiceType: 'analyzer' });
    const h = fake.log.wsHandshakes.at(-1)?.headers ?? {};
    assert.equal(h['x-host-id'], 'cli-test');
    assert.equal(h['x-client-type'], 'cli');
    assert.equal(h['x-client-protocol'], 'json');
    assert.equal(h['x-websocket-namespace'], '*');
    assert.equal(h['x-persistence-policy'], 'Persistent');
    assert.equal(h['x-gremlin-filter'], 'G.V().SubGraph()');
    assert.equal(h['x-update-policy'], 'partial');
    assert.equal(h.authorization, `Basic ${btoa('u:p')}`);
    await ws.close();
    assert.equal(ws.connected, false);
  });

  test('publish() then a SyncRequest on the same endpoint sees the elements', async () => {
    await publish({ analyzer: fake.address, hostId: 'pub1' }, [
      newStructMessage('Graph', 'NodeAdded', node('p1')),
      newStructMessage('Graph', 'NodeAdded', node('p2')),
      newStructMessage('Graph', 'EdgeAdded', {
        ...node('e1'),
        Metadata: { RelationType: 'ownership' },
        Parent: 'p1',
        Child: 'p2',
      }),
    ]);
    const hs = fake.log.wsHandshakes.filter((h) => h.path === '/ws/publisher').at(-1);
    assert.equal(hs?.headers['x-persistence-policy'], 'Persistent');
    const ws = new WsClient({ analyzer: fake.address, path: '/ws/publisher', hostId: 'pub2' });
    await ws.connect();
    const graph = await syncRequest(ws);
    await ws.close();
    assert.deepEqual(graph.Nodes.map((n) => n.ID).sort(), ['p1', 'p2']);
    assert.deepEqual(
      graph.Edges.map((e) => e.ID),
      ['e1'],
    );
  });

  test('subscribe() returns the graph, then live events', async () => {
    const sub = await subscribe({ analyzer: fake.address, hostId: 'sub1' });
    assert.ok(sub.graph.Nodes.some((n) => n.ID === 'p1'));
    fake.broadcast({ Namespace: 'Graph', Type: 'NodeAdded', Obj: node('live1') });
    const first = await sub.events.next();
    assert.equal(first.done, false);
    assert.equal(first.value?.Type, 'NodeAdded');
    assert.equal((first.value?.Obj as NodeJSON).ID, 'live1');
    await sub.close();
    assert.equal((await sub.events.next()).done, true);
  });

  test('a request with no reply times out', async () => {
    const ws = new WsClient({ analyzer: fake.address, hostId: 't1', requestTimeoutMs: 50 });
    await ws.connect();
    await assert.rejects(ws.request(newStructMessage('Nothing', 'Ask', null)), (e: unknown) => {
      return e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_TIMEOUT';
    });
    await ws.close();
  });

  test('subscribe with reconnect resyncs after the server drops the socket', async () => {
    const sub = await subscribe({
      analyzer: fake.address,
      hostId: 'sub-re',
      reconnect: { minDelayMs: 5, jitter: 0 },
    });
    const reconnecting = once(sub.client, 'reconnecting');
    for (const c of fake.app.websocketServer.clients) c.terminate();
    await reconnecting;
    const next = await sub.events.next();
    assert.equal(next.value?.Type, 'SyncReply');
    assert.ok(Array.isArray((next.value?.Obj as { Nodes: unknown[] }).Nodes));
    await sub.close();
  });
});

describe('WsClient handshake failures and protobuf', () => {
  test('a refused upgrade is an ApiError with the status', async () => {
    const fake = await startFakeAnalyzer({ users: { admin: 'pw' } });
    try {
      const ws = new WsClient({ analyzer: fake.address, username: 'admin', password: 'bad' });
      await assert.rejects(ws.connect(), (e: unknown) => {
        return e instanceof ApiError && e.status === 401 && e.message === 'Wrong credentials';
      });
    } finally {
      await fake.close();
    }
  });

  test('a server that omits X-Host-ID / X-Service-Type is refused', async () => {
    const srv = await rawServer([], () => {});
    try {
      await assert.rejects(new WsClient({ analyzer: srv.address }).connect(), (e: unknown) => {
        return e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_PROTOCOL';
      });
    } finally {
      await srv.close();
    }
  });

  test('an unreachable server is a connection error', async () => {
    await assert.rejects(new WsClient({ analyzer: '127.0.0.1:1' }).connect(), (e: unknown) => {
      return e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_CONNECTION';
    });
  });

  test('protobuf: binary frames both ways, replies matched by UUID', async () => {
    const frames: boolean[] = [];
    const srv = await rawServer(['X-Host-ID: pb', 'X-Service-Type: analyzer'], (socket) => {
      socket.on('message', (data, isBinary) => {
        frames.push(isBinary);
        const msg = decodeStructMessageProto(new Uint8Array(data as Buffer));
        socket.send(
          encodeStructMessageProto({ ...msg, Type: 'SyncReply', Obj: { Nodes: [], Edges: [] } }),
        );
        socket.send(encodeStructMessageProto(newStructMessage('Graph', 'NodeAdded', node('x'))));
      });
    });
    try {
      const ws = new WsClient({ analyzer: srv.address, protocol: 'protobuf' });
      await ws.connect();
      const events = ws.messages();
      const graph = await syncRequest(ws);
      assert.deepEqual(graph, { Nodes: [], Edges: [] });
      const ev = await events.next();
      assert.equal((ev.value?.Obj as NodeJSON).ID, 'x');
      assert.deepEqual(frames, [true]);
      await ws.close();
      assert.equal((await events.next()).done, true);
    } finally {
      await srv.close();
    }
  });

  test('a silent server is dropped after heartbeatTimeoutMs', async () => {
    const srv = await rawServer(['X-Host-ID: quiet', 'X-Service-Type: analyzer'], () => {});
    try {
      const ws = new WsClient({ analyzer: srv.address, heartbeatTimeoutMs: 20 });
      const errors: Error[] = [];
      ws.on('error', (e) => errors.push(e));
      // not events.once: it rejects on the 'error' event this test expects
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      await ws.connect();
      await closed;
      assert.equal(ws.connected, false);
      assert.ok(
        errors.some((e) => e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_TIMEOUT'),
      );
    } finally {
      await srv.close();
    }
  });

  test('reconnect gives up after maxAttempts', async () => {
    let connections = 0;
    const server: { stop?: () => Promise<void> } = {};
    // the server accepts one connection, then drops it and stops listening
    const srv = await rawServer(['X-Host-ID: r', 'X-Service-Type: analyzer'], () => {
      connections += 1;
      void server.stop?.();
    });
    server.stop = srv.close;
    const ws = new WsClient({
      analyzer: srv.address,
      reconnect: { minDelayMs: 1, maxAttempts: 2, jitter: 0 },
    });
    const attempts: number[] = [];
    const errors: Error[] = [];
    let secondFailed!: () => void;
    const done = new Promise<void>((resolve) => (secondFailed = resolve));
    ws.on('reconnecting', (n) => attempts.push(n));
    ws.on('error', (e) => {
      errors.push(e);
      if (attempts.length === 2) secondFailed();
    });
    const closed = once(ws, 'close');
    await ws.connect();
    await closed;
    // the server is gone: attempts fail until maxAttempts is reached, then no more are scheduled
    await done;
    await ws.close();
    assert.equal(connections, 1);
    assert.deepEqual(attempts, [1, 2]);
    assert.ok(errors.every((e) => e instanceof ClientError));
  });
});

test('backoff grows, is capped and jittered', () => {
  const mid = () => 0.5;
  assert.equal(backoffDelay(1, { minDelayMs: 100 }, mid), 100);
  assert.equal(backoffDelay(3, { minDelayMs: 100 }, mid), 400);
  assert.equal(backoffDelay(20, { minDelayMs: 100, maxDelayMs: 1000 }, mid), 1000);
  assert.equal(
    backoffDelay(1, { minDelayMs: 100, jitter: 0.5 }, () => 0),
    50,
  );
  assert.equal(
    backoffDelay(1, { minDelayMs: 100, jitter: 0.5 }, () => 0.999999),
    150,
  );
});

test('MessageStream buffers, ends and fails', async () => {
  const s = new MessageStream<number>();
  s.push(1);
  s.push(2);
  const seen: number[] = [];
  const reading = (async () => {
    for await (const v of s) seen.push(v);
  })();
  s.push(3);
  s.end();
  await reading;
  assert.deepEqual(seen, [1, 2, 3]);
  const f = new MessageStream<number>();
  f.fail(new Error('boom'));
  await assert.rejects(f.next(), /boom/);
});
