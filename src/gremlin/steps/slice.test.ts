// SPDX-License-Identifier: Apache-2.0
// Tests of Range, Limit, Dedup and Sort.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../../graph/errors.js';
import { Graph } from '../../graph/graph.js';
import { GremlinEngine } from '../engine.js';
import { toJSON } from '../json.js';
import { fixtureNodes, hostA } from '../testing/fixture.js';
import { ids, num, run } from '../testing/helpers.js';

const names = async (q: string, g?: Graph): Promise<string[]> => {
  const r = await run(q, g);
  assert.equal(r.kind, 'nodes');
  return r.kind === 'nodes' ? r.nodes.map((n) => String(n.metadata['Name'])) : [];
};

describe('#Range / #Limit', () => {
  it('slice nodes, edges and values half-open', async () => {
    assert.deepEqual(ids(await run('G.V().Range(1, 3)')), [
      fixtureNodes[1]!.id,
      fixtureNodes[2]!.id,
    ]);
    assert.deepEqual(ids(await run('G.V().Limit(2)')), [fixtureNodes[0]!.id, fixtureNodes[1]!.id]);
    assert.deepEqual(ids(await run('G.E().Limit(1)')), ['own-hostA-eth0']);
    assert.deepEqual(toJSON(await run("G.V().Values('Name').Range(1, 2)")), ['eth0']);
  });

  it('give nothing for an empty or inverted range', async () => {
    assert.deepEqual(ids(await run('G.V().Limit(0)')), []);
    assert.deepEqual(ids(await run('G.V().Range(3, 1)')), []);
    assert.deepEqual(ids(await run('G.V().Range(100, 200)')), []);
    assert.deepEqual(ids(await run('G.V().Limit(-1)')), []);
  });

  it('clamp a negative start', async () => {
    assert.deepEqual(ids(await run('G.V().Range(-5, 1)')), [hostA]);
  });

  it('apply after a fused Has, as written', async () => {
    assert.deepEqual(await names("G.V().Has('Type', 'veth').Limit(1)"), ['vethA0']);
    assert.deepEqual(await names("G.V().Has('Type', 'veth').Range(1, 2)"), ['vethB0']);
  });

  it('need integer parameters', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse('G.V().Range(1)'), QuerySyntaxError);
    assert.throws(
      () => engine.parse("G.V().Range(1, 'a')"),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 15,
    );
    assert.throws(() => engine.parse('G.V().Limit(1.5)'), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().Limit()'), QuerySyntaxError);
  });

  it('fail on a number', async () => {
    await assert.rejects(run('G.V().Count().Limit(1)'), {
      code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT',
    });
  });
});

function dedupWorld(): Graph {
  const g = new Graph();
  g.newNode({ Name: 'aaa', Type: 'intf', Value: 'v1' }, { id: '1' });
  g.newNode({ Name: 'bbb', Type: 'intf', Value: 'v1' }, { id: '2' });
  g.newNode({ Name: 'aaa', Type: 'veth' }, { id: '3' });
  g.newNode({ Name: 'aaa', Type: 'intf' }, { id: '4' });
  return g;
}

describe('#Dedup', () => {
  it('removes repeated nodes by ID', async () => {
    assert.equal(num(await run(`G.V('${hostA}').Out().In().Count()`)), 14);
    assert.deepEqual(ids(await run(`G.V('${hostA}').Out().In().Dedup()`)), [
      hostA,
      'br0',
      'ovsport-ovsbr0',
      'ovsport-vxlan0',
    ]);
  });

  it('by one key, by a tuple of keys; elements lacking every key are kept', async () => {
    const g = dedupWorld();
    assert.deepEqual(ids(await run("G.V().Dedup('Name')", g)), ['1', '2']);
    assert.deepEqual(ids(await run("G.V().Dedup('Name', 'Type')", g)), ['1', '2', '3']);
    assert.deepEqual(ids(await run("G.V().Dedup('Value')", g)), ['1', '3', '4']);
    assert.deepEqual(ids(await run("G.V().Dedup('Misc', 'Value')", g)), ['1', '3', '4']);
  });

  it('dedups edges by key', async () => {
    assert.equal(num(await run("G.E().Dedup('RelationType').Count()")), 2);
  });

  it('dedups values by content and flattens paths', async () => {
    assert.deepEqual(toJSON(await run("G.V().Values('MTU').Dedup()")), [1500, 65536, 9000, 1450]);
    assert.deepEqual(toJSON(await run("G.V().ValueMap('MTU').Dedup().Limit(2)")), [
      { MTU: 1500 },
      { MTU: 65536 },
    ]);
    const r = await run(
      "G.V().Has('Type', 'veth').ShortestPathTo(Metadata('Name', 'hostA')).Dedup()",
    );
    assert.deepEqual(ids(r), ['vethA0', 'hostA', 'vethB0', 'vethA1', 'ns1', 'vethB1', 'ns2']);
  });

  it('takes string keys only', () => {
    assert.throws(() => new GremlinEngine().parse('G.V().Dedup(1)'), QuerySyntaxError);
  });
});

describe('#Sort', () => {
  it('sorts by a string key, ascending or descending', async () => {
    assert.deepEqual(await names("G.V().Has('Type', 'veth').Sort(DESC, 'Name')"), [
      'vethB1',
      'vethB0',
      'vethA1',
      'vethA0',
    ]);
    assert.deepEqual(await names("G.V().Has('Type', 'netns').Sort('Name')"), ['ns1', 'ns2']);
  });

  it('sorts numerically when the first value is a number', async () => {
    assert.deepEqual(await names("G.V().Has('MTU').Sort(ASC, 'MTU').Limit(3)"), [
      'vxlan0',
      'eth0',
      'br0',
    ]);
    assert.deepEqual(await names("G.V().Has('MTU').Sort(DESC, 'MTU').Limit(2)"), ['lo', 'vethB0']);
  });

  it('sorts by creation time by default', async () => {
    assert.deepEqual(await names("G.V().Has('Type', 'netns').Sort(DESC)"), ['ns2', 'ns1']);
    assert.deepEqual(ids(await run("G.V().Has('Type', 'netns').Sort()")), ['ns1', 'ns2']);
  });

  it('sorts edges', async () => {
    assert.deepEqual(ids(await run("G.E().Has('Type', 'veth').Sort(DESC, '@CreatedAt')")), [
      'l2-vethB0-vethB1',
      'l2-vethA0-vethA1',
    ]);
  });

  it('rejects bad parameters', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse("G.V().Sort('Name', ASC)"), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().Sort(ASC, 1)'), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().Sort(1)'), QuerySyntaxError);
    assert.throws(() => engine.parse("G.V().Sort(ASC, 'a', 'b')"), QuerySyntaxError);
  });
});
