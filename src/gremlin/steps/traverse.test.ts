// SPDX-License-Identifier: Apache-2.0
// Tests of Out/In/Both, OutE/InE/BothE and OutV/InV/BothV, including Skydive's reversed OutV/InV,
// and of chained hops fused into one step.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryExecutionError } from '../../graph/errors.js';
import { Graph } from '../../graph/graph.js';
import { GremlinEngine } from '../engine.js';
import { br0, buildFixtureGraph, hostA, ns1, vethA0, vethA1, vethB0 } from '../testing/fixture.js';
import { idSet, ids, num, run } from '../testing/helpers.js';

describe('#Out / #In / #Both', () => {
  it('Out follows edges from parent to child', async () => {
    assert.deepEqual(ids(await run(`G.V('${br0}').Out()`)), [vethA0, vethB0]);
    assert.deepEqual(ids(await run(`G.V('${ns1}').Out()`)), [vethA1]);
  });

  it('In follows edges from child to parent', async () => {
    assert.deepEqual(idSet(await run(`G.V('${vethA0}').In()`)), [br0, hostA]);
  });

  it('Both gives children then parents', async () => {
    assert.deepEqual(ids(await run(`G.V('${vethA0}').Both()`)), [vethA1, hostA, br0]);
  });

  it('filters the reached nodes by its own parameters or a fused Has', async () => {
    assert.deepEqual(ids(await run(`G.V('${hostA}').Out('Type', 'netns')`)), ['ns1', 'ns2']);
    assert.deepEqual(ids(await run(`G.V('${hostA}').Out().Has('Type', 'netns')`)), ['ns1', 'ns2']);
    assert.deepEqual(ids(await run(`G.V('${hostA}').Out('Path')`)), ['ns1', 'ns2']);
  });

  it('keeps duplicates', async () => {
    // vethA0 and vethB0 are both children of hostA and br0
    assert.equal(num(await run("G.V().Has('Name', WITHIN('vethA0', 'vethB0')).In().Count()")), 4);
    assert.equal(
      num(await run("G.V().Has('Name', WITHIN('vethA0', 'vethB0')).In().Dedup().Count()")),
      2,
    );
  });

  it('two hops', async () => {
    assert.deepEqual(ids(await run("G.V().Has('Name', 'hostA').Out('Type', 'netns').Out()")), [
      'vethA1',
      'vethB1',
    ]);
  });

  it('needs nodes as input', async () => {
    await assert.rejects(run('G.E().Out()'), (e: unknown) => {
      assert.equal((e as { code: string }).code, 'SKY_ERR_QUERY_INVALID_STEP_INPUT');
      assert.equal((e as { position: number }).position, 6);
      assert.match((e as Error).message, /Out/);
      return true;
    });
    await assert.rejects(run('G.V().Count().Out()'), { code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT' });
  });

  it('visits a self-loop once with Both and BothE', async () => {
    const g = new Graph();
    g.newNode({ Name: 'a' }, { id: 'a' });
    g.newEdge('a', 'a', { RelationType: 'x' }, { id: 'loop' });
    assert.deepEqual(ids(await run("G.V('a').Both()", g)), ['a']);
    assert.deepEqual(ids(await run("G.V('a').BothE()", g)), ['loop']);
    assert.deepEqual(ids(await run("G.V('a').Out()", g)), ['a']);
    assert.deepEqual(ids(await run("G.V('a').In()", g)), ['a']);
  });
});

describe('#OutE / #InE / #BothE', () => {
  it('list edges where the node is parent, child or either', async () => {
    assert.deepEqual(ids(await run(`G.V('${br0}').OutE()`)), ['l2-br0-vethA0', 'l2-br0-vethB0']);
    assert.deepEqual(ids(await run(`G.V('${br0}').InE()`)), ['own-hostA-br0']);
    assert.deepEqual(ids(await run(`G.V('${br0}').BothE()`)), [
      'l2-br0-vethA0',
      'l2-br0-vethB0',
      'own-hostA-br0',
    ]);
  });

  it('filter edges', async () => {
    assert.deepEqual(ids(await run(`G.V('${vethA0}').BothE('RelationType', 'layer2')`)), [
      'l2-vethA0-vethA1',
      'l2-br0-vethA0',
    ]);
    assert.deepEqual(ids(await run(`G.V('${vethA0}').BothE().Has('Type', 'veth')`)), [
      'l2-vethA0-vethA1',
    ]);
  });
});

describe('#OutV / #InV / #BothV', () => {
  it('OutV is the child and InV the parent (Skydive naming)', async () => {
    assert.deepEqual(ids(await run("G.E('l2-vethA0-vethA1').OutV()")), [vethA1]);
    assert.deepEqual(ids(await run("G.E('l2-vethA0-vethA1').InV()")), [vethA0]);
    assert.deepEqual(ids(await run("G.E('l2-vethA0-vethA1').BothV()")), [vethA0, vethA1]);
  });

  it('filter the nodes', async () => {
    assert.deepEqual(
      ids(await run("G.E().Has('RelationType', 'layer2').OutV('Type', 'veth', 'State', 'DOWN')")),
      [vethB0],
    );
    assert.deepEqual(ids(await run("G.V('vethA1').InE().InV().Has('Type', 'netns')")), [ns1]);
  });

  it('need edges as input', async () => {
    await assert.rejects(run('G.V().OutV()'), { code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT' });
  });
});

describe('Limit after an adjacency step', () => {
  it('stops producing once the limit is reached', async () => {
    const engine = new GremlinEngine();
    const q = engine.parse(`G.V('${hostA}').Out().Limit(2)`);
    assert.equal(q.steps.length, 2, 'Limit fused into Out');
    assert.deepEqual(ids(await run(`G.V('${hostA}').Out().Limit(2)`)), ['eth0', 'lo']);
    assert.deepEqual(ids(await run(`G.V('${hostA}').Out().Range(1, 3)`)), ['lo', 'br0']);
  });

  it('does not fuse a filter that follows the limit', async () => {
    const r = await run(`G.V('${hostA}').Out().Limit(2).Has('Type', 'netns')`);
    assert.deepEqual(ids(r), []);
  });
});

describe('chained Out / In / Both', () => {
  // HasKey('@ID') holds for every element; after a hop it stops the hops from fusing.
  const unfused = (q: string): string =>
    q.replace(/(Out|In|Both)\(\)(?=\.(Out|In|Both)\(\))/g, "$1().HasKey('@ID')");

  it('fuse when the hops before the last have no parameters, filters, range or count', () => {
    const engine = new GremlinEngine();
    const names = (q: string): string[] => engine.parse(q).steps.map((s) => s.name);
    assert.deepEqual(names("G.V('hostA').Out().In().Both().Has('Type', 'veth')"), ['V', 'Out']);
    assert.deepEqual(names("G.V('hostA').Out('Type', 'netns').Out()"), ['V', 'Out', 'Out']);
    assert.deepEqual(names("G.V('hostA').Out().Out('Type', 'veth')"), ['V', 'Out', 'Out']);
    assert.deepEqual(names("G.V('hostA').Out().Limit(2).Out()"), ['V', 'Out', 'Out']);
    assert.deepEqual(names(unfused("G.V('hostA').Out().Out()")), ['V', 'Out', 'Out']);
  });

  it('give the same nodes, in the same order, as hop by hop', async () => {
    const g = buildFixtureGraph();
    for (const q of [
      `G.V('${hostA}').Out().Out()`,
      `G.V('${vethA0}').In().Out()`,
      `G.V('${vethA0}').Both().Both()`,
      `G.V().Has('Type', 'veth').Both().In().Out()`,
      `G.V('${hostA}').Out().Out().Has('Type', 'veth')`,
      `G.V('${hostA}').Out().Out().Range(1, 3)`,
      `G.V('${hostA}').Out().Out().Count()`,
      `G.V('${hostA}').Out().Both().Dedup()`,
    ]) {
      const fused = await run(q, g);
      assert.deepEqual(fused, await run(unfused(q), g), q);
    }
    const loop = new Graph();
    loop.newNode({ Name: 'a' }, { id: 'a' });
    loop.newNode({ Name: 'b' }, { id: 'b' });
    loop.newEdge('a', 'a', {}, { id: 'aa' });
    loop.newEdge('a', 'b', {}, { id: 'ab' });
    const q = "G.V('a').Both().Both()";
    assert.deepEqual(ids(await run(q, loop)), ['a', 'b', 'a']);
    assert.deepEqual(ids(await run(unfused(q), loop)), ['a', 'b', 'a']);
  });

  it('check maxResults at the hop that overflows', async () => {
    const limited = new GremlinEngine({ limits: { maxResults: 5 } });
    const g = buildFixtureGraph();
    const first = `G.V('${hostA}').Out().Out()`; // hostA has 10 children
    await assert.rejects(limited.execute(first, g), (e: unknown) => {
      assert.ok(e instanceof QueryExecutionError);
      assert.equal(e.code, 'SKY_ERR_QUERY_TOO_LARGE');
      assert.equal(e.position, first.indexOf('Out'));
      return true;
    });
    const second = `G.V('${ns1}').In().Out()`; // one parent, then its 10 children
    await assert.rejects(limited.execute(second, g), (e: unknown) => {
      assert.ok(e instanceof QueryExecutionError);
      assert.equal(e.position, second.lastIndexOf('Out'));
      return true;
    });
  });
});
