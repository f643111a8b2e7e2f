// SPDX-License-Identifier: Apache-2.0
// Tests of SkydiveClient against a fake analyzer: CRUD, queries and formats, errors, auth, login.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnalyzer, type FakeAnalyzer } from '../../test/fakes/fake-analyzer.js';
import { ApiError, ClientError } from './errors.js';
import { G } from './gremlin.js';
import { SkydiveClient } from './rest-client.js';
import type { NodeJSON } from './types.js';

const node = (id: string, name: string): NodeJSON => ({
  ID: id,
  Metadata: { Name: name, Type: 'device' },
  Host: 'h1',
  Origin: 'cli.h1',
  CreatedAt: 1,
  UpdatedAt: 1,
  DeletedAt: null,
  Revision: 1,
});

describe('SkydiveClient without auth', () => {
  let fake: FakeAnalyzer;
  let client: SkydiveClient;
  before(async () => {
    fake = await startFakeAnalyzer({ rawQueries: { 'G.V().Values("Big")': '[9007199254740993]' } });
    client = new SkydiveClient({ analyzer: fake.address });
  });
  after(() => fake.close());

  test('apiInfo, status, config', async () => {
    assert.deepEqual(await client.apiInfo(), {
      Host: 'fake-analyzer',
      Version: '0.28.0-fake',
      Service: 'analyzer',
    });
    assert.ok('Agents' in (await client.status()));
    assert.equal(await client.config('analyzer.listen'), '127.0.0.1:8082');
  });

  test('node CRUD and JSON patch', async () => {
    const created = await client.create('node', node('n1', 'eth0'));
    assert.equal(created.ID, 'n1');
    assert.deepEqual(Object.keys(await client.list('node')), ['n1']);
    assert.equal((await client.get('node', 'n1')).Metadata.Name, 'eth0');
    const patched = await client.patch('node', 'n1', [
      { op: 'add', path: '/Metadata/Color', value: 'blue' },
    ]);
    assert.equal(patched?.Metadata.Color, 'blue');
    const same = await client.patch('node', 'n1', [
      { op: 'add', path: '/Metadata/Color', value: 'blue' },
    ]);
    assert.equal(same, undefined, '304 gives undefined');
    await client.delete('node', 'n1');
    assert.deepEqual(await client.list('node'), {});
  });

  test('a missing resource is an ApiError carrying the server text', async () => {
    await assert.rejects(client.get('node', 'nope'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 404);
      assert.equal(e.message, "Node 'nope' not found");
      assert.equal(e.describe(), "Failed to get node, 404 Not Found: Node 'nope' not found");
      return true;
    });
  });

  test('create sends X-Resource-TTL', async () => {
    await client.create(
      'noderule',
      { Action: 'create', Metadata: { Name: 'a', Type: 'b' } },
      {
        ttl: 30000,
      },
    );
    const req = fake.log.requests.filter((r) => r.method === 'POST' && r.url === '/api/noderule');
    assert.equal(req.at(-1)?.headers['x-resource-ttl'], '30000ms');
  });

  test('query: JSON, builder input, dot, raw bytes, errors, empty', async () => {
    await client.create('node', node('q1', 'lo'));
    const graph = await client.query<{ Nodes: NodeJSON[] }[]>('G');
    assert.equal(graph[0]?.Nodes[0]?.ID, 'q1');
    assert.equal(await client.query(G.V().Count()), 1);
    assert.deepEqual(
      (await client.nodes('G')).map((n) => n.ID),
      ['q1'],
    );
    assert.match(await client.query('G', { accept: 'dot' }), /^digraph/);
    const last = fake.log.requests.at(-1);
    assert.equal(last?.headers.accept, 'text/vnd.graphviz');
    assert.deepEqual(last?.body, { GremlinQuery: 'G' });
    const raw = await client.queryRaw('G.V().Values("Big")');
    assert.equal(raw.toString(), '[9007199254740993]');
    assert.equal(await client.query(''), null);
    await assert.rejects(client.query('G.Nope()'), (e: unknown) => {
      return e instanceof ApiError && e.status === 400 && /Expected step function/.test(e.message);
    });
  });

  test('an unreachable analyzer is a ClientError', async () => {
    const dead = new SkydiveClient({ analyzer: '127.0.0.1:1' });
    await assert.rejects(dead.apiInfo(), (e: unknown) => {
      return e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_CONNECTION';
    });
  });
});

describe('SkydiveClient with auth', () => {
  let fake: FakeAnalyzer;
  before(async () => {
    fake = await startFakeAnalyzer({ users: { admin: 'secret' } });
  });
  after(() => fake.close());

  test('Basic credentials are sent when a username is set', async () => {
    const ok = new SkydiveClient({ analyzer: fake.address, username: 'admin', password: 'secret' });
    assert.equal((await ok.apiInfo()).Service, 'analyzer');
    const last = fake.log.requests.at(-1);
    assert.equal(last?.headers.authorization, `Basic ${btoa('admin:secret')}`);
  });

  test('wrong or missing credentials give a 401 ApiError', async () => {
    const bad = new SkydiveClient({ analyzer: fake.address, username: 'admin', password: 'x' });
    await assert.rejects(bad.apiInfo(), (e: unknown) => e instanceof ApiError && e.status === 401);
    const none = new SkydiveClient({ analyzer: fake.address });
    await assert.rejects(none.status(), (e: unknown) => {
      return e instanceof ApiError && e.message === 'Wrong credentials';
    });
  });

  test('login keeps the token and sends it as the authtoken cookie', async () => {
    const c = new SkydiveClient({ analyzer: fake.address });
    const { Token } = await c.login('admin', 'secret');
    assert.equal(c.token, Token);
    const login = fake.log.requests.at(-1);
    assert.equal(login?.headers['content-type'], 'application/x-www-form-urlencoded');
    await c.status();
    const last = fake.log.requests.at(-1);
    assert.equal(last?.headers.cookie, `authtoken=${Token}`);
    assert.equal(last?.headers.authorization, undefined);
    await assert.rejects(c.login('admin', 'wrong'), ApiError);
  });
});
