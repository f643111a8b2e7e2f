// SPDX-License-Identifier: Apache-2.0
// Tests of Has, HasKey, HasNot and HasEither on nodes, edges and values, with every predicate.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../../graph/errors.js';
import { GremlinEngine } from '../engine.js';
import { toJSON } from '../json.js';
import {
  br0,
  eth0,
  hostA,
  lo,
  ns1,
  ns2,
  ovsbr0,
  ovsbr0Intf,
  ovsportInt,
  ovsportVx,
  vethA0,
  vethA1,
  vethB0,
  vethB1,
  vxlan0,
} from '../testing/fixture.js';
import { idSet, ids, run } from '../testing/helpers.js';

const q = async (query: string): Promise<string[]> => idSet(await run(query));

describe('#Has', () => {
  it('matches a key/value pair, and all pairs', async () => {
    assert.deepEqual(await q("G.V().Has('Type', 'veth')"), [vethA0, vethA1, vethB0, vethB1]);
    assert.deepEqual(await q("G.V().Has('Type', 'veth', 'State', 'DOWN')"), [vethB0]);
  });

  it('with one key tests presence', async () => {
    assert.deepEqual(await q("G.V().Has('IPV4')"), [eth0, lo, vethA1, vethB1]);
  });

  it('matches integers, including values in arrays', async () => {
    assert.deepEqual(await q("G.V().Has('MTU', 9000)"), [vethB0, vethB1]);
    assert.deepEqual(await q("G.V().Has('IPV4', '10.0.1.2/24')"), [vethB1]);
  });

  it('reads dotted keys through nested maps and arrays of maps', async () => {
    assert.deepEqual(await q("G.V().Has('Metric.RxBytes', 1000)"), [eth0]);
    assert.deepEqual(await q("G.V().Has('ExtID.attached-mac', 'x')"), [vxlan0]);
    assert.deepEqual(await q("G.V().Has('RoutingTables.Routes.Prefix', '10.1.0.0/16')"), [eth0]);
    assert.deepEqual(await q("G.V().Has('Neighbors.State', 'STALE')"), [eth0]);
  });

  it('strips a leading Metadata.', async () => {
    assert.deepEqual(await q("G.V().Has('Metadata.Name', 'br0')"), [br0]);
  });

  it('chains (AND) and fuses into the previous step', async () => {
    const engine = new GremlinEngine();
    const query = engine.parse("G.V().Has('Type', 'veth').Has('MTU', 1500).HasNot('IPV4')");
    assert.equal(query.steps.length, 1);
    assert.deepEqual(
      ids(await engine.execute(query, (await import('../testing/fixture.js')).buildFixtureGraph())),
      [vethA0],
    );
  });

  it('filters edges', async () => {
    assert.deepEqual(await q("G.E().Has('RelationType', 'layer2', 'Type', 'veth')"), [
      'l2-vethA0-vethA1',
      'l2-vethB0-vethB1',
    ]);
  });

  it('rejects an odd parameter count above one, no parameter, or a non-string key', () => {
    const engine = new GremlinEngine();
    assert.throws(
      () => engine.parse("G.V().Has('Type', 'intf', 'badparams')"),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 6,
    );
    assert.throws(() => engine.parse('G.V().Has()'), QuerySyntaxError);
    assert.throws(
      () => engine.parse("G.V().Has(1, 'a')"),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 10,
    );
    assert.throws(() => engine.parse("G.V().Has('a', ASC)"), QuerySyntaxError);
    assert.throws(() => engine.parse("G.V().Has('a', Metadata('b', 1))"), QuerySyntaxError);
  });
});

describe('#Has with predicates', () => {
  it('NE excludes absent keys, NEE keeps them', async () => {
    assert.deepEqual(await q("G.V().Has('MTU', NE(1500))"), [lo, vethB0, vethB1, vxlan0]);
    assert.equal(
      (await q("G.V().Has('MTU', NEE(1500))")).length,
      15 - 5,
      'all but the five MTU 1500 nodes',
    );
  });

  it('LT, LTE, GT, GTE', async () => {
    assert.deepEqual(await q("G.V().Has('MTU', LT(1500))"), [vxlan0]);
    assert.deepEqual(await q("G.V().Has('MTU', LTE(1450))"), [vxlan0]);
    assert.deepEqual(await q("G.V().Has('MTU', GT(9000))"), [lo]);
    assert.deepEqual(await q("G.V().Has('MTU', GTE(9000))"), [lo, vethB0, vethB1]);
    assert.deepEqual(await q("G.V().Has('IfIndex', GT(-1), 'IfIndex', LT(2))"), [lo]);
  });

  it('INSIDE, BETWEEN and OUTSIDE', async () => {
    assert.deepEqual(await q("G.V().Has('IfIndex', INSIDE(5, 8))"), [vethA1, vethB0]);
    assert.deepEqual(await q("G.V().Has('IfIndex', BETWEEN(5, 8))"), [vethA0, vethA1, vethB0]);
    assert.deepEqual(await q("G.V().Has('IfIndex', OUTSIDE(2, 9))"), [lo, vxlan0]);
  });

  it('WITHIN and WITHOUT', async () => {
    assert.deepEqual(await q("G.V().Has('Name', WITHIN('lo', 'br0', 'nope'))"), [br0, lo]);
    assert.deepEqual(await q("G.V().Has('IfIndex', WITHIN(1, 3))"), [br0, lo]);
    assert.equal((await q("G.V().Has('Type', WITHOUT('veth', 'device'))")).length, 15 - 6);
  });

  it('REGEX and IPV4RANGE', async () => {
    assert.deepEqual(await q("G.V().Has('Name', REGEX('veth.1'))"), [vethA1, vethB1]);
    assert.deepEqual(await q("G.V().Has('Name', Regex('eth'))"), []);
    assert.deepEqual(await q("G.V().Has('IPV4', IPV4RANGE('10.0.0.0/16'))"), [vethA1, vethB1]);
    assert.deepEqual(await q("G.V().Has('IPV4', Ipv4Range('10.0.1.0/24'))"), [vethB1]);
  });
});

describe('#HasKey / #HasNot', () => {
  it('test presence and absence of a key', async () => {
    assert.deepEqual(await q("G.V().HasKey('Driver')"), [ovsbr0Intf, vxlan0]);
    assert.deepEqual(await q("G.V().HasNot('IfIndex')"), [
      hostA,
      ns1,
      ns2,
      ovsbr0,
      ovsportInt,
      ovsportVx,
    ]);
  });

  it('accept exactly one string', () => {
    const engine = new GremlinEngine();
    assert.throws(() => engine.parse("G.V().HasKey('a', 'b')"), QuerySyntaxError);
    assert.throws(() => engine.parse('G.V().HasNot(1)'), QuerySyntaxError);
  });
});

describe('#HasEither', () => {
  it('keeps elements matching any pair', async () => {
    assert.deepEqual(await q("G.V().HasEither('Name', 'lo', 'MTU', 9000)"), [lo, vethB0, vethB1]);
  });
});

describe('#Has on values', () => {
  it('filters ValueMap rows', async () => {
    const r = await run("G.V().Has('Type', 'veth').ValueMap('Name', 'MTU').Has('MTU', 9000)");
    assert.deepEqual(toJSON(r), [
      { Name: 'vethB0', MTU: 9000 },
      { Name: 'vethB1', MTU: 9000 },
    ]);
  });

  it('gives null when nothing is left', async () => {
    assert.equal(toJSON(await run("G.V().ValueMap('Name').Has('Name', 'nope')")), null);
  });
});
