// SPDX-License-Identifier: Apache-2.0
// Tests of the topology diff (appeared/disappeared/changed key by key, ignore prefixes, Gremlin
// selection) and of the time arguments of the history routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../../graph/index.js';
import { GremlinEngine, MemoryView } from '../../gremlin/index.js';
import { diffElements, metadataChanges, selectElements, viewElements } from './diff.js';
import { ERR_BAD_TIME, parseTimeArg } from './time-arg.js';

function twoGraphs() {
  const before = new Graph({ host: 'h', origin: 'o' });
  before.newNode({ Name: 'eth0', Type: 'device', MTU: 1500, IPV4: ['10.0.0.1/24'] }, { id: 'a' });
  before.newNode({ Name: 'veth1', Type: 'veth' }, { id: 'b' });
  before.newNode({ Name: 'gone', Type: 'veth' }, { id: 'c' });
  before.newEdge('a', 'b', { RelationType: 'layer2' }, { id: 'ab' });
  before.newEdge('a', 'c', { RelationType: 'layer2' }, { id: 'ac' });
  const after = new Graph({ host: 'h', origin: 'o' });
  after.newNode(
    { Name: 'eth0', Type: 'device', MTU: 9000, IPV4: ['10.0.0.1/24'], State: 'UP' },
    { id: 'a' },
  );
  after.newNode({ Name: 'veth1', Type: 'veth' }, { id: 'b' });
  after.newNode({ Name: 'new', Type: 'veth' }, { id: 'd' });
  after.newEdge('a', 'b', { RelationType: 'layer2' }, { id: 'ab' });
  after.newEdge('a', 'd', { RelationType: 'layer2' }, { id: 'ad' });
  return { before, after };
}

test('diff lists appeared, disappeared and changed keys with old and new values', () => {
  const { before, after } = twoGraphs();
  const d = diffElements(viewElements(before), viewElements(after), {
    from: 1,
    to: 2,
    live: false,
  });
  assert.deepEqual(
    d.Nodes.Appeared.map((n) => (n as { ID: string }).ID),
    ['d'],
  );
  assert.deepEqual(
    d.Nodes.Disappeared.map((n) => (n as { ID: string }).ID),
    ['c'],
  );
  assert.deepEqual(d.Nodes.Changed, [
    {
      ID: 'a',
      Name: 'eth0',
      Type: 'device',
      Changes: [
        { Key: 'MTU', Old: 1500, New: 9000 },
        { Key: 'State', New: 'UP' },
      ],
    },
  ]);
  assert.deepEqual(
    d.Edges.Appeared.map((e) => (e as { ID: string }).ID),
    ['ad'],
  );
  assert.deepEqual(
    d.Edges.Disappeared.map((e) => (e as { ID: string }).ID),
    ['ac'],
  );
  assert.deepEqual(d.Edges.Changed, []);
  assert.equal(d.From, 1);
  assert.equal(d.To, 2);
});

test('metadataChanges walks nested objects, treats arrays as values, honours ignore', () => {
  const a = { S: { Rx: 1, Tx: 2 }, L: [1, 2], K: 'x', Gone: true };
  const b = { S: { Rx: 5, Tx: 2 }, L: [1, 2, 3], K: 'x' };
  assert.deepEqual(metadataChanges(a, b), [
    { Key: 'Gone', Old: true },
    { Key: 'L', Old: [1, 2], New: [1, 2, 3] },
    { Key: 'S.Rx', Old: 1, New: 5 },
  ]);
  assert.deepEqual(metadataChanges(a, b, ['S', 'L']), [{ Key: 'Gone', Old: true }]);
  assert.deepEqual(metadataChanges({ S: 1 }, { S: { x: 1 } }), [
    { Key: 'S', Old: 1, New: { x: 1 } },
  ]);
  assert.deepEqual(metadataChanges({ o: { b: 1, a: 2 } }, { o: { a: 2, b: 1 } }), []);
});

test('selectElements keeps what a query returns at each time', async () => {
  const { before, after } = twoGraphs();
  const engine = new GremlinEngine();
  const q = "G.V().Has('Type', 'veth')";
  const d = diffElements(
    await selectElements(engine, q, before),
    await selectElements(engine, q, after),
    { from: 1, to: 2, live: true },
  );
  assert.deepEqual(d.Nodes.Changed, [], 'eth0 is not selected');
  assert.equal(d.Nodes.Appeared.length, 1);
  assert.equal(d.Edges.Appeared.length, 0, 'a node query selects no edge');
  const sub = await selectElements(engine, "G.V().Has('Name', 'eth0').SubGraph()", after);
  assert.deepEqual([...sub.nodes.keys()], ['a']);
  await assert.rejects(selectElements(engine, 'G.V().Count()', after), {
    code: 'SKY_ERR_DIFF_FILTER',
  });
  const empty = viewElements(new MemoryView([], []));
  assert.equal(empty.nodes.size, 0);
});

test('parseTimeArg accepts Skydive time forms and RFC 3339', () => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  assert.equal(parseTimeArg('from', '-1m', now), now - 60_000);
  assert.equal(parseTimeArg('from', 'now', now), now);
  assert.equal(parseTimeArg('from', '1700000000', now), 1_700_000_000_000);
  assert.equal(parseTimeArg('from', '1700000000123', now), 1_700_000_000_123);
  assert.equal(parseTimeArg('from', '2024-05-01T11:00:00Z', now), now - 3_600_000);
  assert.equal(parseTimeArg('from', '2024-05-01T13:00:00+02:00', now), now - 3_600_000);
  assert.equal(parseTimeArg('from', 'Wed, 01 May 2024 11:30:00 GMT', now), now - 1_800_000);
  for (const far of ['9000000000000000', '-99999999999h', '9999999999h'])
    assert.throws(() => parseTimeArg('from', far, now), { code: ERR_BAD_TIME }, far);
  assert.throws(
    () => parseTimeArg('to', 'yesterday', now),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, ERR_BAD_TIME);
      assert.match(err.message, /to: 'yesterday' is not a time/);
      return true;
    },
  );
});
