// SPDX-License-Identifier: Apache-2.0
// Tests of the Gremlin query builder: step chaining per input kind, quoting, predicates, errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientError } from './errors.js';
import {
  ASC,
  DESC,
  G,
  GT,
  Metadata,
  NE,
  NOW,
  Regex,
  Within,
  formatValue,
  quote,
} from './gremlin.js';

test('builds chains the way Skydive prints them', () => {
  assert.equal(String(G), 'G');
  assert.equal(String(G.V().Has('Type', 'veth').Out()), "G.V().Has('Type', 'veth').Out()");
  assert.equal(String(G.V('abc').OutE().InV().Count()), "G.V('abc').OutE().InV().Count()");
  assert.equal(
    String(G.E().Has('RelationType', 'layer2').OutV().Values('Name')),
    "G.E().Has('RelationType', 'layer2').OutV().Values('Name')",
  );
  assert.equal(
    String(G.At(NOW, 60).V().Sort(DESC, 'MTU').Limit(2)),
    "G.At(NOW, 60).V().Sort(DESC, 'MTU').Limit(2)",
  );
  assert.equal(String(G.Context(new Date(1500000000000)).V()), 'G.Context(1500000000000).V()');
});

test('builders are immutable', () => {
  const v = G.V();
  const a = v.Has('Type', 'host');
  const b = v.Has('Type', 'netns');
  assert.equal(String(v), 'G.V()');
  assert.notEqual(String(a), String(b));
});

test('predicates and tokens', () => {
  assert.equal(
    String(G.V().Has('Name', Regex('eth.*'), 'MTU', GT(1000), 'State', NE('DOWN'))),
    "G.V().Has('Name', Regex('eth.*'), 'MTU', GT(1000), 'State', NE('DOWN'))",
  );
  assert.equal(
    String(G.V().Has('Type', Within('veth', 'device')).Sort(ASC, 'Name')),
    "G.V().Has('Type', Within('veth', 'device')).Sort(ASC, 'Name')",
  );
  assert.equal(
    String(G.V().Has('Name', 'a').ShortestPathTo(Metadata('Name', 'b')).SubGraph()),
    "G.V().Has('Name', 'a').ShortestPathTo(Metadata('Name', 'b')).SubGraph()",
  );
  assert.equal(
    String(G.V().Flows('Application', 'TCP').Dedup().RawPackets().BPF('port 80')),
    "G.V().Flows('Application', 'TCP').Dedup().RawPackets().BPF('port 80')",
  );
});

test('quoting picks a quote the string does not contain', () => {
  assert.equal(quote('plain'), "'plain'");
  assert.equal(quote("it's"), `"it's"`);
  assert.equal(quote('say "hi"'), `'say "hi"'`);
  assert.equal(quote('%p'), "'%p'");
  assert.throws(
    () => quote(`both ' and "`),
    (e: unknown) => {
      return e instanceof ClientError && e.code === 'SKY_ERR_CLIENT_USAGE';
    },
  );
});

test('values: booleans and numbers bare, negatives refused', () => {
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue(1.5), '1.5');
  assert.throws(() => formatValue(-1), ClientError);
  assert.throws(() => formatValue(Number.NaN), ClientError);
  assert.throws(() => formatValue(1e21), ClientError);
});

test('Has with an odd number of arguments > 1 is refused', () => {
  assert.equal(String(G.V().Has('Name')), "G.V().Has('Name')");
  assert.throws(() => G.V().Has('Name', 'a', 'Type'), ClientError);
});
