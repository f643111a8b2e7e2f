// SPDX-License-Identifier: Apache-2.0
// Tests of G, V, E and Context/At on the fixture world.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryExecutionError, QuerySyntaxError } from '../../graph/errors.js';
import { Graph } from '../../graph/graph.js';
import type { GraphView } from '../../graph/types.js';
import { GremlinEngine } from '../engine.js';
import { toJSON } from '../json.js';
import { MemoryView } from '../memory-view.js';
import { buildFixtureGraph, eth0, fixtureNodes, hostA } from '../testing/fixture.js';
import { ids, num, run } from '../testing/helpers.js';

describe('#G', () => {
  it('returns the whole graph', async () => {
    const g = buildFixtureGraph();
    const r = await run('G', g);
    assert.equal(r.kind, 'graph');
    assert.equal(r.kind === 'graph' && r.view, g);
  });

  it('goes back to the graph from nodes', async () => {
    const r = await run("G.V().Has('Name', 'eth0').G");
    assert.equal(r.kind, 'graph');
  });
});

describe('#V', () => {
  it('lists every node', async () => {
    assert.equal(num(await run('G.V().Count()')), fixtureNodes.length);
    const r = await run('G.V()');
    assert.equal(ids(r).length, fixtureNodes.length);
  });

  it('returns one node by ID', async () => {
    assert.deepEqual(ids(await run(`G.V('${eth0}')`)), [eth0]);
  });

  it('fails with SKY_ERR_QUERY_NODE_NOT_FOUND for an unknown ID', async () => {
    await assert.rejects(run("G.V('nope')"), (e: unknown) => {
      assert.ok(e instanceof QueryExecutionError);
      assert.equal(e.code, 'SKY_ERR_QUERY_NODE_NOT_FOUND');
      assert.equal(e.position, 2);
      return true;
    });
  });

  it('rejects more than one parameter or a non-string ID at parse time', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse("G.V('k', 'v')"), QuerySyntaxError);
    assert.throws(
      () => engine.parse('G.V(1)'),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 4,
    );
  });

  it('absorbs a following Has and uses the index', async () => {
    const g = buildFixtureGraph();
    let scanned = 0;
    const view: GraphView = {
      getNode: (id) => g.getNode(id),
      getEdge: (id) => g.getEdge(id),
      nodes: () => {
        scanned++;
        return g.nodes();
      },
      edges: () => g.edges(),
      nodeCount: g.nodeCount,
      edgeCount: g.edgeCount,
      outEdges: (id) => g.outEdges(id),
      inEdges: (id) => g.inEdges(id),
      lookupNodes: (k, v) => g.lookupNodes(k, v),
    };
    const engine = new GremlinEngine();
    const q = engine.parse("G.V().Has('Type', 'veth', 'MTU', 1500)");
    assert.equal(q.steps.length, 1, 'Has fused into V');
    assert.deepEqual(ids(await engine.execute(q, view)).sort(), ['vethA0', 'vethA1']);
    assert.equal(scanned, 0, 'answered from the Type index');
    await engine.execute("G.V().Has('MTU', 1500)", view);
    assert.equal(scanned, 1, 'MTU is not indexed: scan');
  });

  it('gives the same answer on a view without indexes', async () => {
    const g = buildFixtureGraph();
    const plain = new MemoryView(g.nodes(), g.edges());
    for (const q of [
      "G.V().Has('Name', 'ovsbr0')",
      "G.V().Has('Metadata.Type', 'netns')",
      "G.V().HasEither('Name', 'lo', 'Name', 'br0')",
      "G.V().Has('Type', 'veth', 'MTU', 1500).Count()",
      "G.V().Has('Type', 'veth').Has('State', 'UP').Limit(2)",
      "G.V().Has('MAC', '52:54:00:00:00:01')",
    ]) {
      assert.deepEqual(toJSON(await run(q, plain)), toJSON(await run(q, g)), q);
    }
  });

  it('answers a single indexed equality from the bucket, limits included', async () => {
    const g = buildFixtureGraph();
    const plain = new MemoryView(g.nodes(), g.edges());
    for (const q of [
      "G.V().Has('Type', 'veth')",
      "G.V().Has('Type', 'veth').Count()",
      "G.V().Has('Name', 'nope')",
      "G.V().Has('Name', 'nope').Count()",
    ]) {
      assert.deepEqual(toJSON(await run(q, g)), toJSON(await run(q, plain)), q);
    }
    const limited = new GremlinEngine({ limits: { maxResults: 1 } });
    await assert.rejects(limited.execute("G.V().Has('Type', 'veth')", g), (e: unknown) => {
      assert.ok(e instanceof QueryExecutionError);
      assert.equal(e.code, 'SKY_ERR_QUERY_TOO_LARGE');
      assert.equal(e.position, 2);
      return true;
    });
    assert.ok(num(await limited.execute("G.V().Has('Type', 'veth').Count()", g)) > 1);
    const big = new Graph();
    for (let i = 0; i < 3000; i++) big.newNode({ Name: `n${i}`, Type: 'veth' });
    let t = 0;
    const slow = new GremlinEngine({ limits: { timeoutMs: 1 }, clock: () => t++ });
    await assert.rejects(slow.execute("G.V().Has('Type', 'veth')", big), {
      code: 'SKY_ERR_QUERY_TIMEOUT',
    });
  });

  it('reads the @ fields', async () => {
    assert.deepEqual(ids(await run(`G.V().Has('@ID', '${hostA}')`)), [hostA]);
    assert.equal(
      num(await run("G.V().Has('@Origin', 'agent.hostA').Count()")),
      fixtureNodes.length,
    );
  });
});

describe('#E', () => {
  it('lists every edge and filters them', async () => {
    assert.equal(num(await run('G.E().Count()')), buildFixtureGraph().edgeCount);
    assert.deepEqual(ids(await run("G.E().Has('RelationType', 'layer2', 'Type', 'veth')")), [
      'l2-vethA0-vethA1',
      'l2-vethB0-vethB1',
    ]);
  });

  it('returns one edge by ID, or fails with SKY_ERR_QUERY_EDGE_NOT_FOUND', async () => {
    assert.deepEqual(ids(await run("G.E('own-hostA-eth0')")), ['own-hostA-eth0']);
    await assert.rejects(run("G.E('nope')"), { code: 'SKY_ERR_QUERY_EDGE_NOT_FOUND' });
  });

  it('filters edges on Parent and Child', async () => {
    assert.equal(num(await run(`G.E().Has('Parent', '${hostA}').Count()`)), 10);
    assert.deepEqual(ids(await run(`G.E().Has('Child', '${eth0}')`)), ['own-hostA-eth0']);
  });
});

describe('#Context', () => {
  it('fails with SKY_ERR_NO_HISTORY when no history provider is configured', async () => {
    await assert.rejects(run("G.Context('-1m').V()"), (e: unknown) => {
      assert.ok(e instanceof QueryExecutionError);
      assert.equal(e.code, 'SKY_ERR_NO_HISTORY');
      assert.equal(e.position, 2);
      return true;
    });
  });

  it('asks the history provider for the resolved time and reads the returned view', async () => {
    const calls: Array<[number, number | undefined]> = [];
    const past = new MemoryView([buildFixtureGraph().getNode(hostA)!], [], 5);
    const engine = new GremlinEngine({
      clock: () => 1_000_000,
      history: {
        at: async (t, d) => {
          calls.push([t, d]);
          return past;
        },
      },
    });
    const g = buildFixtureGraph();
    assert.equal(num(await engine.execute("G.At('-1m').V().Count()", g)), 1);
    assert.equal(num(await engine.execute("G.Context(1500000000, '30s').V().Count()", g)), 1);
    assert.equal(num(await engine.execute('G.Context(NOW, FOREVER).V().Count()', g)), 1);
    assert.equal(num(await engine.execute('G.Context(1700000000123, 60).V().Count()', g)), 1);
    assert.deepEqual(calls, [
      [940_000, undefined],
      [1_500_000_000_000, 30_000],
      [1_000_000, 1_000_000],
      [1_700_000_000_123, 60_000],
    ]);
  });

  it('only applies to a graph', async () => {
    const engine = new GremlinEngine({ history: { at: () => buildFixtureGraph() } });
    await assert.rejects(engine.execute("G.V().Context('-1m')", buildFixtureGraph()), {
      code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT',
    });
  });

  it('validates its parameters at parse time', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse('G.Context()'), QuerySyntaxError);
    assert.throws(() => engine.parse("G.Context('a', 'b', 'c')"), QuerySyntaxError);
    assert.throws(() => engine.parse("G.Context('yesterday')"), /RFC1123 or in Go Duration/);
    assert.throws(() => engine.parse("G.Context(NOW, 'x')"), /Invalid duration/);
    assert.throws(() => engine.parse('G.Context(FOREVER)'), QuerySyntaxError);
    assert.throws(() => engine.parse('G.Context(NOW, NOW)'), QuerySyntaxError);
  });
});
