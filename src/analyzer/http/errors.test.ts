// SPDX-License-Identifier: Apache-2.0
// The error table end to end: every kind's status, the JSON body, Fastify's own failures (bad
// JSON, wrong media type, oversized body, unknown route), generic 500s whose stack is only logged,
// log levels by blame, and a graph left intact by bad requests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ConflictError, NotFoundError, SkydiveError, type ErrorKind } from '../../graph/errors.js';
import { captureLogger, testApp, testContext } from '../testing/context.js';
import { STATUS_BY_KIND } from '../../api/http/errors.js';
import { registerHttp } from './index.js';

async function appWithRoutes(add: (app: FastifyInstance) => void) {
  const { logger, lines } = captureLogger('info');
  const ctx = testContext({ logger });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: ctx.settings.maxBodySize,
  }) as unknown as FastifyInstance;
  await registerHttp(app, ctx);
  add(app);
  await app.ready();
  return { app, lines, ctx };
}

describe('error table', () => {
  it('maps every kind, RBAC denial to 405 and query errors to 400', () => {
    assert.equal(STATUS_BY_KIND.forbidden, 405);
    assert.equal(STATUS_BY_KIND.query_syntax, 400);
    assert.equal(STATUS_BY_KIND.query_execution, 400);
    assert.equal(STATUS_BY_KIND.timeout, 504);
    assert.equal(Object.keys(STATUS_BY_KIND).length, 12);
  });

  it('answers each kind with its status and the {statusCode, code, error, message} body', async () => {
    const kinds = Object.keys(STATUS_BY_KIND) as ErrorKind[];
    const { app } = await appWithRoutes((a) => {
      for (const k of kinds)
        a.get(`/t/${k}`, async () => {
          throw new SkydiveError(k, `SKY_ERR_TEST_${k.toUpperCase()}`, `about ${k}`);
        });
    });
    for (const k of kinds) {
      const res = await app.inject({ url: `/t/${k}` });
      assert.equal(res.statusCode, STATUS_BY_KIND[k], k);
      if (res.statusCode === 304) {
        assert.equal(res.body, '');
        continue;
      }
      assert.deepEqual(res.json(), {
        statusCode: STATUS_BY_KIND[k],
        code: `SKY_ERR_TEST_${k.toUpperCase()}`,
        error: res.json().error,
        message: `about ${k}`,
      });
      assert.match(res.headers['content-type'] as string, /^application\/json/);
    }
    await app.close();
  });

  it('turns unknown errors into a generic 500, logging the stack at error level only', async () => {
    const { app, lines } = await appWithRoutes((a) => {
      a.get('/boom', async () => {
        throw new TypeError('secret detail');
      });
      a.get('/missing', async () => {
        throw new NotFoundError('SKY_ERR_NODE_NOT_FOUND', "Node 'x' not found");
      });
    });
    const res = await app.inject({ url: '/boom' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), {
      statusCode: 500,
      code: 'SKY_ERR_INTERNAL',
      error: 'Internal Server Error',
      message: 'Internal Server Error',
    });
    assert.doesNotMatch(res.body, /secret/);
    const failed = lines.find((l) => l.msg === 'request failed');
    assert.equal(failed?.level, 50);
    assert.match(JSON.stringify(failed), /secret detail/);
    assert.match(String((failed?.['err'] as { stack?: string })?.stack), /TypeError/);

    await app.inject({ url: '/missing' });
    const refused = lines.find(
      (l) => l.msg === 'request refused' && l['code'] === 'SKY_ERR_NODE_NOT_FOUND',
    );
    assert.equal(refused?.level, 30);
    await app.close();
  });
});

describe('bad input', () => {
  it('answers malformed JSON, wrong media types, oversized bodies and unknown routes, graph intact', async () => {
    const ctx = testContext({ settings: { maxBodySize: 2048 } });
    const app = await testApp(ctx);
    await app.inject({
      method: 'POST',
      url: '/api/node',
      payload: { ID: 'keep', Metadata: { Name: 'eth0', Type: 'device' } },
    });

    let res = await app.inject({
      method: 'POST',
      url: '/api/node',
      headers: { 'content-type': 'application/json' },
      payload: '{"ID": "x", ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'SKY_ERR_BAD_JSON');

    res = await app.inject({
      method: 'POST',
      url: '/api/node',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, 'SKY_ERR_UNSUPPORTED_MEDIA_TYPE');
    assert.match(res.json().message, /text\/plain/);

    res = await app.inject({
      method: 'POST',
      url: '/api/node',
      payload: { ID: 'big', Metadata: { Name: 'x'.repeat(4096), Type: 'device' } },
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, 'SKY_ERR_BODY_TOO_LARGE');
    assert.match(res.json().message, /2048 bytes/);

    res = await app.inject({
      method: 'POST',
      url: '/api/topology',
      payload: '[1,2',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400);

    res = await app.inject({ url: '/api/unknown/route' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), {
      statusCode: 404,
      code: 'SKY_ERR_ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: 'no route GET /api/unknown/route',
    });

    res = await app.inject({
      method: 'DELETE',
      url: '/api/nothing',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 404, 'an empty JSON body is not an error');

    assert.equal(ctx.graph.nodeCount, 1);
    res = await app.inject({ url: '/api/node/keep' });
    assert.equal(res.statusCode, 200);
    await app.close();
  });

  it('keeps a conflict error code and message from the graph', async () => {
    const { app } = await appWithRoutes((a) => {
      a.get('/c', async () => {
        throw new ConflictError('SKY_ERR_NODE_EXISTS', "Node 'n' already exists");
      });
    });
    const res = await app.inject({ url: '/c' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error, 'Conflict');
    await app.close();
  });
});
