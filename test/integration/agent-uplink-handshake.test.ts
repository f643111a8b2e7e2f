// SPDX-License-Identifier: Apache-2.0
// An "analyzer" that accepts TCP but never answers the WebSocket upgrade: the agent gives the
// attempt up after the handshake timeout, closes the socket, retries with its backoff, and its
// /api/status counts the timeouts; closing the agent mid-handshake closes the socket at once.

import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { ClientError, SkydiveClient, WsClient } from '../../src/client/index.js';
import type { AnalyzerLinkStatus } from '../../src/agent/uplink/index.js';
import { WsPath } from '../../src/protocol/index.js';
import { settle, startTestAgent, SUITE } from './agent-kit.js';
import type { Teardown } from './helpers.js';

/** A TCP server that reads the upgrade request and never writes a byte. */
interface SilentServer {
  address: string;
  /** Connections accepted so far. */
  accepted: number;
  /** Of those, the ones the client closed (we never close one ourselves). */
  closedByPeer: number;
  /** Bytes of upgrade requests received. */
  received: number;
}

async function silentServer(t: Teardown): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  const state = { address: '', accepted: 0, closedByPeer: 0, received: 0 };
  const server = net.createServer((socket) => {
    state.accepted++;
    sockets.add(socket);
    socket.on('data', (b) => (state.received += b.length));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (sockets.delete(socket)) state.closedByPeer++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) {
      sockets.delete(s);
      s.destroy();
    }
    await new Promise((r) => server.close(r));
  });
  state.address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return state;
}

describe('uplink handshake timeout', SUITE, () => {
  it('gives up an unanswered handshake, retries, and counts it in the status', async (t) => {
    const silent = await silentServer(t);
    const agent = await startTestAgent(t, {
      analyzers: [silent.address],
      uplink: { handshakeTimeoutMs: 150, minDelayMs: 10, maxDelayMs: 40 },
    });
    // Several attempts, each socket closed by the agent: it did not hang on the first one.
    await settle(() => {
      assert.ok(silent.accepted >= 3, `only ${silent.accepted} connection attempts`);
      assert.ok(
        silent.closedByPeer >= 2,
        `only ${silent.closedByPeer} sockets closed by the agent`,
      );
    });
    assert.ok(silent.received > 0, 'the agent sent no upgrade request');
    const status = await new SkydiveClient({ analyzer: agent.address }).status();
    const link = (status['Analyzers'] as Record<string, AnalyzerLinkStatus>)[silent.address];
    assert.ok(link, `no status for ${silent.address}: ${JSON.stringify(status['Analyzers'])}`);
    assert.equal(link.IsConnected, false);
    assert.ok(link.HandshakeTimeouts >= 2, `HandshakeTimeouts ${link.HandshakeTimeouts}`);
    assert.ok(link.ConnectAttempts >= link.HandshakeTimeouts, JSON.stringify(link));
    assert.match(link.LastError ?? '', /no answer to the WebSocket handshake/);
  });

  it('closing the agent mid-handshake closes the socket', async (t) => {
    const silent = await silentServer(t);
    const agent = await startTestAgent(t, {
      analyzers: [silent.address],
      uplink: { handshakeTimeoutMs: 600_000 },
    });
    await settle(() => assert.ok(silent.received > 0, 'no upgrade request yet'));
    assert.equal(agent.uplink.status()[silent.address]?.HandshakeTimeouts, 0);
    await agent.close();
    await settle(() => assert.equal(silent.closedByPeer, 1, 'the pending socket stayed open'));
  });

  it('WsClient.connect() rejects with SKY_ERR_CLIENT_TIMEOUT', async (t) => {
    const silent = await silentServer(t);
    const ws = new WsClient({
      analyzer: silent.address,
      path: WsPath.Subscriber,
      handshakeTimeoutMs: 100,
    });
    t.after(() => ws.close());
    await assert.rejects(
      ws.connect(),
      (err: unknown) => err instanceof ClientError && err.code === 'SKY_ERR_CLIENT_TIMEOUT',
    );
    await settle(() => assert.equal(silent.closedByPeer, 1, 'the timed-out socket stayed open'));
    assert.equal(ws.connected, false);
  });
});
