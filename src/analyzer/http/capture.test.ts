// SPDX-License-Identifier: Apache-2.0
// /api/capture in process: every field's validation, Skydive's key order and defaults, duplicates,
// PATCH refused, delete, and Count decorated from the nodes' Captures metadata.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AnalyzerContext } from '../context.js';
import { testApp, testContext } from '../testing/context.js';

type App = Awaited<ReturnType<typeof testApp>>;

describe('/api/capture', () => {
  let ctx: AnalyzerContext;
  let app: App;
  before(async () => {
    ctx = testContext();
    ctx.graph.newNode({ Name: 'eth0', Type: 'veth' }, { id: 'eth0' });
    app = await testApp(ctx);
  });
  after(() => app.close());

  const create = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/capture', payload: payload as object, headers });

  it('creates with a server UUID, Skydive key order and defaults, lists, gets, deletes', async () => {
    const res = await create({ UUID: 'mine', GremlinQuery: "G.V().Has('Name', 'eth0')" });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json();
    assert.notEqual(c.UUID, 'mine');
    assert.deepEqual(Object.keys(c), [
      'UUID',
      'GremlinQuery',
      'Count',
      'SamplingRate',
      'PollingInterval',
      'ExtraTCPMetric',
      'IPDefrag',
      'ReassembleTCP',
      'LayerKeyMode',
    ]);
    assert.equal(c.LayerKeyMode, 'L2');
    assert.equal(c.Count, 0);
    const list = (await app.inject({ url: '/api/capture' })).json();
    assert.deepEqual(Object.keys(list), [c.UUID]);
    const got = await app.inject({ url: `/api/capture/${c.UUID}` });
    assert.equal(got.json().GremlinQuery, "G.V().Has('Name', 'eth0')");

    // Count: nodes of the query where the capture is active.
    ctx.graph.addMetadata(ctx.graph.getNode('eth0')!, 'Captures', [
      { ID: c.UUID, State: 'active', PacketsReceived: 1, PacketsDropped: 0, PacketsIfDropped: 0 },
    ]);
    assert.equal((await app.inject({ url: `/api/capture/${c.UUID}` })).json().Count, 1);

    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/capture/${c.UUID}`,
      payload: [{ op: 'add', path: '/Name', value: 'x' }],
    });
    assert.equal(patch.statusCode, 400);
    const del = await app.inject({ method: 'DELETE', url: `/api/capture/${c.UUID}` });
    assert.equal(del.statusCode, 200);
    assert.equal(del.body, '');
    assert.equal((await app.inject({ url: `/api/capture/${c.UUID}` })).statusCode, 404);
  });

  it('keeps every field given, and refuses duplicates as Skydive does', async () => {
    const body = {
      GremlinQuery: "G.V().Has('Type', 'veth')",
      BPFFilter: 'icmp',
      Name: 'n',
      Description: 'd',
      Type: 'pcap',
      Port: 6343,
      SamplingRate: 1,
      PollingInterval: 10,
      RawPacketLimit: 5,
      HeaderSize: 128,
      ExtraTCPMetric: true,
      IPDefrag: true,
      ReassembleTCP: true,
      LayerKeyMode: 'L3',
      ExtraLayers: 6,
    };
    const res = await create(body);
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json();
    for (const [k, v] of Object.entries(body)) assert.deepEqual(c[k], v, k);
    // pcap allows several captures on one node with different filters, not the same one.
    assert.equal((await create(body)).statusCode, 409);
    assert.equal((await create({ ...body, BPFFilter: 'tcp' })).statusCode, 201);
    assert.equal((await create({ ...body, Type: 'sflow', BPFFilter: '' })).statusCode, 201);
    assert.equal((await create({ ...body, Type: 'sflow', BPFFilter: 'udp' })).statusCode, 409);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['no query', { GremlinQuery: '' }, /GremlinQuery: required/],
    ['a query that does not parse', { GremlinQuery: 'G.V(' }, /GremlinQuery: invalid/],
    ['a bad BPF filter', { BPFFilter: 'tcp port nope' }, /BPFFilter: .*unknown port/],
    ['an unknown type', { Type: 'nope' }, /Type: 'nope' is not one of/],
    ['a bad key mode', { LayerKeyMode: 'L4' }, /LayerKeyMode/],
    ['too many raw packets', { RawPacketLimit: 11 }, /RawPacketLimit/],
    ['a tiny header size', { HeaderSize: 10 }, /HeaderSize/],
    ['a string port', { Port: '80' }, /Port: must be an integer/],
    ['a bad target', { Target: 'nohost' }, /Target/],
    ['BPF on ebpf', { Type: 'ebpf', BPFFilter: 'tcp' }, /doesn't support BPF/],
    ['a netflow export', { Target: '1.2.3.4:2055', TargetType: 'netflowv5' }, /not supported/],
  ];
  for (const [what, extra, message] of refused)
    it(`refuses ${what} with 400 and a message`, async () => {
      const res = await create({ GremlinQuery: "G.V().Has('Name','x')", ...extra });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().message ?? res.body, message);
    });
});
