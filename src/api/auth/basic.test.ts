// SPDX-License-Identifier: Apache-2.0
// The basic backend and createAuth: htpasswd formats, inline users, tokens from every place a
// request may carry them, cached bcrypt checks, file reload, roles and the noauth backend.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { BasicBackend } from './basic.js';
import { parseHtpasswd, verifyPassword } from './htpasswd.js';
import { createAuth } from './index.js';
import { basicToken, decodeBasicToken, parseCookies, tokenFromRequest } from './token.js';

const req = (headers: Record<string, string>, url = '/api'): IncomingMessage =>
  ({ headers, url }) as unknown as IncomingMessage;

const dir = mkdtempSync(join(tmpdir(), 'skyauth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (pw: string) => `{SHA}${createHash('sha1').update(pw).digest('base64')}`;
const bcryptLine = (pw: string) => bcrypt.hashSync(pw, 4).replace(/^\$2b\$/, '$2y$');

describe('htpasswd', () => {
  it('parses entries, skipping comments and blank lines', () => {
    const m = parseHtpasswd('# users\nalice:{SHA}x\n\nbob:plain\r\nbad-line\n');
    assert.deepEqual([...m.keys()], ['alice', 'bob']);
  });

  it('verifies bcrypt ($2y$ too), {SHA} and plain entries; rejects MD5', async () => {
    assert.equal(await verifyPassword(bcryptLine('s3cret'), 's3cret'), true);
    assert.equal(await verifyPassword(bcryptLine('s3cret'), 'nope'), false);
    assert.equal(await verifyPassword(sha('pw'), 'pw'), true);
    assert.equal(await verifyPassword(sha('pw'), 'pw2'), false);
    assert.equal(await verifyPassword('plain', 'plain'), true);
    assert.equal(await verifyPassword('plain', 'plai'), false);
    assert.equal(await verifyPassword('$apr1$abc$def', '$apr1$abc$def'), false);
  });
});

describe('token', () => {
  const t = basicToken('u', 'p:w');

  it('reads cookie, then Authorization, then X-Auth-Token, then the query', () => {
    assert.equal(
      tokenFromRequest(req({ cookie: `a=1; authtoken=${t}`, authorization: 'Basic other' })),
      t,
    );
    assert.equal(tokenFromRequest(req({ authorization: `Basic ${t}`, 'x-auth-token': 'x' })), t);
    assert.equal(tokenFromRequest(req({ 'x-auth-token': t })), t);
    assert.equal(
      tokenFromRequest(req({}, `/ws/subscriber?x-auth-token=${encodeURIComponent(t)}`)),
      t,
    );
    assert.equal(tokenFromRequest(req({})), undefined);
  });

  it('decodes user and password (the password may hold colons)', () => {
    assert.deepEqual(decodeBasicToken(t), { user: 'u', password: 'p:w' });
    assert.equal(decodeBasicToken('not base64 !'), undefined);
    assert.equal(decodeBasicToken(Buffer.from('nocolon').toString('base64')), undefined);
  });

  it('parses quoted and encoded cookies', () => {
    const c = parseCookies('a="x y"; b=%41; ; c');
    assert.equal(c.get('a'), 'x y');
    assert.equal(c.get('b'), 'A');
  });
});

describe('BasicBackend', () => {
  const file = join(dir, 'users.htpasswd');
  writeFileSync(file, `alice:${bcryptLine('wonder')}\nbob:${sha('builder')}\ncarl:plainpw\n`);
  const backend = new BasicBackend({
    name: 'basic',
    defaultRole: 'guest',
    file,
    users: { dora: 'explorer', alice: 'overridden-by-file' },
    roles: (u) => (u === 'bob' ? ['admin'] : ['guest']),
  });

  it('#.login checks each format and returns base64(user:password) as the token', async () => {
    const a = await backend.login('alice', 'wonder');
    assert.deepEqual(a, { user: 'alice', roles: ['guest'], token: basicToken('alice', 'wonder') });
    assert.equal((await backend.login('bob', 'builder'))?.roles[0], 'admin');
    assert.ok(await backend.login('carl', 'plainpw'));
    assert.ok(await backend.login('dora', 'explorer'));
    assert.equal(await backend.login('alice', 'overridden-by-file'), null);
    assert.equal(await backend.login('alice', 'wrong'), null);
    assert.equal(await backend.login('zed', 'x'), null);
  });

  it('#.authenticate accepts the token from a header and rejects a wrong one', async () => {
    const tok = basicToken('alice', 'wonder');
    assert.equal(
      (await backend.authenticate(req({ authorization: `Basic ${tok}` })))?.user,
      'alice',
    );
    assert.equal((await backend.authenticate(req({ cookie: `authtoken=${tok}` })))?.user, 'alice');
    assert.equal(
      await backend.authenticate(req({ authorization: `Basic ${basicToken('alice', 'x')}` })),
      null,
    );
    assert.equal(await backend.authenticate(req({})), null);
  });

  it('reloads a changed file and forgets cached tokens', async () => {
    const f = join(dir, 'reload.htpasswd');
    writeFileSync(f, 'erin:one\n');
    const b = new BasicBackend({
      name: 'b',
      defaultRole: 'admin',
      file: f,
      roles: () => ['admin'],
    });
    const one = req({ 'x-auth-token': basicToken('erin', 'one') });
    assert.ok(await b.authenticate(one));
    writeFileSync(f, 'erin:two-and-longer\n');
    assert.equal(await b.authenticate(one), null);
    assert.ok(await b.authenticate(req({ 'x-auth-token': basicToken('erin', 'two-and-longer') })));
  });

  it('fails at creation when the file cannot be read', () => {
    assert.throws(
      () =>
        new BasicBackend({
          name: 'b',
          defaultRole: 'admin',
          file: join(dir, 'missing'),
          roles: () => [],
        }),
      { code: 'SKY_ERR_AUTH_CONFIG' },
    );
  });
});

describe('createAuth', () => {
  const base = {
    cluster: { name: 'cluster', type: 'noauth' as const, role: 'guest' },
  };

  it('noauth: everyone is admin with the backend role; cluster is always admin', async () => {
    const auth = createAuth({
      auth: { api: { name: 'noauth', type: 'noauth', role: 'admin' }, ...base },
      rbacPolicy: [],
    });
    const id = await auth.api.authenticate(req({}));
    assert.deepEqual(id, { user: 'admin', roles: ['admin'], token: '' });
    assert.deepEqual((await auth.cluster.authenticate(req({})))?.roles, ['admin']);
    assert.equal(auth.rbac.enforce(id!, 'capture', 'write'), true);
  });

  it('basic with inline users: default role unless a g line binds the user', async () => {
    const auth = createAuth({
      auth: {
        api: { name: 'basic', type: 'basic', role: 'guest', users: { ann: 'a', ben: 'b' } },
        ...base,
      },
      rbacPolicy: ['g, ben, admin'],
    });
    const ann = await auth.api.login('ann', 'a');
    const ben = await auth.api.login('ben', 'b');
    assert.deepEqual(ann?.roles, ['guest']);
    assert.deepEqual(ben?.roles, ['admin']);
    assert.equal(auth.rbac.enforce(ann!, 'node', 'write'), false);
    assert.equal(auth.rbac.enforce(ben!, 'node', 'write'), true);
  });
});
