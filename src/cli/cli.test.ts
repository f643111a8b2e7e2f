// SPDX-License-Identifier: Apache-2.0
// CLI tests, in process through run(argv, io) against a fake analyzer: every client command, the
// output formats, error reporting and exit codes, the shell, and topology import over WebSocket.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeAnalyzer, type FakeAnalyzer } from '../../test/fakes/fake-analyzer.js';
import { testIO } from '../../test/fakes/cli-io.js';
import { run } from './run.js';

describe('skydive client', () => {
  let fake: FakeAnalyzer;
  let tmp: string;
  let sky: (...argv: string[]) => Promise<{ code: number; out: string; err: string }>;
  before(async () => {
    fake = await startFakeAnalyzer({ rawQueries: { 'G.V().Values("Big")': '[9007199254740993]' } });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'skydive-cli-'));
    sky = async (...argv) => {
      const io = testIO({ env: { SKYDIVE_ANALYZER: fake.address } });
      const code = await run(argv, io);
      return { code, out: io.out(), err: io.err() };
    };
  });
  after(() => fake.close());

  test('topology import publishes nodes then edges, persistently', async () => {
    const file = path.join(tmp, 'graph.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          Nodes: [
            { ID: 'h1', Metadata: { Name: 'host1', Type: 'host' } },
            { ID: 'e1', Metadata: { Name: 'eth0', Type: 'device' } },
          ],
          Edges: [{ ID: 'o1', Parent: 'h1', Child: 'e1', Metadata: { RelationType: 'ownership' } }],
        },
      ]),
    );
    const r = await sky('client', 'topology', 'import', '--file', file);
    assert.equal(r.code, 0, r.err);
    const hs = fake.log.wsHandshakes.at(-1);
    assert.equal(hs?.path, '/ws/publisher');
    assert.equal(hs?.headers['x-persistence-policy'], 'Persistent');
    assert.equal(hs?.headers['x-host-id'], 'testhost');
    const types = fake.log.wsMessages.map((m) => m.msg.Type);
    // the SyncRequest is the barrier after which every refusal has been answered
    assert.deepEqual(types, ['NodeAdded', 'NodeAdded', 'EdgeAdded', 'SyncRequest']);
    assert.deepEqual([...fake.store.node!.keys()], ['h1', 'e1']);
  });

  test('topology import also takes a bare {Nodes, Edges} and refuses other shapes', async () => {
    const file = path.join(tmp, 'bare.json');
    writeFileSync(
      file,
      JSON.stringify({ Nodes: [{ ID: 'b1', Metadata: { Name: 'b', Type: 't' } }] }),
    );
    assert.equal((await sky('client', 'topology', 'import', '--file', file)).code, 0);
    assert.ok(fake.store.node!.has('b1'));
    writeFileSync(file, '[1, 2]');
    const bad = await sky('client', 'topology', 'import', '--file', file);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^Error: Invalid graph format\n$/);
    fake.store.node!.delete('b1');
  });

  test('query prints the answer re-indented with tabs, digits intact', async () => {
    const r = await sky('client', 'query', 'G.V().Values("Big")');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '[\n\t9007199254740993\n]\n');
    const count = await sky('client', 'query', 'G.V().Count()');
    assert.equal(count.out, '2\n');
  });

  test('query --format dot prints the text; topology export queries G', async () => {
    const dot = await sky('client', 'query', 'G', '--format', 'dot');
    assert.match(dot.out, /^digraph/);
    const exp = await sky('client', 'topology', 'export');
    const graph = JSON.parse(exp.out) as { Nodes: { ID: string }[] }[];
    assert.deepEqual(
      graph[0]?.Nodes.map((n) => n.ID),
      ['h1', 'e1'],
    );
    assert.match(exp.out, /^\[\n\t\{\n\t\t"Nodes": \[/);
  });

  test('a query error is one line on stderr and exit code 1', async () => {
    const r = await sky('client', 'query', 'G.Foo()');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(
      r.err,
      'Error: Failed to query topology, 400 Bad Request: Expected step function, got: G.Foo()\n',
    );
  });

  test('node create / get / update / list / delete', async () => {
    const c = await sky(
      'client',
      'node',
      'create',
      '--node-name',
      'eth1',
      '--node-type',
      'device',
      '--metadata',
      'MTU=9000, Ovs.Bridge="br0"',
    );
    assert.equal(c.code, 0, c.err);
    const node = JSON.parse(c.out) as Record<string, unknown> & { ID: string };
    assert.match(node.ID, /^[0-9a-f-]{36}$/);
    assert.deepEqual(node.Metadata, {
      MTU: '9000',
      Ovs: { Bridge: 'br0' },
      Name: 'eth1',
      Type: 'device',
    });
    assert.equal(node.Host, 'testhost');
    assert.equal(node.Origin, 'cli.testhost');
    assert.equal(node.Revision, 1);
    assert.equal(node.DeletedAt, null);
    assert.ok(c.out.startsWith('{\n  "ID": '), 'two-space indentation, ID first');

    const g = await sky('client', 'node', 'get', node.ID);
    assert.equal((JSON.parse(g.out) as { ID: string }).ID, node.ID);

    const u = await sky(
      'client',
      'node',
      'update',
      node.ID,
      '-a',
      'Color=blue',
      '-a',
      'Speed=1000',
      '-r',
      'MTU',
    );
    assert.equal(u.code, 0, u.err);
    const patch = fake.log.requests.filter((q) => q.method === 'PATCH').at(-1);
    assert.deepEqual(patch?.body, [
      { op: 'add', path: '/Metadata/Color', value: 'blue' },
      { op: 'add', path: '/Metadata/Speed', value: 1000 },
      { op: 'remove', path: '/Metadata/MTU' },
    ]);
    const updated = JSON.parse(u.out) as { Metadata: Record<string, unknown> };
    assert.equal(updated.Metadata.Speed, 1000);
    assert.equal('MTU' in updated.Metadata, false);

    const same = await sky('client', 'node', 'update', node.ID, '-a', 'Color=blue');
    assert.equal(same.out, 'Not modified\n');

    const list = await sky('client', 'node', 'list');
    assert.ok(node.ID in (JSON.parse(list.out) as Record<string, unknown>));

    const d = await sky('client', 'node', 'delete', node.ID, 'missing-id');
    assert.equal(d.code, 1, 'a failed deletion makes the exit code 1');
    assert.equal(
      d.err,
      "Error: Failed to delete node, 404 Not Found: Node 'missing-id' not found\n",
    );
    assert.equal(fake.store.node!.has(node.ID), false, 'the other deletion went through');
  });

  test('node get of a missing node: no stack trace', async () => {
    const r = await sky('client', 'node', 'get', 'nope');
    assert.equal(r.code, 1);
    assert.equal(r.err, "Error: Failed to get node, 404 Not Found: Node 'nope' not found\n");
  });

  test('node delete --gremlin deletes what the queries return', async () => {
    await sky('client', 'node', 'create', '--node-name', 'tmp', '--node-type', 't');
    const before = fake.store.node!.size;
    const r = await sky('client', 'node', 'delete', '--gremlin', 'G.V()');
    assert.equal(r.code, 0, r.err);
    assert.equal(before >= 1, true);
    assert.equal(fake.store.node!.size, 0);
  });

  test('edge create checks both ends, then lists, updates, deletes', async () => {
    const mk = async (name: string) =>
      (
        JSON.parse(
          (await sky('client', 'node', 'create', '--node-name', name, '--node-type', 'device')).out,
        ) as { ID: string }
      ).ID;
    const a = await mk('a');
    const b = await mk('b');
    const missing = await sky(
      'client',
      'edge',
      'create',
      '--parent',
      a,
      '--child',
      'zz',
      '--edge-type',
      'layer2',
    );
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^Error: Could not find child node: Failed to get node, 404/);
    const c = await sky(
      'client',
      'edge',
      'create',
      '--parent',
      a,
      '--child',
      b,
      '--edge-type',
      'layer2',
      '--metadata',
      'Type=veth',
    );
    assert.equal(c.code, 0, c.err);
    assert.equal(c.code, 0, c.err);
    const edge = JSON.parse(c.out) as {
      ID: string;
      Parent: string;
      Child: string;
      Metadata: unknown;
    };
    assert.equal(edge.Parent, a);
    assert.equal(edge.Child, b);
    assert.deepEqual(edge.Metadata, { Type: 'veth', RelationType: 'layer2' });
    const u = await sky('client', 'edge', 'update', edge.ID, '-a', 'MTU=1500');
    assert.equal((JSON.parse(u.out) as { Metadata: { MTU: number } }).Metadata.MTU, 1500);
    assert.ok(edge.ID in (JSON.parse((await sky('client', 'edge', 'list')).out) as object));
    const got = await sky('client', 'edge', 'get', edge.ID);
    assert.equal(got.code, 0, got.err);
    const del = await sky('client', 'edge', 'delete', edge.ID);
    assert.equal(del.code, 0, del.err);
    assert.equal(fake.store.edge!.has(edge.ID), false);
  });

  test('node-rule and edge-rule (and their aliases)', async () => {
    const bad = await sky(
      'client',
      'node-rule',
      'create',
      '--action',
      'create',
      '--node-name',
      'x',
    );
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Both --node-name and --node-type are required/);
    const nr = await sky(
      'client',
      'noderule',
      'create',
      '--name',
      'r1',
      '--action',
      'create',
      '--node-name',
      'fab',
      '--node-type',
      'fabric',
      '--metadata',
      'Color=red',
    );
    assert.equal(nr.code, 0, nr.err);
    const rule = JSON.parse(nr.out) as { UUID: string; Metadata: unknown; Action: string };
    assert.deepEqual(rule.Metadata, { Color: 'red', Name: 'fab', Type: 'fabric' });
    assert.equal(rule.Action, 'create');
    assert.ok(rule.UUID);
    assert.ok(rule.UUID in (JSON.parse((await sky('client', 'node-rule', 'list')).out) as object));
    assert.equal((await sky('client', 'node-rule', 'get', rule.UUID)).code, 0);
    assert.equal((await sky('client', 'node-rule', 'delete', rule.UUID)).code, 0);

    const noType = await sky('client', 'edge-rule', 'create', '--src', 'G.V()', '--dst', 'G.V()');
    assert.match(noType.err, /--relationtype is a required parameter/);
    const er = await sky(
      'client',
      'edgerule',
      'create',
      '--src',
      "G.V().Has('Name','a')",
      '--dst',
      "G.V().Has('Name','b')",
      '--relationtype',
      'layer2',
      '--metadata',
      'Speed=10',
    );
    assert.equal(er.code, 0, er.err);
    const erule = JSON.parse(er.out) as { UUID: string; Metadata: unknown; Src: string };
    assert.deepEqual(erule.Metadata, { Speed: '10', RelationType: 'layer2' });
    assert.equal((await sky('client', 'edgerule', 'delete', erule.UUID)).code, 0);
  });

  test('status prints the status document', async () => {
    const r = await sky('client', 'status');
    assert.equal(r.code, 0, r.err);
    assert.ok('Subscribers' in (JSON.parse(r.out) as object));
  });

  test('credentials from flags and environment are sent', async () => {
    const io = testIO({ env: { SKYDIVE_ANALYZER: fake.address, SKYDIVE_USERNAME: 'env-user' } });
    await run(['client', 'status', '--password', 'pw'], io);
    const last = fake.log.requests.at(-1);
    assert.equal(last?.headers.authorization, `Basic ${btoa('env-user:pw')}`);
  });

  test('the configuration file (-c) supplies cookies, and a broken one is reported', async () => {
    const conf = path.join(tmp, 'skydive.yml');
    writeFileSync(conf, 'http:\n  cookie:\n    session: abc\n');
    const r = await sky('-c', conf, 'client', 'status');
    assert.equal(r.code, 0, r.err);
    assert.equal(fake.log.requests.at(-1)?.headers.cookie, 'session=abc');
    writeFileSync(conf, 'http: [\n');
    const bad = await sky('client', 'status', '-c', conf);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^Error: invalid YAML in .*skydive\.yml/);
  });

  test('--analyzer overrides SKYDIVE_ANALYZER, before or after the sub-command', async () => {
    const io = testIO({ env: { SKYDIVE_ANALYZER: '127.0.0.1:9' } });
    assert.equal(await run(['client', 'status', '--analyzer', fake.address], io), 0, io.err());
    const io2 = testIO({ env: { SKYDIVE_ANALYZER: '127.0.0.1:9' } });
    assert.equal(await run(['client', '--analyzer', fake.address, 'status'], io2), 0, io2.err());
  });

  test('shell: one query per line, errors printed and the session goes on, history saved', async () => {
    const io = testIO({
      stdin: 'G.V().Count()\n\nG.Bad()\n# comment\nG.V().Values("Big")\nexit\nG.V()\n',
      env: { SKYDIVE_ANALYZER: fake.address },
    });
    const history = path.join(tmp, 'history');
    assert.equal(await run(['client', 'shell', '--history', history], io), 0, io.err());
    assert.equal(io.out(), `${fake.store.node!.size}\n[\n\t9007199254740993\n]\n`);
    assert.match(
      io.err(),
      /^Error: Failed to query topology, 400 Bad Request: Expected step function/,
    );
    assert.deepEqual(readFileSync(history, 'utf8').split('\n'), [
      'G.V().Count()',
      'G.Bad()',
      'G.V().Values("Big")',
      '',
    ]);
  });

  test('shell --script runs a file and reports failures at the end', async () => {
    const script = path.join(tmp, 'script.gremlin');
    writeFileSync(script, 'G.V().Count()\nG.Nope()\nG.V().Count()\n');
    const io = testIO({ env: { SKYDIVE_ANALYZER: fake.address } });
    assert.equal(await run(['client', 'shell', '--script', script], io), 1);
    const n = fake.store.node!.size;
    assert.equal(io.out(), `${n}\n${n}\n`);
    assert.match(io.err(), /Expected step function[^\n]*\nError: 1 of 3 queries failed\n$/);
  });
});

describe('skydive (no server)', () => {
  test('version, help and unknown commands', async () => {
    const v = testIO();
    assert.equal(await run(['version'], v), 0);
    assert.match(v.out(), /^skydive \S+ v\d+\.\d+\.\d+\n$/);
    const h = testIO();
    assert.equal(await run(['client', 'node', '--help'], h), 0);
    assert.match(h.out(), /create/);
    const u = testIO();
    assert.equal(await run(['client', 'frobnicate'], u), 1);
    assert.match(u.err(), /unknown command 'frobnicate'/);
  });

  test('bad invocations exit 1 with a message and no stack', async () => {
    const io = testIO();
    assert.equal(await run(['client', 'node', 'create', '--metadata', 'novalue'], io), 1);
    assert.equal(io.err(), 'Error: attributes must be defined by pair k=v: novalue\n');
    const q = testIO();
    assert.equal(await run(['client', 'query', 'G', '--format', 'xml'], q), 1);
    assert.match(q.err(), /Allowed choices are json, dot, pcap/);
  });

  test('an unreachable analyzer is reported in one line', async () => {
    const io = testIO({ env: { SKYDIVE_ANALYZER: '127.0.0.1:9' } });
    assert.equal(await run(['client', 'status'], io), 1);
    assert.match(io.err(), /^Error: cannot reach http:\/\/127\.0\.0\.1:9\/api\/status: .+\n$/);
  });

  test('analyzer: configuration errors are one line, exit code 1', async () => {
    const missing = testIO();
    assert.equal(await run(['analyzer', '-c', '/nonexistent/skydive.yml'], missing), 1);
    assert.match(
      missing.err(),
      /^Error: cannot read configuration file \/nonexistent\/skydive\.yml: /,
    );
    const backend = testIO();
    assert.equal(await run(['analyzer', '-b', 'etcd'], backend), 1);
    assert.equal(backend.err(), "Error: config backend 'etcd' is not supported (only 'file')\n");
  });
});
