// SPDX-License-Identifier: Apache-2.0
// /api/node and /api/edge: list, get, create (schema, origin/host stamping, duplicates, unknown
// ends), JSON Patch (200, 304, locked keys, other fields) and delete (edges go with the node).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AnalyzerContext } from '../context.js';
import { testApp, testContext } from '../testing/context.js';

const eth0 = { ID: 'n-eth0', Metadata: { Name: 'eth0', Type: 'device', TID: 't0' } };
const eth1 = { ID: 'n-eth1', Metadata: { Name: 'eth1', Type: 'device' } };
const link = {
  ID: 'e-01',
  Parent: 'n-eth0',
  Child: 'n-eth1',
  Metadata: { RelationType: 'layer2' },
};

describe('/api/node and /api/edge', () => {
  let ctx: AnalyzerContext;
  let app: FastifyInstance;
  before(async () => {
    ctx = testContext();
    app = await testApp(ctx);
  });
  after(() => app.close());

  const post = (kind: string, payload: unknown) =>
    app.inject({ method: 'POST', url: `/api/${kind}`, payload: payload as object });
  const patch = (kind: string, id: string, payload: unknown) =>
    app.inject({ method: 'PATCH', url: `/api/${kind}/${id}`, payload: payload as object });

  it('POST creates with 201, stamping Origin api.<host> and Host when empty', async () => {
    const res = await post('node', eth0);
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(body.ID, 'n-eth0');
    assert.equal(body.Origin, 'api.testhost');
    assert.equal(body.Host, 'testhost');
    assert.equal(body.Revision, 1);
    assert.equal(body.DeletedAt, null);
    assert.equal(typeof body.CreatedAt, 'number');
    const kept = await post('node', { ...eth1, Host: 'h9', Origin: 'agent.h9' });
    assert.equal(kept.json().Origin, 'agent.h9');
    assert.equal(kept.json().Host, 'h9');
    assert.equal(ctx.graph.getNode('n-eth1')?.origin, 'agent.h9');
  });

  it('POST refuses a duplicate ID with 409 and a schema violation with 400', async () => {
    const dup = await post('node', eth0);
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'SKY_ERR_NODE_EXISTS');
    const noID = await post('node', { Metadata: { Name: 'x', Type: 'device' } });
    assert.equal(noID.statusCode, 400);
    assert.equal(noID.json().code, 'SKY_ERR_INVALID_NODE');
    assert.match(noID.json().message, /ID/);
    const netns = await post('node', { ID: 'ns', Metadata: { Name: 'ns1', Type: 'netns' } });
    assert.equal(netns.statusCode, 400);
    assert.match(netns.json().message, /Metadata\.Path/);
  });

  it('POST edge links existing nodes; unknown ends are named in a 400', async () => {
    const res = await post('edge', link);
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().Parent, 'n-eth0');
    assert.equal(res.json().Child, 'n-eth1');
    assert.equal(res.json().Origin, 'api.testhost');
    assert.equal((await post('edge', link)).statusCode, 409);
    const bad = await post('edge', { ...link, ID: 'e-x', Child: 'ghost' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'SKY_ERR_EDGE_UNKNOWN_NODE');
    assert.match(bad.json().message, /ghost/);
    const noRel = await post('edge', { ...link, ID: 'e-y', Metadata: {} });
    assert.equal(noRel.statusCode, 400);
    assert.match(noRel.json().message, /RelationType/);
  });

  it('GET lists by ID and gets one; unknown IDs are 404 with Skydive’s message', async () => {
    const list = await app.inject({ url: '/api/node' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(Object.keys(list.json()).sort(), ['n-eth0', 'n-eth1']);
    const edges = await app.inject({ url: '/api/edge' });
    assert.deepEqual(Object.keys(edges.json()), ['e-01']);
    const one = await app.inject({ url: '/api/node/n-eth0' });
    assert.equal(one.json().Metadata.Name, 'eth0');
    const missing = await app.inject({ url: '/api/node/nope' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().message, "Node 'nope' not found");
    assert.equal(
      (await app.inject({ url: '/api/edge/nope' })).json().message,
      "Edge 'nope' not found",
    );
    assert.equal((await app.inject({ url: '/api/node/' })).statusCode, 400);
  });

  it('PATCH applies a JSON Patch to Metadata: 200 with the new element, then 304', async () => {
    const ops = [
      { op: 'add', path: '/Metadata/Color', value: 'red' },
      { op: 'add', path: '/Metadata/a~1b', value: 1 },
    ];
    const res = await patch('node', 'n-eth0', ops);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().Metadata.Color, 'red');
    assert.equal(res.json().Metadata['a/b'], 1);
    assert.equal(res.json().Revision, 2);
    const again = await patch('node', 'n-eth0', ops);
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const rm = await patch('node', 'n-eth0', [
      { op: 'test', path: '/Metadata/Color', value: 'red' },
      { op: 'remove', path: '/Metadata/Color' },
    ]);
    assert.equal(rm.statusCode, 200);
    assert.equal('Color' in rm.json().Metadata, false);
    const edge = await patch('edge', 'e-01', [
      { op: 'replace', path: '/Metadata/RelationType', value: 'vlayer2' },
    ]);
    assert.equal(edge.json().Metadata.RelationType, 'vlayer2');
  });

  it('PATCH refuses Name, Type and TID changes, non-Metadata fields and bad patches', async () => {
    for (const [path, value] of [
      ['/Metadata/Name', 'other'],
      ['/Metadata/Type', 'veth'],
      ['/Metadata/TID', 'x'],
      ['/Host', 'h2'],
      ['/ID', 'new-id'],
    ] as const) {
      const res = await patch('node', 'n-eth0', [{ op: 'replace', path, value }]);
      assert.equal(res.statusCode, 400, path);
      assert.equal(res.json().code, 'SKY_ERR_IMMUTABLE_FIELD', path);
    }
    const tidRemoved = await patch('node', 'n-eth0', [{ op: 'remove', path: '/Metadata/TID' }]);
    assert.equal(tidRemoved.json().code, 'SKY_ERR_IMMUTABLE_FIELD');
    const parent = await patch('edge', 'e-01', [
      { op: 'replace', path: '/Parent', value: 'n-eth1' },
    ]);
    assert.equal(parent.json().code, 'SKY_ERR_IMMUTABLE_FIELD');
    const testFails = await patch('node', 'n-eth0', [
      { op: 'test', path: '/Metadata/Name', value: 'x' },
    ]);
    assert.equal(testFails.json().code, 'SKY_ERR_PATCH_TEST_FAILED');
    const notArray = await patch('node', 'n-eth0', { op: 'add' });
    assert.equal(notArray.statusCode, 400);
    const noPath = await patch('node', 'n-eth0', [{ op: 'remove', path: '/Metadata/nope' }]);
    assert.equal(noPath.json().code, 'SKY_ERR_INVALID_PATCH');
    const missing = await patch('node', 'ghost', []);
    assert.equal(missing.statusCode, 404);
    assert.equal(ctx.graph.getNode('n-eth0')?.metadata['Name'], 'eth0');
  });

  it('DELETE answers 200 with an empty text body; a node takes its edges along', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/node/n-eth1' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.equal(ctx.graph.getEdge('e-01'), undefined);
    assert.equal((await app.inject({ method: 'DELETE', url: '/api/node/n-eth1' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'DELETE', url: '/api/edge/e-01' })).statusCode, 404);
  });
});
