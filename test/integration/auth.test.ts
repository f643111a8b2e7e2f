// SPDX-License-Identifier: Apache-2.0
// Basic authentication end to end (htpasswd with bcrypt): POST /login gives the authtoken and
// permissions cookies and a token that works on REST and WebSocket, wrong credentials get 401 (also
// through the CLI), and the guest role is refused writes (405, 403 on /ws/publisher) but can read.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, subscribe, WsClient, type NodeJSON } from '../../src/client/index.js';
import { WsPath, type Permission } from '../../src/protocol/index.js';
import { node, SIMPLE_FILE } from '../fixtures/topologies/simple.js';
import { parseOut, skydive } from './cli-runner.js';
import {
  closeLater,
  startTestAnalyzer,
  suiteTeardown,
  WAITS,
  type TestAnalyzer,
} from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;
let base: string;

const USERS = { admin: 'adm1n-secret', viewer: 'v1ewer-secret' };
const basic = (user: string, pw: string) =>
  `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

/** `skydive client <args…>` against the analyzer with the given credentials. */
const cli = (user: string, password: string, ...args: string[]) =>
  skydive([
    'client',
    ...args,
    '--analyzer',
    an.address,
    '--username',
    user,
    '--password',
    password,
  ]);

async function login(user: string, password: string): Promise<Response> {
  return fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password }).toString(),
  });
}

before(async () => {
  an = await startTestAnalyzer(teardown, { basicAuth: { users: USERS, guests: ['viewer'] } });
  base = `http://${an.address}`;
  const r = await cli('admin', USERS.admin, 'topology', 'import', '--file', SIMPLE_FILE);
  assert.equal(r.code, 0, r.err);
});

describe('POST /login', () => {
  test('gives a token, the authtoken and permissions cookies', async () => {
    const res = await login('admin', USERS.admin);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { Token: string; Permissions: Permission[] };
    assert.ok(body.Token.length > 0);
    const cookies = res.headers.getSetCookie();
    assert.ok(cookies.includes(`authtoken=${body.Token}; Path=/`), cookies.join(' | '));
    const perms = cookies.find((c) => c.startsWith('permissions='));
    assert.ok(perms, cookies.join(' | '));
    const decoded = JSON.parse(
      Buffer.from(perms.slice('permissions='.length).split(';')[0] ?? '', 'base64').toString(),
    ) as Permission[];
    assert.deepEqual(decoded, body.Permissions);
    assert.ok(decoded.some((p) => p.Object === 'node' && p.Action === 'write' && p.Allowed));
  });

  test('a wrong password or an unknown user is 401 with a plain-text reason', async () => {
    for (const [user, pw] of [
      ['admin', 'nope'],
      ['mallory', 'x'],
    ] as const) {
      const res = await login(user, pw);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.ok((await res.text()).length > 0);
    }
  });
});

describe('the token on REST', () => {
  let token: string;
  before(async () => {
    token = ((await (await login('admin', USERS.admin)).json()) as { Token: string }).Token;
  });

  test('no credentials: 401', async () => {
    const res = await fetch(`${base}/api/topology`);
    assert.equal(res.status, 401);
  });

  test('cookie, X-Auth-Token header and x-auth-token parameter are accepted', async () => {
    for (const [url, headers] of [
      [`${base}/api/topology`, { Cookie: `authtoken=${token}` }],
      [`${base}/api/topology`, { 'X-Auth-Token': token }],
      [`${base}/api/topology?x-auth-token=${encodeURIComponent(token)}`, {}],
      [`${base}/api/topology`, { Authorization: basic('admin', USERS.admin) }],
    ] as const) {
      const res = await fetch(url, { headers });
      assert.equal(res.status, 200, `${url} ${JSON.stringify(headers)}`);
      const g = (await res.json()) as { Nodes: NodeJSON[] };
      assert.equal(g.Nodes.length, 9);
    }
  });

  test('a forged token or a wrong Basic password is 401', async () => {
    for (const headers of [
      { Cookie: `authtoken=${Buffer.from('admin:guess').toString('base64')}` },
      { 'X-Auth-Token': 'not-a-token' },
      { Authorization: basic('admin', 'guess') },
    ]) {
      const res = await fetch(`${base}/api/status`, { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
    }
  });

  test('the REST client logs in and keeps working with the token alone', async () => {
    const client = an.client();
    await assert.rejects(
      client.status(),
      (e: unknown) => e instanceof ApiError && e.status === 401,
    );
    await client.login('admin', USERS.admin);
    assert.ok(client.token);
    const created = await client.create('node', {
      ID: 'auth-node-1',
      Metadata: { Name: 'auth1', Type: 'device' },
      Host: 'it',
      Origin: '',
      CreatedAt: Date.now(),
      UpdatedAt: Date.now(),
      DeletedAt: null,
      Revision: 1,
    });
    assert.equal(created.ID, 'auth-node-1');
    await client.delete('node', 'auth-node-1');
  });
});

describe('the token on WebSocket', () => {
  test('no credentials: the upgrade is refused with 401', async () => {
    const ws = new WsClient(an.ws({ hostId: 'it-anon' }));
    await assert.rejects(ws.connect(), (e: unknown) => e instanceof ApiError && e.status === 401);
  });

  test('a login token opens a subscription that sees REST writes', WAITS, async (t) => {
    const rest = an.client();
    const { Token } = await rest.login('admin', USERS.admin);
    const sub = closeLater(t, await subscribe(an.ws({ hostId: 'it-token-sub', token: Token })));
    assert.equal(sub.graph.Nodes.length, 9);
    await rest.patch('node', node.ns1, [{ op: 'add', path: '/Metadata/Owner', value: 'ops' }]);
    for await (const m of sub.events)
      if (m.Type === 'NodeUpdated' && (m.Obj as NodeJSON).ID === node.ns1) break;
  });

  test('browser style: handshake headers and the token as query parameters', WAITS, async (t) => {
    const token = ((await (await login('admin', USERS.admin)).json()) as { Token: string }).Token;
    const q = new URLSearchParams({
      'x-client-type': 'webui',
      'x-host-id': 'it-browser',
      'x-auth-token': token,
    });
    const ws = new WebSocket(`ws://${an.address}${WsPath.Subscriber}?${q}`);
    t.after(() => ws.terminate());
    const upgrade = await new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('upgrade', resolve);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    assert.equal(upgrade.headers['x-service-type'], 'analyzer');
    // Skydive re-sets the login cookies on every upgrade
    const cookies = upgrade.headers['set-cookie'] ?? [];
    assert.ok(
      cookies.some((c) => c.startsWith(`authtoken=${token}`)),
      cookies.join(' | '),
    );
    assert.ok(cookies.some((c) => c.startsWith('permissions=')));
  });
});

describe('the guest role', () => {
  test('reads: status, queries and subscriptions work', WAITS, async (t) => {
    const rest = an.client({ username: 'viewer', password: USERS.viewer });
    assert.ok('Agents' in (await rest.status()));
    assert.equal(await rest.query<number>('G.V().Count()'), 9);
    const sub = closeLater(
      t,
      await subscribe(
        an.ws({ hostId: 'it-guest-sub', username: 'viewer', password: USERS.viewer }),
      ),
    );
    const admin = an.client({ username: 'admin', password: USERS.admin });
    await admin.patch('node', node.ns2, [{ op: 'add', path: '/Metadata/Seen', value: true }]);
    for await (const m of sub.events)
      if (m.Type === 'NodeUpdated' && (m.Obj as NodeJSON).ID === node.ns2) break;
  });

  test('writes are refused with 405 and leave the graph alone', async () => {
    const rest = an.client({ username: 'viewer', password: USERS.viewer });
    const refused = (e: unknown) => e instanceof ApiError && e.status === 405;
    await assert.rejects(
      rest.patch('node', node.br0, [{ op: 'add', path: '/Metadata/X', value: 1 }]),
      refused,
    );
    await assert.rejects(rest.delete('node', node.br0), refused);
    await assert.rejects(
      rest.create('noderule', { Action: 'create', Metadata: { Name: 'g', Type: 'fabric' } }),
      refused,
    );
    const [br0] = await rest.nodes(`G.V('${node.br0}')`);
    assert.equal(br0?.Metadata['X'], undefined);
  });

  test('/ws/publisher is refused with 403', async () => {
    const ws = new WsClient(
      an.ws({
        path: WsPath.Publisher,
        hostId: 'it-guest-pub',
        username: 'viewer',
        password: USERS.viewer,
      }),
    );
    await assert.rejects(ws.connect(), (e: unknown) => e instanceof ApiError && e.status === 403);
  });

  test('login lists the guest permissions', async () => {
    const res = await login('viewer', USERS.viewer);
    const { Permissions } = (await res.json()) as { Permissions: Permission[] };
    const allowed = (o: string, a: string) =>
      Permissions.find((p) => p.Object === o && p.Action === a)?.Allowed ?? false;
    assert.equal(allowed('topology', 'read'), true);
    assert.equal(allowed('node', 'write'), false);
  });
});

describe('through the CLI', () => {
  test('a wrong password fails with the 401 and exit code 1', async () => {
    const r = await cli('admin', 'wrong', 'status');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^Error: .*401.*\n$/);
  });

  test('the right password works, from flags or SKYDIVE_USERNAME/SKYDIVE_PASSWORD', async () => {
    const flags = await cli('admin', USERS.admin, 'query', 'G.V().Count()');
    assert.equal(flags.code, 0, flags.err);
    assert.equal(parseOut<number>(flags), 9);
    const env = await skydive(['client', 'query', 'G.V().Count()'], {
      SKYDIVE_ANALYZER: an.address,
      SKYDIVE_USERNAME: 'admin',
      SKYDIVE_PASSWORD: USERS.admin,
    });
    assert.equal(env.code, 0, env.err);
  });

  test('a guest gets 405 on node create, and the import stays as it was', async () => {
    const r = await cli(
      'viewer',
      USERS.viewer,
      'node',
      'create',
      '--node-name',
      'g',
      '--node-type',
      'device',
    );
    assert.equal(r.code, 1);
    assert.match(r.err, /405/);
    const count = await cli('viewer', USERS.viewer, 'query', "G.V().Has('Name', 'g').Count()");
    assert.equal(parseOut<number>(count), 0);
  });
});
