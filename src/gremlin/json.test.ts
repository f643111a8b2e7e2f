// SPDX-License-Identifier: Apache-2.0
// Tests of the §4.6 result shapes and of the DOT rendering of graph results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryExecutionError } from '../graph/errors.js';
import { Graph } from '../graph/graph.js';
import { toDot } from './dot.js';
import { toJSON } from './json.js';
import { isGraphResult } from './values.js';
import { T0, buildFixtureGraph } from './testing/fixture.js';
import { run } from './testing/helpers.js';

describe('#toJSON', () => {
  it('a graph is a one-element array of {Nodes, Edges}', async () => {
    const g = buildFixtureGraph();
    const json = toJSON(await run('G', g)) as Array<{ Nodes: unknown[]; Edges: unknown[] }>;
    assert.equal(json.length, 1);
    assert.deepEqual(Object.keys(json[0]!), ['Nodes', 'Edges']);
    assert.equal(json[0]!.Nodes.length, g.nodeCount);
    assert.equal(json[0]!.Edges.length, g.edgeCount);
  });

  it('an empty graph still has both lists', async () => {
    assert.deepEqual(toJSON(await run('G', new Graph())), [{ Nodes: [], Edges: [] }]);
  });

  it('nodes and edges in the §1.1 form, key order included', async () => {
    const [node] = toJSON(await run("G.V('ns1')")) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(node!), [
      'ID',
      'Metadata',
      'Host',
      'Origin',
      'CreatedAt',
      'UpdatedAt',
      'DeletedAt',
      'Revision',
    ]);
    assert.deepEqual(node, {
      ID: 'ns1',
      Metadata: { Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1', Inode: 4026532001 },
      Host: 'hostA',
      Origin: 'agent.hostA',
      CreatedAt: T0 + 6000,
      UpdatedAt: T0 + 6000,
      DeletedAt: null,
      Revision: 1,
    });
    const [edge] = toJSON(await run("G.E('own-ns1-vethA1')")) as Array<Record<string, unknown>>;
    assert.equal(edge!['Parent'], 'ns1');
    assert.equal(edge!['Child'], 'vethA1');
  });

  it('empty node lists are [] while empty values are null', async () => {
    assert.deepEqual(toJSON(await run("G.V().Has('Name', 'nope')")), []);
    assert.deepEqual(toJSON(await run("G.V().Has('Name', 'nope').OutE()")), []);
    assert.equal(toJSON(await run("G.V().Values('nope')")), null);
  });

  it('Count and Sum are bare numbers', async () => {
    assert.equal(toJSON(await run('G.E().Count()')), 22);
    assert.equal(toJSON(await run("G.V().Sum('IfIndex')")), 1 + 2 + 3 + 5 + 6 + 7 + 8 + 9 + 10);
  });
});

describe('#toDot', () => {
  it('renders nodes with labels and edges with relation types', async () => {
    const r = await run("G.E().Has('Type', 'veth').Limit(1).SubGraph()");
    assert.ok(isGraphResult(r));
    const dot = toDot(r);
    assert.equal(
      dot,
      [
        'digraph g {',
        '  "vethA0" [label="vethA0-vethA0\\nType = veth\\nIfIndex = 5\\nState = UP"];',
        '  "vethA1" [label="vethA1-vethA1\\nType = veth\\nIfIndex = 6\\nState = UP\\nIPV4 = [\\"10.0.0.1/24\\"]"];',
        '  "vethA0" -> "vethA1" [label="layer2",dir=both];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes and omits the label of an edge without RelationType', async () => {
    const g = new Graph();
    g.newNode({ Name: 'a"b' }, { id: 'x' });
    g.newNode({}, { id: 'y' });
    g.newEdge('x', 'y', {}, { id: 'e' });
    const dot = toDot(await run('G', g));
    assert.match(dot, /"x" \[label="a\\"b-x"\];/);
    assert.match(dot, /"x" -> "y";/);
  });

  it('refuses results that are not graphs', async () => {
    assert.throws(
      () => toDot({ kind: 'number', value: 1 }),
      (e: unknown) => e instanceof QueryExecutionError && e.code === 'SKY_ERR_QUERY_NOT_A_GRAPH',
    );
    assert.equal(isGraphResult(await run('G.V()')), false);
  });
});
