// SPDX-License-Identifier: Apache-2.0
// What wraps every route: gzip, CORS (simple requests and preflight), the OpenAPI document.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testApp, testContext } from '../testing/context.js';

describe('gzip, CORS and OpenAPI', () => {
  let app: FastifyInstance;
  before(async () => {
    const ctx = testContext();
    for (let i = 0; i < 50; i++) ctx.graph.newNode({ Name: `eth${i}`, Type: 'device' });
    app = await testApp(ctx);
  });
  after(() => app.close());

  it('gzips responses when the client accepts it', async () => {
    const res = await app.inject({ url: '/api/topology', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    const body = JSON.parse(gunzipSync(res.rawPayload).toString('utf8'));
    assert.equal(body.Nodes.length, 50);
    const plain = await app.inject({ url: '/api/topology' });
    assert.equal(plain.headers['content-encoding'], undefined);
  });

  it('answers CORS preflight with Skydive’s headers, and any origin on requests', async () => {
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/api/node',
      headers: {
        origin: 'http://elsewhere.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type, X-Auth-Token',
      },
    });
    assert.ok(pre.statusCode === 204 || pre.statusCode === 200);
    assert.equal(pre.headers['access-control-allow-origin'], '*');
    const methods = String(pre.headers['access-control-allow-methods']);
    for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])
      assert.match(methods, new RegExp(m));
    const allowed = String(pre.headers['access-control-allow-headers']);
    for (const h of ['X-Requested-With', 'Content-Type', 'Authorization', 'X-Auth-Token'])
      assert.match(allowed, new RegExp(h));
    const get = await app.inject({ url: '/api', headers: { origin: 'http://elsewhere.example' } });
    assert.equal(get.headers['access-control-allow-origin'], '*');
  });

  it('serves an OpenAPI 3 document built from the route schemas', async () => {
    const res = await app.inject({ url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.match(doc.openapi, /^3\./);
    for (const p of [
      '/api/topology',
      '/api/node/{id}',
      '/api/noderule',
      '/api/edgerule/{id}',
      '/login',
      '/api/status',
    ])
      assert.ok(doc.paths[p], p);
    assert.ok(doc.paths['/api/node'].post.requestBody);
    assert.equal(doc.paths['/api/openapi.json'], undefined);
    assert.ok(doc.components.securitySchemes.basicAuth);
  });
});
