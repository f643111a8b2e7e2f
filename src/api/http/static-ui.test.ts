// SPDX-License-Identifier: Apache-2.0
// The web UI's static files: caching headers, the single-page fallback, API 404s kept as JSON,
// no escape from the UI folder, and the hint page when the UI is not built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandlers } from './errors.js';
import { registerStaticUi } from './static-ui.js';

async function appFor(dir: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandlers(app);
  registerStaticUi(app, dir);
  await app.ready();
  return app;
}

describe('static UI', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sktest-ui-'));
    mkdirSync(path.join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'index.html'), '<!doctype html><p>ui</p>');
    writeFileSync(path.join(dir, 'dist', 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    app = await appFor(path.join(dir, 'dist'));
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client routes, revalidated', async () => {
    for (const url of ['/', '/index.html', '/topology/node/abc?x=1']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.equal(r.body, '<!doctype html><p>ui</p>');
    }
  });

  it('serves hashed assets as immutable with their type', async () => {
    const r = await app.inject({ url: '/assets/app-1234.js' });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^text\/javascript/);
    assert.match(r.headers['cache-control'] as string, /immutable/);
    assert.equal(r.body, 'console.log(1)');
  });

  it('answers JSON 404s for missing assets, API and WS paths, 400 for bad escapes', async () => {
    for (const url of ['/assets/nope.js', '/api/unknown', '/ws/nothing']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 404, url);
      assert.equal(r.json().code, 'SKY_ERR_ROUTE_NOT_FOUND', url);
    }
    // fastify refuses a malformed escape before routing
    assert.equal((await app.inject({ url: '/%E0%A4%A' })).statusCode, 400);
  });

  it('never serves a file outside the UI folder', async () => {
    for (const url of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const r = await app.inject({ url });
      assert.notEqual(r.body, 'outside', url);
    }
  });

  it('shows how to build the UI when it is not built', async () => {
    const bare = await appFor(path.join(dir, 'missing'));
    try {
      const r = await bare.inject({ url: '/' });
      assert.equal(r.statusCode, 404);
      assert.match(r.body, /web UI is not built/);
      assert.match(r.body, /scripts\/setup/);
    } finally {
      await bare.close();
    }
  });
});
