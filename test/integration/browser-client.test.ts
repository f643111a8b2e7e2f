// SPDX-License-Identifier: Apache-2.0
// The browser client (src/client/browser.ts) against a real analyzer: login and token, REST calls,
// API errors, and /ws/subscriber through a WebSocket with the browser's API (here `ws`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  BrowserClient,
  BrowserSubscriber,
  uuid4,
  type WebSocketFactory,
} from '../../src/client/browser.js';
import { ApiError, ClientError } from '../../src/client/errors.js';
import type { StructMessage } from '../../src/protocol/index.js';
import { connectSilentAgent, settle } from './agent-kit.js';
import { startTestAnalyzer } from './helpers.js';

const node = (id: string, type = 'device') => ({
  ID: id,
  Metadata: { Name: id, Type: type },
  Host: 'h',
  Origin: 'cli.h',
  CreatedAt: 1,
  UpdatedAt: 1,
  Revision: 1,
});

describe('browser client', () => {
  it('makes v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 100 }, uuid4));
    assert.equal(ids.size, 100);
    for (const id of ids)
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('logs in, then queries and manages resources with the token', async (t) => {
    const an = await startTestAnalyzer(t, { basicAuth: { users: { alice: 'secret' } } });
    const c = new BrowserClient({ base: `http://${an.address}` });
    await assert.rejects(c.info(), (e: unknown) => e instanceof ApiError && e.status === 401);
    await assert.rejects(
      c.login('alice', 'wrong'),
      (e: unknown) => e instanceof ApiError && e.status === 401,
    );
    const token = await c.login('alice', 'secret');
    assert.ok(token.length > 0);
    assert.equal((await c.info())['Service'], 'analyzer');
    await c.create('node', node('b1'));
    const found = await c.query<{ ID: string }[]>("G.V().Has('Name', 'b1')");
    assert.deepEqual(
      found.map((n) => n.ID),
      ['b1'],
    );
    await assert.rejects(
      c.query('G.V().Nope('),
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.message.length > 0,
    );
    assert.ok('b1' in (await c.list('node')));
    await c.remove('node', 'b1');
    assert.deepEqual(await c.query("G.V().Has('Name', 'b1')"), []);
  });

  it('hands over why an answer is incomplete, a header browsers may read (CORS)', async (t) => {
    const an = await startTestAnalyzer(t);
    const silent = await connectSilentAgent(an, 'it-browser-silent');
    try {
      const c = new BrowserClient({ base: `http://${an.address}` });
      const warnings: string[] = [];
      assert.deepEqual(await c.query('G.Flows()', (w) => warnings.push(w)), []);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /agent it-browser-silent did not answer/);
      const res = await fetch(`http://${an.address}/api/topology`, {
        method: 'POST',
        headers: { Origin: 'http://ui.example', 'Content-Type': 'application/json' },
        body: JSON.stringify({ GremlinQuery: 'G.V().Count()' }),
      });
      assert.match(res.headers.get('access-control-expose-headers') ?? '', /X-Skydive-Warning/i);
      assert.equal(res.headers.get('x-skydive-warning'), null, 'a whole answer has none');
    } finally {
      await silent.close();
    }
  });

  it('reports an unreachable analyzer as a connection error', async () => {
    const c = new BrowserClient({ base: 'http://127.0.0.1:1' });
    await assert.rejects(
      c.info(),
      (e: unknown) => e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_CONNECTION',
    );
  });

  it('subscribes: sync, live events, server-side Gremlin filter', async (t) => {
    const an = await startTestAnalyzer(t, { basicAuth: { users: { bob: 'pw' } } });
    const rest = new BrowserClient({ base: `http://${an.address}` });
    const token = await rest.login('bob', 'pw');
    await rest.create('node', node('h1', 'host'));
    const events: StructMessage[] = [];
    const sub = new BrowserSubscriber({
      base: `ws://${an.address}`,
      token,
      WebSocket: WebSocket as unknown as WebSocketFactory,
      onEvent: (m) => events.push(m),
    });
    t.after(() => sub.close());
    await sub.open();
    const g = await sub.sync();
    assert.deepEqual(
      g.Nodes.map((n) => n.ID),
      ['h1'],
    );
    await rest.create('node', node('d1'));
    await settle(() =>
      assert.ok(
        events.some((m) => m.Type === 'NodeAdded' && (m.Obj as { ID: string }).ID === 'd1'),
      ),
    );
    // the filter applies to the reply and to the events that follow
    const only = await sub.sync({ GremlinFilter: "G.V().Has('Type', 'host').SubGraph()" });
    assert.deepEqual(
      only.Nodes.map((n) => n.ID),
      ['h1'],
    );
    events.length = 0;
    await rest.create('node', node('d2'));
    await rest.create('node', node('h2', 'host'));
    await settle(() =>
      assert.ok(
        events.some((m) => m.Type === 'NodeAdded' && (m.Obj as { ID: string }).ID === 'h2'),
      ),
    );
    assert.ok(!events.some((m) => (m.Obj as { ID?: string }).ID === 'd2'), 'd2 is filtered out');
    await assert.rejects(
      sub.sync({ GremlinFilter: 'G.V(' }),
      (e: unknown) => e instanceof ApiError && e.status === 400,
    );
  });

  it('refuses a subscriber without credentials when auth is on', async (t) => {
    const an = await startTestAnalyzer(t, { basicAuth: { users: { bob: 'pw' } } });
    const sub = new BrowserSubscriber({
      base: `ws://${an.address}`,
      WebSocket: WebSocket as unknown as WebSocketFactory,
      onEvent: () => undefined,
    });
    await assert.rejects(sub.open(), (e: unknown) => e instanceof ClientError);
    sub.close();
  });
});
