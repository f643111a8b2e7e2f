// SPDX-License-Identifier: Apache-2.0
// Tests of Count, Sum, Values, ValueMap and Keys, and of their JSON shapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INTERNAL_KEYS } from '../../graph/fields.js';
import { Graph } from '../../graph/graph.js';
import { QuerySyntaxError } from '../../graph/errors.js';
import { GremlinEngine } from '../engine.js';
import { toJSON } from '../json.js';
import { fixtureNodes } from '../testing/fixture.js';
import { num, run } from '../testing/helpers.js';

const json = async (q: string, g?: Graph): Promise<unknown> => toJSON(await run(q, g));

describe('#Count', () => {
  it('counts nodes, edges, values and paths as a bare number', async () => {
    assert.equal(await json('G.V().Count()'), fixtureNodes.length);
    assert.equal(await json("G.E().Has('RelationType', 'layer2').Count()"), 8);
    assert.equal(await json("G.V().Values('MTU').Count()"), 9);
    assert.equal(
      await json("G.V().Has('Type', 'veth').ShortestPathTo(Metadata('Type', 'host')).Count()"),
      4,
    );
    assert.equal(await json("G.V().Has('Name', 'nope').Count()"), 0);
  });

  it('fuses into the previous stream step, even after a Limit', async () => {
    const engine = new GremlinEngine();
    assert.equal(engine.parse("G.V().Has('Type', 'veth').Count()").steps.length, 1);
    assert.equal(num(await run("G.V().Has('Type', 'veth').Limit(3).Count()")), 3);
  });

  it('takes no parameter and needs a list', async () => {
    assert.throws(() => new GremlinEngine().parse('G.V().Count(1)'), QuerySyntaxError);
    await assert.rejects(run('G.Count()'), { code: 'SKY_ERR_QUERY_INVALID_STEP_INPUT' });
  });
});

describe('#Sum', () => {
  it('adds a numeric field, skipping elements without it', async () => {
    assert.equal(await json("G.V().Has('Type', 'veth').Sum('MTU')"), 1500 * 2 + 9000 * 2);
    assert.equal(await json("G.V().Sum('Metric.RxBytes')"), 1000);
    assert.equal(await json("G.V().Has('Name', 'nope').Sum('MTU')"), 0);
  });

  it('fails on a non-numeric field', async () => {
    await assert.rejects(run("G.V().Sum('Name')"), { code: 'SKY_ERR_QUERY_EXECUTION' });
  });

  it('needs exactly one string key', () => {
    assert.throws(() => new GremlinEngine().parse('G.V().Sum()'), QuerySyntaxError);
    assert.throws(() => new GremlinEngine().parse('G.V().Sum(1)'), QuerySyntaxError);
  });
});

describe('#Values', () => {
  it('lists the values of a key, whole arrays and maps included', async () => {
    assert.deepEqual(await json("G.V().Has('Type', 'netns').Values('Name')"), ['ns1', 'ns2']);
    assert.deepEqual(await json("G.V().Has('Name', 'vethB1').Values('IPV4')"), [
      ['10.0.0.2/24', '10.0.1.2/24'],
    ]);
    assert.deepEqual(await json("G.V().Has('Name', 'eth0').Values('Metric')"), [
      { RxBytes: 1000, TxBytes: 2000 },
    ]);
    assert.deepEqual(await json("G.E().Has('Type', 'veth').Values('Parent')"), [
      'vethA0',
      'vethB0',
    ]);
  });

  it('collects a dotted key through arrays of maps', async () => {
    assert.deepEqual(await json("G.V().Has('Name', 'eth0').Values('Neighbors.MAC')"), [
      ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:14', 'aa:bb:cc:00:00:fe'],
    ]);
  });

  it('skips empty arrays and maps', async () => {
    const g = new Graph();
    g.newNode({ L: [] }, { id: 'a' });
    g.newNode({ L: {} }, { id: 'b' });
    g.newNode({ L: [1] }, { id: 'c' });
    assert.deepEqual(await json("G.V().Values('L')", g), [[1]]);
  });

  it('is null when nothing matched', async () => {
    assert.equal(await json("G.V().Values('Nope')"), null);
  });

  it('reads the @ fields', async () => {
    assert.deepEqual(await json("G.V().Has('Type', 'netns').Values('@ID')"), ['ns1', 'ns2']);
    assert.deepEqual(await json("G.V().Has('Type', 'netns').Values('@DeletedAt')"), null);
  });
});

describe('#ValueMap', () => {
  it('gives one map per element with the keys it has', async () => {
    assert.deepEqual(await json("G.V().Has('Type', 'netns').ValueMap('Name', 'Path', 'Nope')"), [
      { Name: 'ns1', Path: '/var/run/netns/ns1' },
      { Name: 'ns2', Path: '/var/run/netns/ns2' },
    ]);
    assert.equal(await json("G.V().ValueMap('Nope')"), null);
  });

  it('needs at least one string key', () => {
    assert.throws(() => new GremlinEngine().parse('G.V().ValueMap()'), QuerySyntaxError);
  });
});

describe('#Keys', () => {
  it('gives the @ keys and every metadata path, once', async () => {
    const keys = (await json("G.V().Has('Type', 'netns').Keys()")) as string[];
    assert.deepEqual(keys, [...INTERNAL_KEYS, 'Name', 'Type', 'Path', 'Inode']);
    const all = (await json("G.V().Has('Name', 'eth0').Keys()")) as string[];
    assert.ok(all.includes('Metric.RxBytes'));
  });

  it('is null on an empty input and takes no parameter', async () => {
    assert.equal(await json("G.V().Has('Name', 'nope').Keys()"), null);
    assert.throws(() => new GremlinEngine().parse("G.V().Keys('a')"), QuerySyntaxError);
  });
});
