// SPDX-License-Identifier: Apache-2.0
// /api, /api/status and /api/config/{key}.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnStatus } from '../../api/status.js';
import { testApp, testContext } from '../testing/context.js';

describe('/api, /api/status, /api/config', () => {
  it('GET /api gives Host, Version and Service', async () => {
    const app = await testApp(testContext({ settings: { version: '1.2.3' } }));
    const res = await app.inject({ url: '/api' });
    assert.deepEqual(res.json(), { Host: 'testhost', Version: '1.2.3', Service: 'analyzer' });
    await app.close();
  });

  it('GET /api/status shows the registered connections in Skydive’s document', async () => {
    const ctx = testContext();
    const conn: ConnStatus = {
      ServiceType: 'agent',
      ClientProtocol: 'json',
      Addr: '10.0.0.2',
      Port: 41234,
      IsConnected: true,
      ConnectTime: '2026-01-01T00:00:00Z',
      RemoteHost: 'node1',
      RemoteServiceType: 'agent',
    };
    ctx.status.add('Agents', 'node1', { status: () => conn });
    const app = await testApp(ctx);
    const res = await app.inject({ url: '/api/status' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      Agents: { node1: conn },
      Peers: { Incomers: {}, Outgoers: {} },
      Publishers: {},
      Subscribers: {},
      Alerts: { IsMaster: true },
      Captures: { IsMaster: true },
      Probes: {},
    });
    await app.close();
  });

  it('GET /api/config/{key} gives the JSON value, 404 when absent', async () => {
    const values: Record<string, unknown> = {
      'analyzer.listen': '0.0.0.0:8082',
      'flow.max': 3,
      'x.null': null,
    };
    const app = await testApp(testContext({ settings: { configValue: (k) => values[k] } }));
    const res = await app.inject({ url: '/api/config/analyzer.listen' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '"0.0.0.0:8082"');
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.equal((await app.inject({ url: '/api/config/flow.max' })).body, '3');
    assert.equal((await app.inject({ url: '/api/config/x.null' })).body, 'null');
    const missing = await app.inject({ url: '/api/config/no.such.key' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'SKY_ERR_CONFIG_NOT_FOUND');
    await app.close();
  });
});
