// SPDX-License-Identifier: Apache-2.0
// /api/topology: the whole graph, Gremlin results in Skydive's shapes and content type, 204 for an
// empty query, 400 with the position for a bad one, DOT output, and the configured query limits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { testApiApp, testApiContext } from '../testing/context.js';

describe('/api/topology', () => {
  let ctx: ApiContext;
  let app: FastifyInstance;
  before(async () => {
    ctx = testApiContext({ settings: { query: { timeoutMs: 10_000, maxResults: 50 } } });
    const g = ctx.graph;
    const host = g.newNode({ Name: 'node1', Type: 'host' }, { id: 'h' });
    const eth = g.newNode({ Name: 'eth0', Type: 'device', MTU: 1500 }, { id: 'e' });
    g.newEdge(host.id, eth.id, { RelationType: 'ownership' }, { id: 'own' });
    app = await testApiApp(ctx);
  });
  after(() => app.close());

  const query = (GremlinQuery: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/topology', payload: { GremlinQuery }, headers });

  it('GET returns {Nodes, Edges}', async () => {
    const res = await app.inject({ url: '/api/topology' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(body.Nodes.map((n: { ID: string }) => n.ID).sort(), ['e', 'h']);
    assert.deepEqual(
      body.Edges.map((e: { ID: string }) => e.ID),
      ['own'],
    );
  });

  it('POST answers the §4.6 shapes with application/json; charset=UTF-8', async () => {
    const nodes = await query("G.V().Has('Type', 'device')");
    assert.equal(nodes.statusCode, 200);
    assert.equal(nodes.headers['content-type'], 'application/json; charset=UTF-8');
    assert.deepEqual(
      nodes.json().map((n: { ID: string }) => n.ID),
      ['e'],
    );
    assert.equal((await query('G.V().Count()')).body, '2');
    const graph = (await query('G')).json();
    assert.equal(graph.length, 1);
    assert.equal(graph[0].Nodes.length, 2);
    assert.equal((await query("G.V().Has('Name', 'nope').Values('MTU')")).body, 'null');
    const accepted = await query('G.V().Count()', { accept: 'application/json' });
    assert.equal(accepted.headers['content-type'], 'application/json; charset=UTF-8');
  });

  it('POST with an empty query or body answers 204', async () => {
    assert.equal((await query('')).statusCode, 204);
    assert.equal(
      (await app.inject({ method: 'POST', url: '/api/topology', payload: {} })).statusCode,
      204,
    );
    const empty = await app.inject({
      method: 'POST',
      url: '/api/topology',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(empty.statusCode, 204);
  });

  it('POST reports a syntax error with its position, and execution errors, as 400', async () => {
    const res = await query("G.V().Has('Name', ");
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'SKY_ERR_QUERY_SYNTAX');
    assert.match(res.json().message, /at position \d+/);
    const unknownStep = await query('G.V().Frobnicate()');
    assert.equal(unknownStep.statusCode, 400);
    assert.match(unknownStep.json().message, /position 6/);
    const badType = await query('G.V().Count().Out()');
    assert.equal(badType.statusCode, 400);
    assert.equal(badType.json().statusCode, 400);
    const wrongBody = await app.inject({
      method: 'POST',
      url: '/api/topology',
      payload: { GremlinQuery: 5 },
    });
    assert.equal(wrongBody.statusCode, 400);
    assert.equal(wrongBody.json().code, 'SKY_ERR_INVALID_BODY');
  });

  it('POST applies the configured max results', async () => {
    for (let i = 0; i < 60; i++) ctx.graph.newNode({ Name: `x${i}`, Type: 'device' });
    const res = await query('G.V()');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'SKY_ERR_QUERY_TOO_LARGE');
  });

  it('Accept: text/vnd.graphviz gives DOT for graph results and 400 otherwise', async () => {
    const dot = await query('G', { accept: 'text/vnd.graphviz' });
    assert.equal(dot.statusCode, 200);
    assert.equal(dot.headers['content-type'], 'text/vnd.graphviz; charset=UTF-8');
    assert.match(dot.body, /^digraph g \{/);
    assert.match(dot.body, /"h" -> "e"/);
    const notGraph = await query("G.V().Has('Type', 'host')", { accept: 'text/vnd.graphviz' });
    assert.equal(notGraph.statusCode, 400);
    assert.equal(notGraph.json().code, 'SKY_ERR_QUERY_NOT_A_GRAPH');
    const pcap = await query('G.V().Count()', { accept: 'application/vnd.tcpdump.pcap' });
    assert.equal(pcap.json().code, 'SKY_ERR_UNSUPPORTED_OUTPUT');
  });
});
