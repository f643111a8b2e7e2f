// SPDX-License-Identifier: Apache-2.0
// `skydive client …` against a real analyzer on loopback, as a user types it: status, topology
// import/export and query (JSON and DOT), node and edge CRUD, and query errors with exit code 1.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { EdgeJSON, GraphJSON, NodeJSON } from '../../src/client/index.js';
import { edge, node, SIMPLE_FILE, simpleGraph } from '../fixtures/topologies/simple.js';
import { parseOut, skydive, skydiveProcess } from './cli-runner.js';
import { startTestAnalyzer, suiteTeardown, tempDir, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;

/** `skydive client <args…> --analyzer <address>` in process. */
const client = (...args: string[]) => skydive(['client', ...args, '--analyzer', an.address]);

/** Runs a query and parses its JSON answer. */
async function query<T>(gremlin: string): Promise<T> {
  const r = await client('query', gremlin);
  assert.equal(r.code, 0, r.err);
  return parseOut<T>(r);
}

const byID = <T extends { ID: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => a.ID.localeCompare(b.ID));

before(async () => {
  an = await startTestAnalyzer(teardown);
  const r = await client('topology', 'import', '--file', SIMPLE_FILE);
  assert.equal(r.code, 0, r.err);
});

describe('client status', () => {
  test('prints the analyzer status document', async () => {
    const r = await client('status');
    assert.equal(r.code, 0, r.err);
    const status = parseOut<Record<string, unknown>>(r);
    for (const key of ['Agents', 'Peers', 'Publishers', 'Subscribers', 'Alerts', 'Captures'])
      assert.ok(key in status, `status lacks ${key}: ${r.out}`);
  });

  test('bin/skydive reads the analyzer from SKYDIVE_ANALYZER and exits 0', async () => {
    const r = await skydiveProcess(['client', 'status'], { SKYDIVE_ANALYZER: an.address });
    assert.equal(r.code, 0, r.err);
    assert.ok('Agents' in parseOut<object>(r));
  });
});

describe('client topology import, query, export', () => {
  test('the imported fixture answers Gremlin queries', async () => {
    assert.equal(await query<number>('G.V().Count()'), 9);
    assert.equal(await query<number>('G.E().Count()'), 12);
    const netns = await query<string[]>(
      "G.V().Has('Name', 'hostA').Out().Has('Type', 'netns').Values('Name')",
    );
    assert.deepEqual(netns.sort(), ['ns1', 'ns2']);
    const ports = await query<NodeJSON[]>(
      "G.V().Has('Type', 'bridge').OutE().Has('RelationType', 'layer2').InV()",
    );
    // Skydive's InV is the parent: the bridge itself, once per port edge
    assert.deepEqual(
      ports.map((n) => n.ID),
      [node.br0, node.br0],
    );
    const peers = await query<string[]>("G.V().Has('Name', 'vethA0').Both().Values('Name')");
    assert.deepEqual(peers.sort(), ['br0', 'hostA', 'vethA1']);
    assert.equal(await query<number>("G.V().Has('MTU', GTE(9000)).Count()"), 1);
  });

  test('export gives back the fixture, with the publisher as origin', async () => {
    const r = await client('topology', 'export');
    assert.equal(r.code, 0, r.err);
    const exported = parseOut<GraphJSON[]>(r);
    assert.equal(exported.length, 1);
    const [g] = exported as [GraphJSON];
    const fixture = simpleGraph();
    assert.deepEqual(
      byID(g.Nodes ?? []).map((n) => [n.ID, n.Metadata, n.Host, n.Origin]),
      byID(fixture.Nodes ?? []).map((n) => [n.ID, n.Metadata, n.Host, 'cli.testhost']),
    );
    assert.deepEqual(
      byID(g.Edges ?? []).map((e) => [e.ID, e.Parent, e.Child, e.Metadata]),
      byID(fixture.Edges ?? []).map((e) => [e.ID, e.Parent, e.Child, e.Metadata]),
    );
  });

  test('an export imports into another analyzer unchanged', async (t) => {
    const other = await startTestAnalyzer(t, { hostId: 'it-other', logs: 'silent' });
    const file = path.join(tempDir(t), 'export.json');
    const exp = await client('topology', 'export');
    writeFileSync(file, exp.out);
    const imp = await skydive([
      'client',
      'topology',
      'import',
      '--file',
      file,
      '--analyzer',
      other.address,
    ]);
    assert.equal(imp.code, 0, imp.err);
    const again = await skydive(['client', 'topology', 'export', '--analyzer', other.address]);
    const [a] = parseOut<GraphJSON[]>(exp) as [GraphJSON];
    const [b] = parseOut<GraphJSON[]>(again) as [GraphJSON];
    const shape = (g: GraphJSON) => ({
      nodes: byID(g.Nodes ?? []).map((n) => [n.ID, n.Metadata]),
      edges: byID(g.Edges ?? []).map((e) => [e.ID, e.Parent, e.Child, e.Metadata]),
    });
    assert.deepEqual(shape(b), shape(a));
  });

  test('import reports what the analyzer refused and fails; already present elements do not', async (t) => {
    const again = await client('topology', 'import', '--file', SIMPLE_FILE);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /21 of 21 elements were already present/);

    const file = path.join(tempDir(t), 'bad.json');
    const bad = {
      Nodes: [{ ID: 'it-bad-n1', Metadata: { Name: 'ok', Type: 'device' } }],
      Edges: [
        {
          ID: 'it-bad-e1',
          Parent: 'it-bad-n1',
          Child: 'it-missing',
          Metadata: { RelationType: 'layer2' },
        },
        { ID: 'it-bad-e2', Parent: 'it-bad-n1', Child: 'it-bad-n1', Metadata: {} },
      ],
    };
    writeFileSync(file, JSON.stringify([bad]));
    const other = await startTestAnalyzer(t, { hostId: 'it-refusals', logs: 'silent' });
    const on = ['--analyzer', other.address];
    const r = await skydive(['client', 'topology', 'import', '--file', file, ...on]);
    assert.equal(r.code, 1);
    assert.match(r.err, /refused \(404\).*it-missing/);
    assert.match(r.err, /refused \(400\).*RelationType/);
    assert.match(r.err, /2 of 3 elements were refused/);
    const kept = await skydive(['client', 'query', "G.V().Has('Name', 'ok').Count()", ...on]);
    assert.equal(parseOut<number>(kept), 1, 'valid elements stay');
  });

  test('query --format dot prints a Graphviz digraph of the graph', async () => {
    const r = await client('query', "G.V().Has('Name', 'br0').Out().SubGraph()", '--format', 'dot');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^digraph /);
    // SubGraph keeps the nodes and the edges between them: the two ports and no bridge
    for (const id of [node.vethA0, node.vethB0]) assert.match(r.out, new RegExp(`"${id}"`));
    assert.doesNotMatch(r.out, new RegExp(node.br0));
    const full = await client('query', 'G', '--format', 'dot');
    const arrows = full.out.split('\n').filter((l) => l.includes('->'));
    assert.equal(arrows.length, 12, full.out);
    assert.ok(arrows.some((l) => l.includes(`"${node.br0}" -> "${node.vethA0}"`)));
  });

  test('dot output of a non-graph result is refused with exit code 1', async () => {
    const r = await client('query', "G.V().Has('Name', 'br0')", '--format', 'dot');
    assert.equal(r.code, 1);
    assert.match(r.err, /^Error: .*400.*graph/);
  });
});

describe('client query errors', () => {
  test('a syntax error is explained, with its position, and exits 1', async () => {
    const r = await client('query', "G.V().Has('Name'");
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^Error: Failed to query topology, 400 Bad Request: .*position \d+.*\n$/);
  });

  test('an unknown step is named in the error', async () => {
    const r = await client('query', 'G.V().Frobnicate()');
    assert.equal(r.code, 1);
    assert.match(r.err, /Frobnicate/);
  });

  test('bin/skydive exits 1 on a bad query and prints no stack trace', async () => {
    const r = await skydiveProcess(['client', 'query', 'G.V(', '--analyzer', an.address]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^Error: .*400/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
});

describe('client node', () => {
  test('create, get, list, update, delete', async () => {
    const created = await client(
      'node',
      'create',
      '--node-name',
      'eth9',
      '--node-type',
      'device',
      '--metadata',
      'MTU=9000, Driver=virtio, Labels.tier=front',
    );
    assert.equal(created.code, 0, created.err);
    const n = parseOut<NodeJSON>(created);
    assert.deepEqual(n.Metadata, {
      Name: 'eth9',
      Type: 'device',
      MTU: '9000',
      Driver: 'virtio',
      Labels: { tier: 'front' },
    });

    const got = parseOut<NodeJSON>(await client('node', 'get', n.ID));
    assert.deepEqual(got.Metadata, n.Metadata);
    const listed = parseOut<Record<string, NodeJSON>>(await client('node', 'list'));
    assert.deepEqual(Object.keys(listed).sort(), [...Object.values(node), n.ID].sort());
    assert.equal(await query<number>("G.V().Has('Labels.tier', 'front').Count()"), 1);

    const up = await client('node', 'update', n.ID, '-a', 'MTU=1400', '-r', 'Driver');
    assert.equal(up.code, 0, up.err);
    assert.equal(parseOut<NodeJSON>(up).Metadata['MTU'], 1400);
    const seen = await query<NodeJSON[]>(`G.V('${n.ID}')`);
    assert.equal(seen[0]?.Metadata['MTU'], 1400);
    assert.equal('Driver' in (seen[0]?.Metadata ?? {}), false);

    const del = await client('node', 'delete', n.ID);
    assert.equal(del.code, 0, del.err);
    const gone = await client('node', 'get', n.ID);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /404/);
    assert.equal(await query<number>("G.V().Has('Name', 'eth9').Count()"), 0);
  });

  test('delete --gremlin removes what the queries return', async () => {
    for (const name of ['tmp1', 'tmp2']) {
      const r = await client('node', 'create', '--node-name', name, '--node-type', 'dummy');
      assert.equal(r.code, 0, r.err);
    }
    const r = await client('node', 'delete', '--gremlin', "G.V().Has('Type', 'dummy')");
    assert.equal(r.code, 0, r.err);
    assert.equal(await query<number>("G.V().Has('Type', 'dummy').Count()"), 0);
  });

  test('a node that fails validation is refused', async () => {
    const r = await client('node', 'create', '--node-type', 'device');
    assert.equal(r.code, 1);
    assert.match(r.err, /^Error: .*400.*Name/);
  });
});

describe('client edge', () => {
  test('create, get, list, update, delete', async () => {
    const created = await client(
      'edge',
      'create',
      '--parent',
      node.ns1,
      '--child',
      node.ns2,
      '--edge-type',
      'peering',
      '--metadata',
      'Cost=10',
    );
    assert.equal(created.code, 0, created.err);
    const e = parseOut<EdgeJSON>(created);
    assert.deepEqual(
      [e.Parent, e.Child, e.Metadata],
      [node.ns1, node.ns2, { RelationType: 'peering', Cost: '10' }],
    );
    assert.deepEqual(
      // Skydive's OutV is the child
      await query<string[]>(
        "G.V().Has('Name', 'ns1').OutE().Has('RelationType', 'peering').OutV().Values('Name')",
      ),
      ['ns2'],
    );

    const got = parseOut<EdgeJSON>(await client('edge', 'get', e.ID));
    assert.equal(got.Child, node.ns2);
    const listed = parseOut<Record<string, EdgeJSON>>(await client('edge', 'list'));
    assert.deepEqual(Object.keys(listed).sort(), [...Object.values(edge), e.ID].sort());

    const up = await client('edge', 'update', e.ID, '-a', 'Cost=20');
    assert.equal(up.code, 0, up.err);
    assert.equal(parseOut<EdgeJSON>(up).Metadata['Cost'], 20);

    assert.equal((await client('edge', 'delete', e.ID)).code, 0);
    assert.equal((await client('edge', 'get', e.ID)).code, 1);
    assert.equal(await query<number>("G.E().Has('RelationType', 'peering').Count()"), 0);
  });

  test('an edge to a missing node is refused before anything is sent', async () => {
    const r = await client('edge', 'create', '--parent', node.hostA, '--child', 'no-such-node');
    assert.equal(r.code, 1);
    assert.match(r.err, /Could not find child node/);
  });

  test('deleting a node takes its edges along', async () => {
    const n = parseOut<NodeJSON>(
      await client('node', 'create', '--node-name', 'lo9', '--node-type', 'device'),
    );
    const e = parseOut<EdgeJSON>(
      await client(
        'edge',
        'create',
        '--parent',
        node.hostA,
        '--child',
        n.ID,
        '--edge-type',
        'ownership',
      ),
    );
    assert.equal((await client('node', 'delete', n.ID)).code, 0);
    const gone = await client('edge', 'get', e.ID);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /404/);
  });
});
