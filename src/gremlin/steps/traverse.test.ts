// SPDX-License-Identifier: Apache-2.0
// Tests of Out/In/Both, OutE/InE/BothE and OutV/InV/BothV, including Skydive's reversed OutV/InV.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/graph.js';
import { GremlinEngine } from '../engine.js';
import { br0, hostA, ns1, vethA0, vethA1, vethB0 } from '../testing/fixture.js';
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
