// SPDX-License-Identifier: Apache-2.0
// Bad input over real sockets, against an analyzer with a small analyzer.max_body_size: malformed
// JSON, oversized bodies and messages, unknown message types, invalid elements, bad filters. Each
// is answered with its status and reason, and afterwards the analyzer still answers and the graph
// still holds what it held.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ApiError, WsClient } from '../../src/client/index.js';
import { WsPath, type GraphJSON } from '../../src/protocol/index.js';
import { node, SIMPLE_FILE } from '../fixtures/topologies/simple.js';
import { skydive } from './cli-runner.js';
import { startTestAnalyzer, suiteTeardown, WAITS, type TestAnalyzer } from './helpers.js';
import { Refused, rawPeer, type RawPeer, type Received } from './raw-peer.js';
import { shapeOf, type GraphShape } from './replica.js';

const MAX = 4096;
const teardown = suiteTeardown();
let an: TestAnalyzer;
let base: string;
let before_: GraphShape;

const json = (body: string, method = 'POST', path = '/api/node') =>
  fetch(`${base}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body });

const headers = (hostId: string, more: Record<string, string> = {}) => ({
  'X-Host-ID': hostId,
  'X-Client-Type': 'cli',
  ...more,
});

/** A raw JSON peer on `path`, closed at teardown. */
async function peer(path: string, hostId: string, more: Record<string, string> = {}) {
  const p = await rawPeer(`ws://${an.address}${path}`, headers(hostId, more));
  teardown.after(() => p.ws.terminate());
  return p;
}

/** The reply to the message carrying `uuid`. */
const replyTo = (p: RawPeer, uuid: string) => p.next((m) => m['UUID'] === uuid);

before(async () => {
  an = await startTestAnalyzer(teardown, { overrides: { 'analyzer.max_body_size': MAX } });
  base = `http://${an.address}`;
  const r = await skydive([
    'client',
    'topology',
    'import',
    '--file',
    SIMPLE_FILE,
    '--analyzer',
    an.address,
  ]);
  assert.equal(r.code, 0, r.err);
  before_ = shapeOf(await an.client().topology());
  assert.equal(before_.nodes.length, 9);
});

describe('REST', () => {
  test('malformed JSON is 400 with a reason', async () => {
    for (const path of ['/api/node', '/api/topology', '/api/noderule']) {
      const res = await json('{"ID": ', 'POST', path);
      assert.equal(res.status, 400, path);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'SKY_ERR_BAD_JSON');
      assert.match(body.message, /JSON/);
    }
  });

  test('a body over analyzer.max_body_size is 413', async () => {
    const big = JSON.stringify({
      ID: 'big',
      Metadata: { Name: 'big', Type: 'device', Blob: 'x'.repeat(MAX) },
    });
    const res = await json(big);
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { message: string }).message, new RegExp(`${MAX}`));
    assert.equal(await an.client().query<number>("G.V().Has('Name', 'big').Count()"), 0);
  });

  test('a wrong content type is 415, a wrong shape 400, an unknown route 404', async () => {
    const text = await fetch(`${base}/api/node`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    assert.equal(text.status, 415);
    assert.equal((await json('{"op":"add"}', 'PATCH', `/api/node/${node.br0}`)).status, 400);
    assert.equal((await json('{"GremlinQuery": 42}', 'POST', '/api/topology')).status, 400);
    assert.equal((await fetch(`${base}/api/nothing`)).status, 404);
  });

  test('an invalid node is 400 and names the field', async () => {
    const res = await json(JSON.stringify({ ID: 'n', Metadata: { Name: 'n' } }));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /Type/);
  });
});

describe('/ws/publisher', () => {
  let pub: RawPeer;
  before(async () => {
    pub = await peer(WsPath.Publisher, 'it-bad-pub');
  });

  const send = (msg: Record<string, unknown>) => pub.send(JSON.stringify(msg));

  test('an unknown message type is answered 400, naming it', WAITS, async () => {
    await send({ Namespace: 'Graph', Type: 'NodeExploded', UUID: 'u-type', Obj: {} });
    const r = await replyTo(pub, 'u-type');
    assert.equal(r['Status'], 400);
    assert.equal(r['Type'], 'Error');
    assert.match(String(r['Obj']), /NodeExploded/);
  });

  test('an unknown namespace is answered 400', WAITS, async () => {
    await send({ Namespace: 'Nope', Type: 'Whatever', UUID: 'u-ns', Obj: null });
    const r = await replyTo(pub, 'u-ns');
    assert.equal(r['Status'], 400);
    assert.match(String(r['Obj']), /Nope/);
  });

  test('invalid elements are refused with the reason and not applied', WAITS, async () => {
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      ['no Type', { Type: 'NodeAdded', Obj: { ID: 'bad1', Metadata: { Name: 'x' } } }, 400, /Type/],
      [
        'netns without Path',
        { Type: 'NodeAdded', Obj: { ID: 'bad2', Metadata: { Name: 'x', Type: 'netns' } } },
        400,
        /Path/,
      ],
      ['no ID', { Type: 'NodeAdded', Obj: { Metadata: { Name: 'x', Type: 'device' } } }, 400, /ID/],
      [
        'edge without RelationType',
        {
          Type: 'EdgeAdded',
          Obj: { ID: 'bad3', Parent: node.hostA, Child: node.br0, Metadata: {} },
        },
        400,
        /RelationType/,
      ],
      [
        'edge to an unknown node',
        {
          Type: 'EdgeAdded',
          Obj: {
            ID: 'bad4',
            Parent: node.hostA,
            Child: 'ghost',
            Metadata: { RelationType: 'ownership' },
          },
        },
        404,
        /ghost/,
      ],
      [
        'update of an unknown node',
        {
          Type: 'NodeUpdated',
          Obj: { ID: 'ghost', Metadata: { Name: 'g', Type: 'device' }, Revision: 5 },
        },
        404,
        /ghost/,
      ],
      ['Obj not an object', { Type: 'NodeAdded', Obj: 'hello' }, 400, /./],
    ];
    for (const [what, msg, status, reason] of cases) {
      const uuid = `u-${what}`;
      await send({ Namespace: 'Graph', UUID: uuid, ...msg });
      const r = await replyTo(pub, uuid);
      assert.equal(r['Status'], status, `${what}: ${JSON.stringify(r)}`);
      assert.match(String(r['Obj']), reason, what);
    }
    assert.equal(await an.client().query<number>("G.V().Has('Name', 'x').Count()"), 0);
    assert.equal(await an.client().query<number>("G.E().HasKey('RelationType').Count()"), 12);
  });

  test('a frame that is not JSON is answered 400 and the socket stays usable', WAITS, async () => {
    await pub.send('{{{ not json');
    const r = await pub.next((m) => m['Status'] === 400 && !m['UUID']);
    assert.equal(r['Type'], 'Error');
    await send({ Namespace: 'Graph', Type: 'SyncRequest', UUID: 'u-after', Obj: {} });
    const reply = await replyTo(pub, 'u-after');
    assert.equal(reply['Status'], 200);
    assert.equal((reply['Obj'] as GraphJSON).Nodes?.length, 9);
  });

  test('a message over analyzer.max_body_size closes the socket with 1009', WAITS, async () => {
    const p = await peer(WsPath.Publisher, 'it-big-pub');
    const big = {
      Namespace: 'Graph',
      Type: 'NodeAdded',
      UUID: 'u-big',
      Obj: { ID: 'big', Metadata: { Name: 'big', Type: 'device', Blob: 'x'.repeat(MAX) } },
    };
    await p.send(JSON.stringify(big)).catch(() => undefined);
    const { code } = await p.closed;
    assert.equal(code, 1009);
    assert.equal(await an.client().query<number>("G.V().Has('Name', 'big').Count()"), 0);
  });
});

describe('/ws/subscriber', () => {
  test('anything but a SyncRequest is answered 400', WAITS, async () => {
    const sub = await peer(WsPath.Subscriber, 'it-bad-sub');
    await sub.send(JSON.stringify({ Namespace: 'Graph', Type: 'NodeAdded', UUID: 'u-w', Obj: {} }));
    const r = await replyTo(sub, 'u-w');
    assert.equal(r['Status'], 400);
  });

  test('a SyncRequest at a time needs history: 400, the subscription goes on', WAITS, async () => {
    const sub = await peer(WsPath.Subscriber, 'it-time-sub');
    const req = {
      Namespace: 'Graph',
      Type: 'SyncRequest',
      UUID: 'u-t',
      Obj: { Time: 1_600_000_000_000 },
    };
    await sub.send(JSON.stringify(req));
    const r = await replyTo(sub, 'u-t');
    assert.equal(r['Type'], 'SyncReply');
    assert.equal(r['Status'], 400);
    assert.match(String(r['Obj']), /history/i);
    await sub.send(JSON.stringify({ ...req, UUID: 'u-t2', Obj: {} }));
    assert.equal((await replyTo(sub, 'u-t2'))['Status'], 200);
  });

  test('a bad GremlinFilter in a SyncRequest is 400 and keeps the old filter', WAITS, async () => {
    const sub = await peer(WsPath.Subscriber, 'it-filter-sub', {
      'X-Gremlin-Filter': "G.V().Has('Type', 'netns').SubGraph()",
    });
    const sync = (uuid: string, obj: unknown) =>
      sub.send(JSON.stringify({ Namespace: 'Graph', Type: 'SyncRequest', UUID: uuid, Obj: obj }));
    await sync('u-f1', { GremlinFilter: "G.V().Has('Type'" });
    const bad = await replyTo(sub, 'u-f1');
    assert.equal(bad['Status'], 400);
    assert.match(String(bad['Obj']), /position/);
    await sync('u-f2', { GremlinFilter: 'G.V().Count()' });
    assert.equal((await replyTo(sub, 'u-f2'))['Status'], 400);
    await sync('u-f3', {});
    const kept = (await replyTo(sub, 'u-f3'))['Obj'] as GraphJSON;
    assert.deepEqual(kept.Nodes?.map((n) => n.ID).sort(), [node.ns1, node.ns2]);
  });

  test('handshake refusals: bad X-Gremlin-Filter 400, unknown path 404', async () => {
    const refused = (status: number) => (e: unknown) => e instanceof Refused && e.status === status;
    await assert.rejects(
      peer(WsPath.Subscriber, 'it-h1', { 'X-Gremlin-Filter': 'G.V(' }),
      refused(400),
    );
    await assert.rejects(
      peer(WsPath.Subscriber, 'it-h2', { 'X-Gremlin-Filter': "G.V().Values('Name')" }),
      refused(400),
    );
    await assert.rejects(peer('/ws/nowhere', 'it-h4'), refused(404));
    // the client library reports the same refusal as an ApiError
    const ws = new WsClient(an.ws({ hostId: 'it-h5', gremlinFilter: 'G.V(' }));
    await assert.rejects(ws.connect(), (e: unknown) => e instanceof ApiError && e.status === 400);
  });

  test('a peer without X-Client-Type is accepted as type unknown (docs/websocket.md)', async () => {
    const p = await rawPeer(`ws://${an.address}${WsPath.Subscriber}`, { 'X-Host-ID': 'it-h3' });
    teardown.after(() => p.ws.terminate());
    const subs = (await an.client().status())['Subscribers'] as Record<
      string,
      { ServiceType: string }
    >;
    assert.equal(subs['it-h3']?.ServiceType, 'unknown');
  });
});

describe('afterwards', () => {
  test('the analyzer answers and its graph is what it was', async () => {
    assert.equal((await an.client().apiInfo()).Service, 'analyzer');
    assert.deepEqual(shapeOf(await an.client().topology()), before_);
  });

  test('status still lists the live peers, queries still run', async () => {
    const status = await an.client().status();
    assert.ok('it-bad-pub' in (status['Publishers'] as object));
    assert.equal(await an.client().query<number>('G.V().Count()'), 9);
  });

  test('the publisher that sent garbage can still write', WAITS, async () => {
    const p = await peer(WsPath.Publisher, 'it-good-after');
    const n = { ID: 'good-after', Metadata: { Name: 'good', Type: 'device' } };
    await p.send(JSON.stringify({ Namespace: 'Graph', Type: 'NodeAdded', UUID: 'g1', Obj: n }));
    await p.send(JSON.stringify({ Namespace: 'Graph', Type: 'NodeDeleted', UUID: 'g2', Obj: n }));
    await p.send(JSON.stringify({ Namespace: 'Graph', Type: 'SyncRequest', UUID: 'g3', Obj: {} }));
    const reply: Received = await replyTo(p, 'g3');
    assert.equal(reply['Status'], 200);
    assert.equal(p.got.filter((m) => (m['Status'] as number) >= 400).length, 0);
  });
});
