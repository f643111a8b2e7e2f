// SPDX-License-Identifier: Apache-2.0
// Time travel through every surface of a real analyzer: G.At() on POST /api/topology, the topology
// diff route and CLI command, a subscriber's SyncRequest with Time, the history horizon error,
// and the Storage section of /api/status and /metrics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, subscribe, type NodeJSON } from '../../src/client/index.js';
import { run } from '../../src/cli/run.js';
import { testIO } from '../fakes/cli-io.js';
import { startTestAnalyzer } from './helpers.js';

/** A time strictly after everything done so far and strictly before anything done next. */
async function instant(): Promise<number> {
  await sleep(5);
  const t = Date.now();
  await sleep(5);
  return t;
}

const node = (id: string, md: Record<string, unknown>) => ({
  ID: id,
  Metadata: { Name: id, Type: 'veth', ...md },
});

test('At(), diff, SyncRequest Time, horizon, status and metrics on one analyzer', async (t) => {
  const an = await startTestAnalyzer(t, { logs: 'silent' });
  const client = an.client();
  await client.create('node', node('ha', { MTU: 1500 }));
  await client.create('node', node('hb', {}));
  await client.create('edge', {
    ID: 'hab',
    Parent: 'ha',
    Child: 'hb',
    Metadata: { RelationType: 'layer2' },
  });
  const t1 = await instant();
  await client.patch('node', 'ha', [{ op: 'replace', path: '/Metadata/MTU', value: 9000 }]);
  await client.delete('node', 'hb');
  await client.create('node', node('hc', {}));
  const t2 = await instant();

  // Gremlin at a past time, through the same engine as live queries
  assert.equal(await client.query(`G.At(${t1}).V().Has('Type', 'veth').Count()`), 2);
  assert.deepEqual(await client.query(`G.At(${t1}).V().Has('Name', 'ha').Values('MTU')`), [1500]);
  assert.deepEqual(await client.query(`G.At(${t2}).V().Has('Name', 'ha').Values('MTU')`), [9000]);
  assert.equal(await client.query(`G.At(${t1}).E().Count()`), 1);
  assert.equal(await client.query("G.At('-0s').V().Has('Type', 'veth').Count()"), 2);
  assert.equal(await client.query(`G.Context(${t2}, FOREVER).V().Has('Type', 'veth').Count()`), 3);

  // diff from t1 to the live graph, and between two past times
  const d = await client.topologyDiff({ from: t1 });
  assert.equal(d.Live, true);
  assert.deepEqual(
    d.Nodes.Appeared.map((n) => (n as NodeJSON).ID),
    ['hc'],
  );
  assert.deepEqual(
    d.Nodes.Disappeared.map((n) => (n as NodeJSON).ID),
    ['hb'],
  );
  assert.deepEqual(d.Nodes.Changed, [
    { ID: 'ha', Name: 'ha', Type: 'veth', Changes: [{ Key: 'MTU', Old: 1500, New: 9000 }] },
  ]);
  assert.deepEqual(
    d.Edges.Disappeared.map((e) => (e as NodeJSON).ID),
    ['hab'],
  );
  const past = await client.topologyDiff({
    from: new Date(t1).toISOString(),
    to: String(t2),
    gremlin: "G.V().Has('Name', 'hc')",
  });
  assert.equal(past.Live, false);
  assert.equal(past.To, t2);
  assert.deepEqual(
    past.Nodes.Appeared.map((n) => (n as NodeJSON).ID),
    ['hc'],
  );
  assert.deepEqual(past.Nodes.Disappeared, []);
  assert.deepEqual(past.Edges.Disappeared, [], 'a node query compares no edge');
  const ignored = await client.topologyDiff({ from: t1, ignore: ['MTU'] });
  assert.deepEqual(ignored.Nodes.Changed, []);

  // bad arguments and times before the start of history are clear 400s
  const fails = async (p: Promise<unknown>, code: RegExp, message: RegExp) => {
    const err = await p.then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, 400);
    assert.match(err.code ?? '', code);
    assert.match(err.message, message);
  };
  await fails(
    client.query("G.At('Mon, 02 Jan 2006 15:04:05 MST').V()"),
    /SKY_ERR_HISTORY_HORIZON/,
    /No history before \d{4}-/,
  );
  await fails(
    client.topologyDiff({ from: '2006-01-02T15:04:05Z' }),
    /SKY_ERR_HISTORY_HORIZON/,
    /No history before/,
  );
  await fails(client.topologyDiff({ from: 'yesterday' }), /SKY_ERR_BAD_TIME/, /from: 'yesterday'/);
  await fails(client.topologyDiff({ from: t2, to: t1 }), /SKY_ERR_TIME_RANGE/, /is after/);
  await fails(
    client.topologyDiff({ from: t1, gremlin: 'G.V().Count()' }),
    /SKY_ERR_DIFF_FILTER/,
    /returns number/,
  );

  await fails(
    client.topologyDiff({ from: '-1h', gremlin: 'G.V(' }),
    /SKY_ERR_QUERY_SYNTAX/,
    /at position 4/,
  );
  await fails(
    client.request('GET', '/api/topology/diff', { operation: 'diff' }),
    /SKY_ERR_INVALID_BODY/,
    /from/,
  );

  // a subscriber asking for the graph at t1
  const sub = await subscribe({ ...an.ws(), time: t1 });
  try {
    assert.deepEqual(sub.graph.Nodes.map((n) => n.ID).sort(), ['ha', 'hb']);
    assert.deepEqual(
      sub.graph.Edges.map((e) => e.ID),
      ['hab'],
    );
  } finally {
    await sub.close();
  }

  // a subscriber asking before the start of history gets a 400 that says where it starts
  await assert.rejects(subscribe({ ...an.ws(), time: Date.UTC(2006, 0, 2) }), (err: Error) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, 400);
    assert.match(err.message, /No history before \d{4}-/);
    return true;
  });

  // storage status and metrics
  const status = (await client.status()) as { Storage?: Record<string, unknown> };
  const storage = status.Storage;
  assert.ok(storage, 'status has a Storage section');
  assert.equal(storage['Backend'], 'sqlite', 'the default storage section');
  assert.ok(Number(storage['Written']) >= 6, `written: ${String(storage['Written'])}`);
  assert.equal(storage['Dropped'], 0);
  assert.equal(typeof storage['Horizon'], 'number');
  const retention = storage['Retention'] as { MaxAge?: number; MaxBytes?: number };
  assert.equal(retention.MaxAge, 7 * 86_400_000, 'storage.sqlite.retention.age (a week)');
  assert.equal(retention.MaxBytes, undefined, 'max_size 0: no size bound');
  const res = await client.request('GET', '/metrics', { operation: 'metrics' });
  const text = res.body.toString('utf8');
  assert.match(text, /skydive_history_written_total\{backend="sqlite",service="analyzer"\} \d+/);
  assert.match(text, /skydive_history_backlog\{/);

  // the CLI
  const io = testIO({ env: { SKYDIVE_ANALYZER: an.address } });
  const code = await run(['client', 'topology', 'diff', '--from', String(t1)], io);
  assert.equal(code, 0, io.err());
  assert.match(io.out(), /nodes 1 appeared, 1 disappeared, 1 changed/);
  assert.match(io.out(), /changed\s+node\s+ha\s+ha\s+veth\s+MTU\s+1500\s+9000/);
  const jio = testIO({ env: { SKYDIVE_ANALYZER: an.address } });
  assert.equal(
    await run(['client', 'topology', 'diff', '--from', String(t1), '--output', 'json'], jio),
    0,
  );
  assert.equal(
    (JSON.parse(jio.out()) as { Nodes: { Changed: unknown[] } }).Nodes.Changed.length,
    1,
  );
  const qio = testIO({ env: { SKYDIVE_ANALYZER: an.address } });
  const q = `G.At(${t1}).V().Has('Type', 'veth').Values('Name')`;
  assert.equal(await run(['client', 'query', q], qio), 0, qio.err());
  assert.deepEqual((JSON.parse(qio.out()) as string[]).sort(), ['ha', 'hb']);
});

test('the memory driver keeps history for the life of the process', async (t) => {
  const an = await startTestAnalyzer(t, {
    logs: 'silent',
    overrides: { 'analyzer.topology.backend': 'memory', 'analyzer.flow.backend': 'memory' },
  });
  const client = an.client();
  await client.create('node', node('mem', {}));
  const t1 = await instant();
  await client.delete('node', 'mem');
  assert.equal(await client.query(`G.At(${t1}).V().Has('Name', 'mem').Count()`), 1);
  assert.equal(await client.query("G.V().Has('Name', 'mem').Count()"), 0);
  const d = await client.topologyDiff({ from: t1 });
  assert.deepEqual(
    d.Nodes.Disappeared.map((n) => (n as NodeJSON).ID),
    ['mem'],
  );
  const status = (await client.status()) as { Storage?: { Backend?: string } };
  assert.equal(status.Storage?.Backend, 'memory');
});
