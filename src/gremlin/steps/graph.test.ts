// SPDX-License-Identifier: Apache-2.0
// Tests of ShortestPathTo, SubGraph and As/Select.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../../graph/errors.js';
import { GremlinEngine } from '../engine.js';
import { toJSON } from '../json.js';
import type { Result } from '../values.js';
import { br0, hostA, ns1, vethA0, vethA1, vethB0, vethB1 } from '../testing/fixture.js';
import { idSet, ids, run } from '../testing/helpers.js';

const pathIds = (r: Result): string[][] => {
  assert.equal(r.kind, 'paths');
  return r.kind === 'paths' ? r.paths.map((p) => p.map((n) => n.id)) : [];
};

const graphIds = (r: Result): { nodes: string[]; edges: string[] } => {
  assert.equal(r.kind, 'graph');
  if (r.kind !== 'graph') return { nodes: [], edges: [] };
  return {
    nodes: [...r.view.nodes()].map((n) => n.id).sort(),
    edges: [...r.view.edges()].map((e) => e.id).sort(),
  };
};

describe('#ShortestPathTo', () => {
  it('finds the shortest undirected path from each start node', async () => {
    assert.deepEqual(
      pathIds(await run(`G.V('${vethA1}').ShortestPathTo(Metadata('Name', 'vethB1'))`)),
      [[vethA1, ns1, hostA, vethB0, vethB1]],
    );
  });

  it('follows only edges matching the edge filter', async () => {
    const r = await run(
      `G.V('${vethA1}').ShortestPathTo(Metadata('Name', 'vethB1'), Metadata('RelationType', 'layer2'))`,
    );
    assert.deepEqual(pathIds(r), [[vethA1, vethA0, br0, vethB0, vethB1]]);
  });

  it('gives one path per distinct start node, none when unreachable', async () => {
    const r = await run(
      "G.V().Has('Type', 'netns').ShortestPathTo(Metadata('Type', 'bridge'), Metadata('RelationType', 'ownership'))",
    );
    assert.deepEqual(pathIds(r), [
      [ns1, hostA, br0],
      ['ns2', hostA, br0],
    ]);
    const none = await run(
      "G.V().Has('Type', 'netns').ShortestPathTo(Metadata('Type', 'bridge'), Metadata('RelationType', 'layer2'))",
    );
    assert.deepEqual(pathIds(none), []);
    const dup = await run(`G.V('${hostA}').Out().In().ShortestPathTo(Metadata('Name', 'eth0'))`);
    assert.equal(pathIds(dup).length, 4);
  });

  it('a start node matching the target is a path of one', async () => {
    assert.deepEqual(
      pathIds(await run(`G.V('${br0}').ShortestPathTo(Metadata('Type', 'bridge'))`)),
      [[br0]],
    );
  });

  it('accepts predicates in Metadata', async () => {
    const r = await run(`G.V('${ns1}').ShortestPathTo(Metadata('MTU', GT(5000)))`);
    assert.deepEqual(pathIds(r), [[ns1, hostA, 'lo']]);
  });

  it('serialises as an array of node arrays', async () => {
    const json = toJSON(
      await run(`G.V('${br0}').ShortestPathTo(Metadata('Name', 'hostA'))`),
    ) as Array<Array<{ ID: string }>>;
    assert.deepEqual(
      json.map((p) => p.map((n) => n.ID)),
      [[br0, hostA]],
    );
  });

  it('needs Metadata parameters', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse("G.V().ShortestPathTo('Name', 'x')"), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().ShortestPathTo()'), QuerySyntaxError);
    assert.throws(
      () => engine.parse("G.V().ShortestPathTo(Metadata('a', 1), 'x')"),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 39,
    );
  });
});

describe('#SubGraph', () => {
  it('from nodes: the nodes and the edges among them', async () => {
    const r = await run("G.V().Has('Type', WITHIN('bridge', 'veth')).SubGraph()");
    assert.deepEqual(graphIds(r), {
      nodes: [br0, vethA0, vethA1, vethB0, vethB1],
      edges: ['l2-br0-vethA0', 'l2-br0-vethB0', 'l2-vethA0-vethA1', 'l2-vethB0-vethB1'],
    });
  });

  it('from nodes with an edge filter', async () => {
    const r = await run("G.V().Has('Type', WITHIN('bridge', 'veth')).SubGraph('Type', 'veth')");
    assert.deepEqual(graphIds(r).edges, ['l2-vethA0-vethA1', 'l2-vethB0-vethB1']);
  });

  it('from edges: the edges and their ends', async () => {
    const r = await run("G.E().Has('Type', 'veth').SubGraph()");
    assert.deepEqual(graphIds(r), {
      nodes: [vethA0, vethA1, vethB0, vethB1],
      edges: ['l2-vethA0-vethA1', 'l2-vethB0-vethB1'],
    });
  });

  it('from paths: the path nodes and the edges among them', async () => {
    const r = await run(`G.V('${vethA1}').ShortestPathTo(Metadata('Name', 'hostA')).SubGraph()`);
    assert.deepEqual(graphIds(r), {
      nodes: [hostA, ns1, vethA1],
      edges: ['own-hostA-ns1', 'own-ns1-vethA1'],
    });
  });

  it('becomes the graph the following steps read', async () => {
    assert.deepEqual(
      idSet(
        await run("G.E().Has('Type', 'veth').SubGraph().V().Has('Name', REGEX('veth.0')).Out()"),
      ),
      [vethA1, vethB1],
    );
    assert.deepEqual(ids(await run("G.V().Has('Type', 'veth').SubGraph().E()")), [
      'l2-vethA0-vethA1',
      'l2-vethB0-vethB1',
    ]);
  });

  it('serialises as a one-element array', async () => {
    const json = toJSON(await run("G.E().Has('Type', 'veth').Limit(1).SubGraph()")) as Array<{
      Nodes: unknown[];
      Edges: unknown[];
    }>;
    assert.equal(json.length, 1);
    assert.equal(json[0]!.Nodes.length, 2);
    assert.equal(json[0]!.Edges.length, 1);
  });

  it('does not apply to a number', async () => {
    await assert.rejects(run('G.V().Count().SubGraph()'), {
      code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT',
    });
  });
});

describe('#As / #Select', () => {
  it('saves node sets and concatenates them', async () => {
    const r = await run(`G.V('${br0}').As('bridge').Out().As('ports').Select('ports', 'bridge')`);
    assert.deepEqual(ids(r), [vethA0, vethB0, br0]);
  });

  it('fails on an unknown key', async () => {
    await assert.rejects(run("G.V().Select('x')"), { code: 'SKY_ERR_QUERY_EXECUTION' });
  });

  it('validates parameters', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse('G.V().As()'), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().As(1)'), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().Select()'), QuerySyntaxError);
  });
});
