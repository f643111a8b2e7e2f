// SPDX-License-Identifier: Apache-2.0
// Authentication and RBAC over HTTP: noauth, basic with an htpasswd file (bcrypt generated here),
// inline users, every token carrier, /login cookies and failures, guest denied with 405.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import type { AuthBackendSettings } from '../settings.js';
import { testApp, testContext } from '../testing/context.js';

const dir = mkdtempSync(join(tmpdir(), 'skyhttp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const basic = (user: string, pw: string) =>
  `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const noauth: AuthBackendSettings = { name: 'noauth', type: 'noauth', role: 'admin' };

function appWith(api: AuthBackendSettings, rbacPolicy: string[] = []) {
  return testApp(testContext({ settings: { auth: { api, cluster: noauth }, rbacPolicy } }));
}

describe('auth: noauth', () => {
  it('lets every request through as admin; /login answers a token-less login', async () => {
    const app = await appWith(noauth);
    assert.equal((await app.inject({ url: '/api/node' })).statusCode, 200);
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: 'username=any&password=thing',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(login.statusCode, 200);
    assert.equal(login.json().Token, '');
    assert.ok(login.json().Permissions.length > 0);
    await app.close();
  });
});

describe('auth: basic with an htpasswd file', () => {
  const file = join(dir, 'htpasswd');
  let app: FastifyInstance;
  before(async () => {
    writeFileSync(
      file,
      [
        `alice:${bcrypt.hashSync('wonderland', 4).replace(/^\$2b\$/, '$2y$')}`,
        'guesty:{SHA}' +
          Buffer.from(
            await crypto.subtle.digest('SHA-1', new TextEncoder().encode('gpw')),
          ).toString('base64'),
      ].join('\n'),
    );
    app = await appWith({ name: 'basic', type: 'basic', role: 'admin', file }, [
      'g, guesty, guest',
    ]);
  });
  after(() => app.close());

  it('answers 401 Wrong credentials without or with bad credentials', async () => {
    for (const headers of [
      {},
      { authorization: basic('alice', 'nope') },
      { 'x-auth-token': 'garbage' },
    ]) {
      const res = await app.inject({ url: '/api/topology', headers });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'SKY_ERR_UNAUTHORIZED');
      assert.equal(res.json().message, 'Wrong credentials');
      assert.equal(res.headers['www-authenticate'], undefined);
    }
  });

  it('accepts Basic auth, the authtoken cookie, X-Auth-Token and the x-auth-token query', async () => {
    const token = Buffer.from('alice:wonderland').toString('base64');
    for (const [url, headers] of [
      ['/api/node', { authorization: basic('alice', 'wonderland') }],
      ['/api/node', { cookie: `authtoken=${token}` }],
      ['/api/node', { 'x-auth-token': token }],
      [`/api/node?x-auth-token=${encodeURIComponent(token)}`, {}],
    ] as const) {
      const res = await app.inject({ url, headers });
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
    }
  });

  it('POST /login sets the authtoken and permissions cookies and returns them', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      payload: 'username=alice&password=wonderland',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://ui.example' },
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.Token, Buffer.from('alice:wonderland').toString('base64'));
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.ok(cookies.includes(`authtoken=${body.Token}; Path=/`));
    const perm = cookies.find((c) => c.startsWith('permissions='))!;
    assert.match(perm, /; Path=\/$/);
    const decoded = JSON.parse(
      Buffer.from(perm.slice('permissions='.length, -'; Path=/'.length), 'base64').toString(),
    );
    assert.deepEqual(decoded, body.Permissions);
    assert.ok(
      decoded.some(
        (p: { Object: string; Allowed: boolean }) => p.Object === 'capture' && p.Allowed,
      ),
    );
    assert.equal(res.headers['access-control-allow-origin'], 'http://ui.example');
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
  });

  it('POST /login fails with a plain-text 401; GET /login redirects to /', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/login',
      payload: 'username=alice&password=bad',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.headers['content-type'] as string, /^text\/plain/);
    assert.equal(wrong.body, 'Wrong credentials');
    const none = await app.inject({
      method: 'POST',
      url: '/login',
      payload: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(none.statusCode, 401);
    assert.equal(none.body, 'No credentials provided');
    const get = await app.inject({ url: '/login' });
    assert.equal(get.statusCode, 302);
    assert.equal(get.headers.location, '/');
  });

  it('a guest reads status and topology but gets 405 for everything else', async () => {
    const headers = { authorization: basic('guesty', 'gpw') };
    assert.equal((await app.inject({ url: '/api/status', headers })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/topology', headers })).statusCode, 200);
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/api/topology',
          headers,
          payload: { GremlinQuery: 'G.V()' },
        })
      ).statusCode,
      200,
    );
    for (const [method, url] of [
      ['GET', '/api/node'],
      ['POST', '/api/node'],
      ['GET', '/api/noderule'],
      ['DELETE', '/api/edgerule/x'],
      ['GET', '/api/config/analyzer.listen'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assert.equal(res.json().code, 'SKY_ERR_FORBIDDEN');
    }
  });

  it('leaves /api/openapi.json public', async () => {
    assert.equal((await app.inject({ url: '/api/openapi.json' })).statusCode, 200);
  });
});

describe('auth: basic with inline users and a default guest role', () => {
  it('applies the backend role to users without a binding', async () => {
    const app = await appWith(
      { name: 'basic', type: 'basic', role: 'guest', users: { bob: 'builder', root: 'toor' } },
      ['g, root, admin'],
    );
    const bob = { authorization: basic('bob', 'builder') };
    const root = { authorization: basic('root', 'toor') };
    assert.equal((await app.inject({ url: '/api/node', headers: bob })).statusCode, 405);
    assert.equal((await app.inject({ url: '/api/node', headers: root })).statusCode, 200);
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: 'username=bob&password=builder',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const perms = login.json().Permissions as Array<{
      Object: string;
      Action: string;
      Allowed: boolean;
    }>;
    assert.deepEqual(
      perms.find((p) => p.Object === 'topology'),
      { Object: 'topology', Action: 'read', Allowed: true },
    );
    assert.equal(perms.find((p) => p.Object === 'capture')?.Allowed, false);
    await app.close();
  });
});
