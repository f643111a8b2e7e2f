// SPDX-License-Identifier: Apache-2.0
// Tests of Descendants, Ascendants and Neighbors: default ownership filter, depth semantics,
// custom edge filters, input nodes included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../../graph/errors.js';
import { Graph } from '../../graph/graph.js';
import { GremlinEngine } from '../engine.js';
import { br0, eth0, hostA, ns1, ns2, vethA0, vethA1, vethB0, vethB1 } from '../testing/fixture.js';
import { idSet, ids, run } from '../testing/helpers.js';

describe('#Descendants', () => {
  it('depth 1 by default: the node and its ownership children', async () => {
    assert.deepEqual(ids(await run(`G.V('${ns1}').Descendants()`)), [ns1, vethA1]);
    assert.equal(ids(await run(`G.V('${hostA}').Descendants()`)).length, 11);
  });

  it('depth 0 is unlimited, depth n stops after n levels', async () => {
    assert.equal(ids(await run(`G.V('${hostA}').Descendants(0)`)).length, 15);
    assert.equal(ids(await run(`G.V('${hostA}').Descendants(2)`)).length, 15);
    const chain = new Graph();
    for (const id of ['a', 'b', 'c', 'd']) chain.newNode({ Name: id }, { id });
    for (const [p, c] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'a'],
    ])
      chain.newEdge(p!, c!, { RelationType: 'ownership' });
    assert.deepEqual(ids(await run("G.V('a').Descendants(2)", chain)), ['a', 'b', 'c']);
    assert.deepEqual(
      ids(await run("G.V('a').Descendants(0)", chain)),
      ['a', 'b', 'c', 'd'],
      'terminates on a cycle',
    );
  });

  it('follows the given edges instead (pairs OR-ed)', async () => {
    assert.deepEqual(ids(await run(`G.V('${br0}').Descendants('RelationType', 'layer2', 0)`)), [
      br0,
      vethA0,
      vethB0,
      vethA1,
      vethB1,
    ]);
    assert.deepEqual(ids(await run(`G.V('${br0}').Descendants('RelationType', 'layer2')`)), [
      br0,
      vethA0,
      vethB0,
    ]);
    assert.deepEqual(
      ids(await run(`G.V('${hostA}').Descendants('Type', 'veth', 'RelationType', 'nope', 0)`)),
      [hostA],
    );
    assert.deepEqual(
      idSet(
        await run(`G.V('${vethA0}').Descendants('Type', 'veth', 'RelationType', 'ownership', 0)`),
      ),
      [vethA0, vethA1],
    );
  });

  it('includes every input node once', async () => {
    assert.deepEqual(ids(await run(`G.V().Has('Type', 'netns').Descendants()`)), [
      ns1,
      ns2,
      vethA1,
      vethB1,
    ]);
    const many = ids(await run(`G.V('${ns1}').Both().Both().Descendants()`));
    assert.equal(new Set(many).size, many.length, 'no duplicates');
    assert.deepEqual(many.slice(0, 2), [ns1, vethA0], 'inputs first, in input order');
  });

  it('validates the depth', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse("G.V().Descendants('Name')"), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().Descendants(-1)'), QuerySyntaxError);
    assert.throws(
      () => engine.parse("G.V().Descendants('a', 'b', 'c')"),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 28,
    );
  });
});

describe('#Ascendants', () => {
  it('walks ownership parents', async () => {
    assert.deepEqual(ids(await run(`G.V('${vethA1}').Ascendants()`)), [vethA1, ns1]);
    assert.deepEqual(ids(await run(`G.V('${vethA1}').Ascendants(0)`)), [vethA1, ns1, hostA]);
    assert.deepEqual(ids(await run(`G.V('${vethA1}').Ascendants('RelationType', 'layer2', 0)`)), [
      vethA1,
      vethA0,
      br0,
    ]);
  });
});

describe('#Neighbors', () => {
  it('walks both directions, depth 1 by default', async () => {
    assert.deepEqual(ids(await run(`G.V('${ns1}').Neighbors()`)), [ns1, vethA1, hostA]);
  });

  it('depth 0 is the input only', async () => {
    assert.deepEqual(ids(await run(`G.V('${ns1}').Neighbors(0)`)), [ns1]);
  });

  it('follows the given edges, to the given depth', async () => {
    assert.deepEqual(ids(await run(`G.V('${vethA1}').Neighbors('RelationType', 'layer2', 2)`)), [
      vethA1,
      vethA0,
      br0,
    ]);
    assert.deepEqual(ids(await run(`G.V('${vethA1}').Neighbors('RelationType', 'layer2', 4)`)), [
      vethA1,
      vethA0,
      br0,
      vethB0,
      vethB1,
    ]);
  });

  it('needs nodes', async () => {
    await assert.rejects(run(`G.E().Neighbors()`), { code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT' });
    assert.deepEqual(ids(await run(`G.V('${eth0}').Neighbors()`)), [eth0, hostA]);
  });
});
