// SPDX-License-Identifier: Apache-2.0
// Tests of ReconnectingLink against real loopback servers: the open → lost → redial cycle, refused
// and unanswered dials with their backoff, drop() and stop() from onOpen, close(), splitHostPort.

import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeStructMessage, newStructMessage, type StructMessage } from '../protocol/index.js';
import { ClientError } from './errors.js';
import {
  ReconnectingLink,
  splitHostPort,
  type ReconnectingLinkHooks,
  type ReconnectingLinkOptions,
} from './reconnecting-link.js';
import type { HandshakeInfo } from './ws-client.js';

interface Server {
  address: string;
  wss: WebSocketServer;
  /** Sockets accepted so far, in order. */
  sockets: WebSocket[];
  close: () => Promise<void>;
}

/** A ws server on port 0 answering as analyzer `peer`; `refuse` answers the upgrade with 409. */
async function startServer(peer = 'peer-1', refuse = false): Promise<Server> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, cb) => (refuse ? cb(false, 409, 'busy') : cb(true)),
  });
  const sockets: WebSocket[] = [];
  wss.on('headers', (h) => h.push(`X-Host-ID: ${peer}`, 'X-Service-Type: analyzer'));
  wss.on('connection', (s) => sockets.push(s));
  await once(wss, 'listening');
  const { port } = wss.address() as net.AddressInfo;
  const close = async (): Promise<void> => {
    wss.clients.forEach((c) => c.terminate());
    await new Promise((resolve) => wss.close(resolve));
  };
  return { address: `127.0.0.1:${port}`, wss, sockets, close };
}

/** Resolves once `check` holds (polled); the test runner's timeout bounds it. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

/** Every hook call, in order. */
interface Recorder {
  calls: string[];
  opened: HandshakeInfo[];
  messages: StructMessage[];
  failures: Error[];
  retries: Array<[number, number]>;
  hooks: ReconnectingLinkHooks;
}

function recorder(onOpen?: (info: HandshakeInfo) => void): Recorder {
  const r: Recorder = {
    calls: [],
    opened: [],
    messages: [],
    failures: [],
    retries: [],
    hooks: {
      onOpen: (info) => {
        r.calls.push('open');
        r.opened.push(info);
        onOpen?.(info);
      },
      onMessage: (msg) => {
        r.calls.push(`message ${msg.Type}`);
        r.messages.push(msg);
      },
      onLost: (code) => void r.calls.push(`lost ${code}`),
      onFailure: (err) => {
        r.calls.push('failure');
        r.failures.push(err);
      },
      onRetry: (attempt, delayMs) => {
        r.calls.push(`retry ${attempt}`);
        r.retries.push([attempt, delayMs]);
      },
    },
  };
  return r;
}

function options(address: string, extra: Partial<ReconnectingLinkOptions['client']> = {}) {
  return {
    client: { analyzer: address, path: '/ws/test', hostId: 'me', clientType: 'agent', ...extra },
    // full jitter with random() = 0: every delay is 0, the cycle runs without waiting
    backoff: { minDelayMs: 1, maxDelayMs: 4, jitter: 1 },
    random: () => 0,
  } satisfies ReconnectingLinkOptions;
}

describe('ReconnectingLink', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  test('opens, delivers messages after onOpen, and dials again after a loss', async () => {
    const srv = await startServer();
    cleanup.push(srv.close);
    // the server speaks first, as an analyzer answering a replication dial does
    srv.wss.on('connection', (s) =>
      s.send(encodeStructMessage(newStructMessage('Graph', 'Sync', {}), 'json') as string),
    );
    const r = recorder();
    const link = new ReconnectingLink(options(srv.address), r.hooks);
    cleanup.push(() => link.close());
    assert.equal(link.state, 'idle');
    link.start();
    await until(() => r.messages.length === 1);
    assert.equal(link.state, 'connected');
    assert.deepEqual(r.opened[0], { remoteHost: 'peer-1', remoteServiceType: 'analyzer' });
    assert.deepEqual(r.calls, ['open', 'message Sync']);
    assert.equal(link.lastError, '');

    srv.sockets[0]?.close(1001, 'going away');
    await until(() => r.opened.length === 2);
    assert.deepEqual(r.calls.slice(2, 4), ['lost 1001', 'retry 1']);
    assert.equal(link.attempts, 2);
    assert.equal(link.failures, 0, 'an accepted connection resets the streak');
    assert.equal(link.lastError, '');

    await link.send(newStructMessage('Graph', 'Ping', {}));
    const [data] = (await once(srv.sockets[1]!, 'message')) as [Buffer];
    assert.match(data.toString(), /"Type":"Ping"/);
  });

  test('a refused dial is retried with a growing backoff and says why', async () => {
    const srv = await startServer('peer-1', true);
    cleanup.push(srv.close);
    const r = recorder();
    const link = new ReconnectingLink(
      { ...options(srv.address), random: () => 0.5 }, // no spread: delays 1, 2, 4, 4
      r.hooks,
    );
    cleanup.push(() => link.close());
    link.start();
    await until(() => r.retries.length >= 4);
    await link.close();
    assert.equal(link.state, 'closed');
    assert.deepEqual(
      r.retries.slice(0, 4).map(([a, d]) => `${a}:${d}`),
      ['1:1', '2:2', '3:4', '4:4'],
    );
    assert.match(link.lastError, /^HTTP 409/);
    assert.equal(r.opened.length, 0);
    assert.deepEqual(r.calls.slice(0, 2), ['failure', 'retry 1']);
  });

  test('a dial nobody answers fails with SKY_ERR_CLIENT_TIMEOUT and is retried', async () => {
    const held: net.Socket[] = [];
    const mute = net.createServer((s) => held.push(s)); // accepts TCP, never answers the upgrade
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of held) s.destroy();
          mute.close(() => resolve());
        }),
    );
    const port = (mute.address() as net.AddressInfo).port;
    const r = recorder();
    const link = new ReconnectingLink(
      options(`127.0.0.1:${port}`, { handshakeTimeoutMs: 30 }),
      r.hooks,
    );
    cleanup.push(() => link.close());
    link.start();
    await until(() => r.failures.length >= 2);
    await link.close();
    const err = r.failures[0];
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, 'SKY_ERR_CLIENT_TIMEOUT');
    assert.match(link.lastError, /no answer to the WebSocket handshake/);
    assert.ok(link.attempts >= 2);
  });

  test('drop(reason) from onOpen refuses the connection: no onLost, the streak grows', async () => {
    const srv = await startServer();
    cleanup.push(srv.close);
    let refusals = 2;
    const link: ReconnectingLink = new ReconnectingLink(
      options(srv.address),
      recorder(() => {
        if (refusals-- > 0) link.drop('taken');
      }).hooks,
    );
    cleanup.push(() => link.close());
    link.start();
    await until(() => srv.sockets.length === 3 && link.connected);
    assert.equal(link.failures, 0);
    assert.equal(link.lastError, '');
    assert.equal(link.attempts, 3);
  });

  test('drop(reason) keeps the reason as lastError while waiting', async () => {
    const srv = await startServer();
    cleanup.push(srv.close);
    const rec = recorder(() => link.drop('a link with peer-1 already exists'));
    // a long backoff: the link stays 'waiting' after the refusal
    const link: ReconnectingLink = new ReconnectingLink(
      { ...options(srv.address), backoff: { minDelayMs: 60_000, jitter: 0 } },
      rec.hooks,
    );
    cleanup.push(() => link.close());
    link.start();
    await until(() => rec.retries.length === 1);
    assert.equal(link.state, 'waiting');
    assert.equal(link.lastError, 'a link with peer-1 already exists');
    assert.equal(link.failures, 1);
    assert.ok(!rec.calls.some((c) => c.startsWith('lost')));
    await link.close();
    assert.equal(link.state, 'closed');
  });

  test('drop() without a reason reports the end through onLost, then dials again', async () => {
    const srv = await startServer();
    cleanup.push(srv.close);
    const rec = recorder();
    const link = new ReconnectingLink(options(srv.address), rec.hooks);
    cleanup.push(() => link.close());
    link.start();
    await until(() => link.connected);
    link.drop();
    assert.equal(link.state, 'waiting');
    await until(() => rec.opened.length === 2);
    assert.deepEqual(rec.calls, ['open', 'lost 1000', 'retry 1', 'open']);
  });

  test('stop() from onOpen closes the connection and never dials again', async () => {
    const srv = await startServer('me');
    cleanup.push(srv.close);
    const rec = recorder((info) => {
      if (info.remoteHost === 'me') link.stop();
    });
    const link: ReconnectingLink = new ReconnectingLink(options(srv.address), rec.hooks);
    cleanup.push(() => link.close());
    link.start();
    const [sock] = (await once(srv.wss, 'connection')) as [WebSocket];
    await once(sock, 'close');
    assert.equal(link.state, 'stopped');
    // retries would run at once (delay 0): give them many turns to show up
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(srv.sockets.length, 1);
    assert.equal(link.attempts, 1);
    assert.deepEqual(rec.calls, ['open']);
  });

  test('close() while connected reports the end and stops dialing', async () => {
    const srv = await startServer();
    cleanup.push(srv.close);
    const rec = recorder();
    const link = new ReconnectingLink(options(srv.address), rec.hooks);
    link.start();
    await until(() => link.connected);
    await link.close();
    assert.equal(link.state, 'closed');
    assert.deepEqual(rec.calls, ['open', 'lost 1000']);
    await assert.rejects(link.send(newStructMessage('Graph', 'Ping', {})), ClientError);
    link.start(); // a closed link stays closed
    assert.equal(link.state, 'closed');
  });

  test('splitHostPort', () => {
    assert.deepEqual(splitHostPort('10.0.0.1:8082'), { host: '10.0.0.1', port: 8082 });
    assert.deepEqual(splitHostPort('[::1]:8082'), { host: '::1', port: 8082 });
    assert.deepEqual(splitHostPort('analyzer'), { host: 'analyzer', port: 0 });
  });
});
