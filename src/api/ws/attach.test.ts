// SPDX-License-Identifier: Apache-2.0
// The shared front door with a caller-chosen endpoint set: the service type in the upgrade
// response, 404 for paths the service does not serve, peers looked up by path and host ID.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { testApiContext } from '../testing/context.js';
import { attachWebSocketHub } from './attach.js';
import { subscriberEndpoint } from './subscriber.js';

function open(url: string, headers: Record<string, string>) {
  return new Promise<{ ws: WebSocket; headers: Record<string, unknown> }>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let h: Record<string, unknown> = {};
    ws.once('upgrade', (res) => (h = res.headers));
    ws.once('open', () => resolve({ ws, headers: h }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))));
    ws.once('error', reject);
  });
}

describe('attachWebSocketHub', () => {
  it('serves only the given endpoints, as the given service type', async (t) => {
    const ctx = testApiContext();
    const server = createServer();
    const hub = attachWebSocketHub(server, ctx, {
      serviceType: 'agent',
      endpoints: (svc) => [subscriberEndpoint(svc)],
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(async () => {
      await hub.close();
      await new Promise((r) => server.close(r));
    });
    const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = await open(`${base}/ws/subscriber`, { 'X-Host-ID': 'ui1', 'X-Client-Type': 'webui' });
    t.after(() => c.ws.terminate());
    assert.equal(c.headers['x-service-type'], 'agent');
    assert.equal(c.headers['x-host-id'], 'testhost');
    assert.ok(hub.peer('/ws/subscriber', 'ui1'));
    assert.ok(ctx.status.has('Subscribers', 'ui1'));
    await assert.rejects(open(`${base}/ws/publisher`, { 'X-Host-ID': 'p' }), /404/);
    await assert.rejects(open(`${base}/ws/agent/topology`, { 'X-Host-ID': 'a' }), /404/);
  });
});
