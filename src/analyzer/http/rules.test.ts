// SPDX-License-Identifier: Apache-2.0
// /api/noderule and /api/edgerule over HTTP with the real Gremlin engine: CRUD semantics (server
// UUID, 201, 409, PATCH refused, YAML bodies, TTL) and the rules' effect on the graph.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { genID, linkID } from '../../graph/index.js';
import type { AnalyzerContext } from '../context.js';
import { testApp, testContext } from '../testing/context.js';

type App = Awaited<ReturnType<typeof testApp>>;

describe('/api/noderule and /api/edgerule', () => {
  let ctx: AnalyzerContext;
  let app: App;
  before(async () => {
    ctx = testContext();
    ctx.graph.newNode({ Name: 'eth0', Type: 'device' }, { id: 'eth0' });
    ctx.graph.newNode({ Name: 'eth1', Type: 'device' }, { id: 'eth1' });
    app = await testApp(ctx);
  });
  after(() => app.close());

  const create = (kind: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/api/${kind}`, payload: payload as object, headers });

  it('a create rule answers 201 with a server UUID and makes its node; delete removes it', async () => {
    const res = await create('noderule', {
      UUID: 'client-chosen',
      Name: 'tor',
      Action: 'create',
      Metadata: { Name: 'TOR1', Type: 'fabric' },
      Unknown: 'dropped',
    });
    assert.equal(res.statusCode, 201);
    const rule = res.json();
    assert.notEqual(rule.UUID, 'client-chosen');
    assert.match(rule.UUID, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(rule), [
      'UUID',
      'Name',
      'Description',
      'Metadata',
      'Action',
      'Query',
    ]);
    const id = genID('fabric', 'TOR1');
    const node = (await app.inject({ url: `/api/node/${id}` })).json();
    assert.deepEqual(node.Metadata, { Name: 'TOR1', Type: 'fabric', TID: id, Probe: 'fabric' });
    assert.equal(node.Origin, 'analyzer.testhost');

    assert.equal((await app.inject({ url: `/api/noderule/${rule.UUID}` })).json().Name, 'tor');
    assert.deepEqual(Object.keys((await app.inject({ url: '/api/noderule' })).json()), [rule.UUID]);
    const dup = await create('noderule', {
      Action: 'create',
      Metadata: { Name: 'TOR1', Type: 'fabric' },
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'SKY_ERR_RULE_EXISTS');

    const del = await app.inject({ method: 'DELETE', url: `/api/noderule/${rule.UUID}` });
    assert.equal(del.statusCode, 200);
    assert.equal(del.body, '');
    assert.equal(ctx.graph.getNode(id), undefined);
    const again = await app.inject({ method: 'DELETE', url: `/api/noderule/${rule.UUID}` });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().message, `Noderule '${rule.UUID}' not found`);
  });

  it('an update rule merges metadata into matching nodes, new ones too, and unmerges on delete', async () => {
    const res = await create('noderule', {
      Action: 'update',
      Query: "G.V().Has('Type', 'device')",
      Metadata: { Team: 'net' },
    });
    assert.equal(res.statusCode, 201);
    await app.services.rules.flush();
    assert.equal(ctx.graph.getNode('eth0')?.metadata['Team'], 'net');
    const added = await app.inject({
      method: 'POST',
      url: '/api/node',
      payload: { ID: 'eth2', Metadata: { Name: 'eth2', Type: 'device' } },
    });
    assert.equal(added.statusCode, 201);
    await app.services.rules.flush();
    assert.equal(ctx.graph.getNode('eth2')?.metadata['Team'], 'net');
    await app.inject({ method: 'DELETE', url: `/api/noderule/${res.json().UUID}` });
    assert.equal('Team' in ctx.graph.getNode('eth0')!.metadata, false);
    assert.equal('Team' in ctx.graph.getNode('eth2')!.metadata, false);
  });

  it('rejects invalid node rules with 400', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ Action: 'delete', Metadata: {} }, /Action/],
      [{ Action: 'create', Metadata: { Type: 'device' } }, /Metadata\.Name/],
      [{ Action: 'update', Metadata: { X: 1 } }, /Query is required/],
      [{ Action: 'update', Query: 'G.V()', Metadata: { Name: 'x' } }, /Name and Type/],
      [{ Action: 'update', Query: "G.V().Has('Name'", Metadata: { X: 1 } }, /position/],
      [{ Action: 'create', Metadata: null }, /Metadata/],
    ];
    for (const [body, why] of bad) {
      const res = await create('noderule', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().code, 'SKY_ERR_INVALID_RULE');
      assert.match(res.json().message, why);
    }
  });

  it('an edge rule links the first matches with the link ID, and delete removes the edge', async () => {
    const res = await create('edgerule', {
      Src: "G.V().Has('Name', 'eth0')",
      Dst: "G.V().Has('Name', 'eth1')",
      Metadata: { RelationType: 'layer2', Type: 'fabric' },
    });
    assert.equal(res.statusCode, 201);
    const rule = res.json();
    assert.deepEqual(Object.keys(rule), ['UUID', 'Name', 'Description', 'Src', 'Dst', 'Metadata']);
    await app.services.rules.flush();
    const id = linkID('eth0', 'eth1', 'layer2');
    const edge = (await app.inject({ url: `/api/edge/${id}` })).json();
    assert.equal(edge.Parent, 'eth0');
    assert.equal(edge.Child, 'eth1');
    assert.deepEqual(edge.Metadata, { RelationType: 'layer2', Type: 'fabric' });

    const dup = await create('edgerule', { ...rule, UUID: undefined, Name: 'again' });
    assert.equal(dup.statusCode, 409);
    const noRel = await create('edgerule', { Src: 'G.V()', Dst: 'G.V()', Metadata: {} });
    assert.equal(noRel.statusCode, 400);
    assert.match(noRel.json().message, /RelationType/);

    await app.inject({ method: 'DELETE', url: `/api/edgerule/${rule.UUID}` });
    assert.equal(ctx.graph.getEdge(id), undefined);
  });

  it('an edge rule waits for its nodes and follows the graph', async () => {
    const res = await create('edgerule', {
      Src: "G.V().Has('Name', 'eth0')",
      Dst: "G.V().Has('Name', 'late')",
      Metadata: { RelationType: 'mylink' },
    });
    await app.services.rules.flush();
    const id = linkID('eth0', 'late', 'mylink');
    assert.equal(ctx.graph.getEdge(id), undefined);
    ctx.graph.newNode({ Name: 'late', Type: 'device' }, { id: 'late' });
    await app.services.rules.flush();
    assert.ok(ctx.graph.getEdge(id));
    await app.inject({ method: 'DELETE', url: `/api/edgerule/${res.json().UUID}` });
  });

  it('PATCH is refused with 400 (404 for an unknown UUID)', async () => {
    const rule = (
      await create('noderule', { Action: 'create', Metadata: { Name: 'p', Type: 'host' } })
    ).json();
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/noderule/${rule.UUID}`,
      payload: [{ op: 'replace', path: '/Name', value: 'x' }],
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'SKY_ERR_NOT_UPDATABLE');
    const missing = await app.inject({ method: 'PATCH', url: '/api/edgerule/nope', payload: [] });
    assert.equal(missing.statusCode, 404);
  });

  it('accepts YAML bodies and X-Resource-TTL', async () => {
    const yaml = 'Action: create\nMetadata:\n  Name: yamlnode\n  Type: host\n';
    const res = await app.inject({
      method: 'POST',
      url: '/api/noderule',
      payload: yaml,
      headers: { 'content-type': 'application/yaml', 'x-resource-ttl': '1h' },
    });
    assert.equal(res.statusCode, 201);
    assert.ok(ctx.graph.getNode(genID('host', 'yamlnode')));
    const badYaml = await app.inject({
      method: 'POST',
      url: '/api/noderule',
      payload: 'Action: [unclosed',
      headers: { 'content-type': 'application/yaml' },
    });
    assert.equal(badYaml.statusCode, 400);
    assert.equal(badYaml.json().code, 'SKY_ERR_BAD_YAML');
    const badTTL = await create(
      'noderule',
      { Action: 'create', Metadata: { Name: 'ttl', Type: 'host' } },
      { 'x-resource-ttl': 'soon' },
    );
    assert.equal(badTTL.statusCode, 400);
    assert.equal(badTTL.json().code, 'SKY_ERR_INVALID_TTL');
  });
});
