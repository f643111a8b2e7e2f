// SPDX-License-Identifier: Apache-2.0
// Captures over real sockets: `skydive client capture create|list|get|delete` against a running
// analyzer, with Skydive's flags, the API's refusals reaching the user, and a TTL that expires.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parseOut, skydive } from './cli-runner.js';
import { eventually, startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;
const client = (...args: string[]) => skydive(['client', ...args, '--analyzer', an.address]);

before(async () => {
  an = await startTestAnalyzer(teardown, { logs: 'silent' });
});

describe('client capture', () => {
  test('create with every flag, list, get, delete', async () => {
    const r = await client(
      'capture',
      'create',
      '--gremlin',
      "G.V().Has('Name', 'eth0')",
      '--bpf',
      'icmp or arp',
      '--name',
      'c1',
      '--description',
      'first',
      '--type',
      'pcap',
      '--rawpacket-limit',
      '3',
      '--header-size',
      '256',
      '--extra-tcp-metric',
      '--ip-defrag',
      '--reassamble-tcp',
      '--layer-key-mode',
      'L3',
      '--extra-layer',
      'DNS',
      '--extra-layer',
      'vrrp',
    );
    assert.equal(r.code, 0, r.err);
    const c = parseOut<Record<string, unknown>>(r);
    assert.match(String(c.UUID), /^[0-9a-f-]{36}$/);
    assert.equal(c.BPFFilter, 'icmp or arp');
    assert.equal(c.Type, 'pcap');
    assert.equal(c.RawPacketLimit, 3);
    assert.equal(c.HeaderSize, 256);
    assert.equal(c.SamplingRate, 1);
    assert.equal(c.PollingInterval, 10);
    assert.equal(c.LayerKeyMode, 'L3');
    assert.equal(c.ExtraLayers, 3);
    assert.equal(c.ExtraTCPMetric && c.IPDefrag && c.ReassembleTCP, true);

    const list = parseOut<Record<string, unknown>>(await client('capture', 'list'));
    assert.deepEqual(Object.keys(list), [c.UUID]);
    const got = parseOut<Record<string, unknown>>(await client('capture', 'get', String(c.UUID)));
    assert.equal(got.Name, 'c1');
    const del = await client('capture', 'delete', String(c.UUID));
    assert.equal(del.code, 0, del.err);
    assert.deepEqual(parseOut(await client('capture', 'list')), {});
    const again = await client('capture', 'delete', String(c.UUID));
    assert.notEqual(again.code, 0);
    assert.match(again.err, /not found/);
  });

  test('--node builds the TID query; refusals name the problem', async () => {
    const r = await client('capture', 'create', '--node', 'abc123');
    assert.equal(r.code, 0, r.err);
    const c = parseOut<Record<string, unknown>>(r);
    assert.equal(c.GremlinQuery, "G.V().Has('TID', 'abc123')");
    await client('capture', 'delete', String(c.UUID));

    const bpf = await client('capture', 'create', '--gremlin', 'G.V()', '--bpf', 'tcp port nope');
    assert.notEqual(bpf.code, 0);
    assert.match(bpf.err, /BPFFilter/);
    const none = await client('capture', 'create');
    assert.notEqual(none.code, 0);
    assert.match(none.err, /--gremlin or --node/);
    const layer = await client('capture', 'create', '--gremlin', 'G.V()', '--extra-layer', 'X');
    assert.match(layer.err, /--extra-layer/);
  });

  test('a capture created with --ttl disappears', async () => {
    const r = await client(
      'capture',
      'create',
      '--gremlin',
      'G.V().Has("Name","x")',
      '--ttl',
      '200',
    );
    assert.equal(r.code, 0, r.err);
    await eventually(async () =>
      assert.deepEqual(parseOut(await client('capture', 'list')), {}, 'expired'),
    );
  });
});

describe('analyzer.startup.capture_gremlin', () => {
  test('the boot capture is created once, with its BPF filter and type', async () => {
    const boot = await startTestAnalyzer(teardown, {
      logs: 'silent',
      overrides: {
        'analyzer.startup.capture_gremlin': "G.V().Has('Type', 'veth')",
        'analyzer.startup.capture_bpf': 'tcp port 80',
        'analyzer.startup.capture_type': 'pcap',
      },
    });
    const list = await eventually(async () => {
      const l = Object.values(await boot.client().list('capture')) as Record<string, unknown>[];
      assert.equal(l.length, 1, 'one boot capture');
      return l;
    });
    assert.equal(list[0]!.GremlinQuery, "G.V().Has('Type', 'veth')");
    assert.equal(list[0]!.BPFFilter, 'tcp port 80');
    assert.equal(list[0]!.Type, 'pcap');
    assert.equal(list[0]!.Name, 'startup');
  });
});
