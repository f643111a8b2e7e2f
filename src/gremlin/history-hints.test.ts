// SPDX-License-Identifier: Apache-2.0
// Tests of the hints Context()/At() give the history provider: only a query that reads nothing but
// the nodes of one metadata equality says so (the backend may then load only those nodes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../graph/index.js';
import type { HistoryProvider, SnapshotHints } from './context.js';
import { GremlinEngine } from './engine.js';

function recorder(graph: Graph) {
  const seen: (SnapshotHints | undefined)[] = [];
  const history: HistoryProvider = {
    at: (_t, _d, hints) => {
      seen.push(hints);
      return graph;
    },
  };
  return { history, seen };
}

test('At() hints the snapshot when the rest is one V() decided by an equality', async () => {
  const g = new Graph();
  const a = g.newNode({ Name: 'a', Type: 'veth' });
  const b = g.newNode({ Name: 'b', Type: 'device' });
  g.newEdge(a.id, b.id, { RelationType: 'layer2' });
  const { history, seen } = recorder(g);
  const engine = new GremlinEngine({ history });
  const run = async (q: string) => {
    seen.length = 0;
    const r = await engine.execute(q, g);
    return { r, hints: seen[0] };
  };
  const veth = { lookups: [{ key: 'Type', value: 'veth' }], lookupsOnly: true };
  let x = await run("G.At('-1m').V().Has('Type', 'veth').Count()");
  assert.deepEqual(x.hints, veth);
  assert.deepEqual(x.r, { kind: 'number', value: 1 });
  x = await run("G.Context(NOW).V().Has('Type', 'veth')");
  assert.deepEqual(x.hints, veth);
  for (const q of [
    "G.At('-1m').V()",
    "G.At('-1m').V().Has('Type', 'veth').Out()",
    "G.At('-1m').V().Has('Type', 'veth').Limit(1)",
    "G.At('-1m').V().Has('Type', 'veth', 'Name', 'a')",
    "G.At('-1m').V().Has('Type', Regex('v.*'))",
    "G.At('-1m').E()",
    `G.At('-1m').V('${a.id}')`,
  ]) {
    x = await run(q);
    assert.equal(x.hints, undefined, q);
  }
});
