// SPDX-License-Identifier: Apache-2.0
// /api and /api/status on the shared surface: the service names itself and builds its own status
// document; the shared surface serves nothing analyzer-specific.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testApiApp, testApiContext } from '../testing/context.js';

describe('shared /api and /api/status', () => {
  it('GET /api names the service given by the caller', async (t) => {
    const app = await testApiApp(testApiContext({ settings: { version: '9.9.9' } }), {
      service: 'agent',
    });
    t.after(() => app.close());
    const res = await app.inject({ url: '/api' });
    assert.deepEqual(res.json(), { Host: 'testhost', Version: '9.9.9', Service: 'agent' });
  });

  it('GET /api/status answers what the service builds, under RBAC status/read', async (t) => {
    let calls = 0;
    const app = await testApiApp(
      testApiContext({
        settings: {
          auth: {
            api: { name: 'b', type: 'basic', users: { eve: 'pw' }, role: 'nobody' },
            cluster: { name: 'noauth', type: 'noauth', role: 'admin' },
          },
        },
      }),
      { status: () => ({ Calls: ++calls }) },
    );
    t.after(() => app.close());
    const auth = { authorization: `Basic ${Buffer.from('eve:pw').toString('base64')}` };
    assert.equal((await app.inject({ url: '/api/status' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/status', headers: auth })).statusCode, 405);
    assert.equal(calls, 0);
  });

  it('serves no analyzer route', async (t) => {
    const app = await testApiApp(testApiContext());
    t.after(() => app.close());
    for (const url of ['/api/node', '/api/noderule', '/api/config/host_id'])
      assert.equal((await app.inject({ url })).json().code, 'SKY_ERR_ROUTE_NOT_FOUND', url);
    assert.deepEqual((await app.inject({ url: '/api/status' })).json(), {});
  });
});
