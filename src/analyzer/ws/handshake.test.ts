// SPDX-License-Identifier: Apache-2.0
// Handshake rules (§2.2): response headers and cookies, query-parameter fallbacks, and every refusal
// answered with its HTTP status before the upgrade.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, refusal, startHub, until, type TestHub } from './ws-test-kit.js';

const basic = (user: string, pw: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`,
});

describe('#.handshake', () => {
  let h: TestHub;
  before(async () => {
    h = await startHub({
      settings: {
        auth: {
          api: { name: 'b', type: 'basic', users: { alice: 'secret', bob: 'pw' }, role: 'admin' },
          cluster: { name: 'c', type: 'basic', users: { agent: 'agentpw' }, role: 'admin' },
        },
        rbacPolicy: ['g, bob, guest'],
      },
    });
  });
  after(() => h.close());

  it('answers with X-Host-ID, X-Service-Type and the login cookies', async (t) => {
    const c = await connect(`${h.base}/ws/subscriber`, { headers: basic('alice', 'secret') });
    t.after(() => c.close());
    assert.equal(c.upgrade.headers['x-host-id'], 'hub1');
    assert.equal(c.upgrade.headers['x-service-type'], 'analyzer');
    const cookies = c.upgrade.headers['set-cookie'] ?? [];
    const token = Buffer.from('alice:secret').toString('base64');
    assert.ok(cookies.includes(`authtoken=${token}; Path=/`), cookies.join(' | '));
    const perms = cookies.find((x) => x.startsWith('permissions='));
    assert.ok(perms);
    const list = JSON.parse(
      Buffer.from(perms.slice('permissions='.length).split(';')[0]!, 'base64').toString(),
    ) as { Object: string; Action: string; Allowed: boolean }[];
    assert.ok(
      list.some((p) => p.Object === 'websocket' && p.Action === '/ws/publisher' && p.Allowed),
    );
  });

  it('takes lower-cased query parameters instead of headers (browsers)', async (t) => {
    const token = Buffer.from('alice:secret').toString('base64');
    const c = await connect(
      `${h.base}/ws/subscriber?x-client-type=webui&x-host-id=browser1&x-auth-token=${token}`,
      { hostID: '', clientType: '' },
    );
    t.after(() => c.close());
    const st = h.ctx.status.snapshot('Subscribers');
    assert.equal(st['browser1']?.ServiceType, 'webui');
  });

  it('refuses bad credentials with 401', async () => {
    const r = await refusal(`${h.base}/ws/subscriber`, { headers: basic('alice', 'wrong') });
    assert.equal(r.status, 401);
  });

  it('authenticates /ws/agent/topology with the cluster backend', async (t) => {
    assert.equal(
      (await refusal(`${h.base}/ws/agent/topology`, { headers: basic('alice', 'secret') })).status,
      401,
    );
    const c = await connect(`${h.base}/ws/agent/topology`, {
      clientType: 'agent',
      protocol: 'protobuf',
      headers: basic('agent', 'agentpw'),
    });
    t.after(() => c.close());
  });

  it('refuses an RBAC denial with 403', async (t) => {
    const r = await refusal(`${h.base}/ws/publisher`, { headers: basic('bob', 'pw') });
    assert.equal(r.status, 403);
    const c = await connect(`${h.base}/ws/subscriber`, { headers: basic('bob', 'pw') });
    t.after(() => c.close());
  });

  it('refuses an unknown path with 404', async () => {
    assert.equal(
      (await refusal(`${h.base}/ws/nothing`, { headers: basic('alice', 'secret') })).status,
      404,
    );
  });

  it('refuses a second X-Host-ID on the same endpoint with 409, not on another one', async (t) => {
    const spec = { hostID: 'dup', headers: basic('alice', 'secret') };
    const a = await connect(`${h.base}/ws/subscriber`, spec);
    t.after(() => a.close());
    assert.equal((await refusal(`${h.base}/ws/subscriber`, spec)).status, 409);
    const b = await connect(`${h.base}/ws/publisher`, spec);
    t.after(() => b.close());
    await a.close();
    await until(() => !h.ctx.status.has('Subscribers', 'dup'), 'server-side close');
    // The host ID is free again once the first one is gone.
    const again = await connect(`${h.base}/ws/subscriber`, spec);
    t.after(() => again.close());
  });

  it('accepts a missing or empty X-Client-Type as "unknown", as Skydive does (Python wsshell)', async (t) => {
    const auth = basic('alice', 'secret');
    const a = await connect(`${h.base}/ws/publisher`, {
      hostID: 'py1',
      clientType: '',
      headers: auth,
    });
    t.after(() => a.close());
    const b = await connect(`${h.base}/ws/publisher`, {
      hostID: 'py2',
      clientType: '',
      headers: { ...auth, 'X-Client-Type': '' },
    });
    t.after(() => b.close());
    const st = h.ctx.status.snapshot('Publishers');
    assert.equal(st['py1']?.ServiceType, 'unknown');
    assert.equal(st['py2']?.ServiceType, 'unknown');
    b.sendGraph('NodeAdded', { ID: 'py-node', Metadata: { Name: 'n', Type: 'device' } });
    await b.sync({});
    assert.equal(h.ctx.graph.getNode('py-node')?.origin, 'unknown.py2');
  });

  it('refuses an unknown protocol, update policy or a bad filter with 400', async () => {
    const auth = basic('alice', 'secret');
    const url = `${h.base}/ws/subscriber`;
    assert.equal(
      (await refusal(url, { headers: { ...auth, 'X-Client-Protocol': 'xml' } })).status,
      400,
    );
    assert.equal(
      (await refusal(url, { headers: { ...auth, 'X-Update-Policy': 'some' } })).status,
      400,
    );
    const bad = await refusal(url, {
      headers: { ...auth, 'X-Gremlin-Filter': "G.V().Has('Name'" },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /X-Gremlin-Filter/);
    const notGraph = await refusal(url, {
      headers: { ...auth, 'X-Gremlin-Filter': 'G.V().Count()' },
    });
    assert.equal(notGraph.status, 400);
    assert.match(notGraph.body, /did not return a graph/);
  });
});
