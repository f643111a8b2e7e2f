// SPDX-License-Identifier: Apache-2.0
// Node and edge rules through `skydive client node-rule|edge-rule …`: what a rule does shows in the
// graph (queried over the CLI), and deleting the rule undoes it.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { EdgeJSON, EdgeRule, NodeJSON, NodeRule } from '../../src/client/index.js';
import { node, SIMPLE_FILE } from '../fixtures/topologies/simple.js';
import { parseOut, skydive } from './cli-runner.js';
import { eventually, startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

/** A rule as the server returns it: with its UUID. */
type Stored<T> = T & { UUID: string };

const teardown = suiteTeardown();
let an: TestAnalyzer;

const client = (...args: string[]) => skydive(['client', ...args, '--analyzer', an.address]);

async function query<T>(gremlin: string): Promise<T> {
  const r = await client('query', gremlin);
  assert.equal(r.code, 0, r.err);
  return parseOut<T>(r);
}

/** Runs a CLI command that must succeed and parses its JSON output. */
async function ok<T>(...args: string[]): Promise<T> {
  const r = await client(...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
  return parseOut<T>(r);
}

/** Runs a CLI command that must succeed and print nothing (deletions). */
async function quiet(...args: string[]): Promise<void> {
  const r = await client(...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
  assert.equal(r.out, '');
}

before(async () => {
  an = await startTestAnalyzer(teardown);
  const r = await client('topology', 'import', '--file', SIMPLE_FILE);
  assert.equal(r.code, 0, r.err);
});

describe('client node-rule', () => {
  test('a create rule adds a node; deleting the rule removes it', async () => {
    const rule = await ok<Stored<NodeRule>>(
      'node-rule',
      'create',
      '--action',
      'create',
      '--node-name',
      'fabric0',
      '--node-type',
      'fabric',
      '--metadata',
      'Zone=eu',
    );
    assert.ok(rule.UUID, 'the server assigns a UUID');
    const [created] = await eventually(async () => {
      const found = await query<NodeJSON[]>("G.V().Has('Name', 'fabric0')");
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(created?.Metadata['Type'], 'fabric');
    assert.equal(created?.Metadata['Zone'], 'eu');
    assert.equal(created?.Metadata['Probe'], 'fabric');
    assert.equal(created?.Metadata['TID'], created?.ID);

    const listed = await ok<Record<string, NodeRule>>('node-rule', 'list');
    assert.deepEqual(Object.keys(listed), [rule.UUID]);
    assert.equal((await ok<Stored<NodeRule>>('noderule', 'get', rule.UUID)).Action, 'create');

    await quiet('node-rule', 'delete', rule.UUID);
    await eventually(async () =>
      assert.equal(await query<number>("G.V().Has('Name', 'fabric0').Count()"), 0),
    );
    assert.deepEqual(await ok('node-rule', 'list'), {});
  });

  test('an update rule merges metadata into matching nodes, now and later', async () => {
    const rule = await ok<Stored<NodeRule>>(
      'node-rule',
      'create',
      '--action',
      'update',
      '--query',
      "G.V().Has('Type', 'veth')",
      '--metadata',
      'Team=blue',
    );
    await eventually(async () =>
      assert.deepEqual((await query<string[]>("G.V().Has('Team', 'blue').Values('Name')")).sort(), [
        'vethA0',
        'vethA1',
        'vethB0',
        'vethB1',
      ]),
    );
    // a veth that appears afterwards is matched too
    const late = await ok<NodeJSON>(
      'node',
      'create',
      '--node-name',
      'vethC0',
      '--node-type',
      'veth',
    );
    await eventually(async () =>
      assert.deepEqual(await query<string[]>(`G.V('${late.ID}').Values('Team')`), ['blue']),
    );
    // nothing else was touched
    assert.equal(await query<number>("G.V().HasKey('Team').Count()"), 5);

    await quiet('node-rule', 'delete', rule.UUID);
    await eventually(async () =>
      assert.equal(await query<number>("G.V().HasKey('Team').Count()"), 0),
    );
    await quiet('node', 'delete', late.ID);
  });

  test('a rule whose query does not parse is refused', async () => {
    const r = await client(
      'node-rule',
      'create',
      '--action',
      'update',
      '--query',
      "G.V().Has('Type'",
      '--metadata',
      'A=b',
    );
    assert.equal(r.code, 1);
    assert.match(r.err, /^Error: .*400/);
    assert.deepEqual(await ok('node-rule', 'list'), {});
  });

  test('bad flags are caught before anything is sent', async () => {
    const r = await client('node-rule', 'create', '--action', 'create', '--node-name', 'x');
    assert.equal(r.code, 1);
    assert.match(r.err, /--node-type/);
  });
});

describe('client edge-rule', () => {
  test('links the first nodes of its queries; deleting the rule unlinks them', async () => {
    const rule = await ok<Stored<EdgeRule>>(
      'edge-rule',
      'create',
      '--src',
      "G.V().Has('Name', 'ns1')",
      '--dst',
      "G.V().Has('Name', 'ns2')",
      '--relationtype',
      'peering',
      '--metadata',
      'Cost=5',
    );
    const [link] = await eventually(async () => {
      const found = await query<EdgeJSON[]>("G.E().Has('RelationType', 'peering')");
      assert.equal(found.length, 1);
      return found;
    });
    assert.equal(link?.Parent, node.ns1);
    assert.equal(link?.Child, node.ns2);
    assert.equal(link?.Metadata['Cost'], '5');
    assert.deepEqual(Object.keys(await ok<object>('edge-rule', 'list')), [rule.UUID]);
    assert.equal((await ok<Stored<EdgeRule>>('edgerule', 'get', rule.UUID)).Src, rule.Src);

    await quiet('edge-rule', 'delete', rule.UUID);
    await eventually(async () =>
      assert.equal(await query<number>("G.E().Has('RelationType', 'peering').Count()"), 0),
    );
  });

  test('a rule whose end appears later links once it exists', async () => {
    const rule = await ok<Stored<EdgeRule>>(
      'edge-rule',
      'create',
      '--src',
      "G.V().Has('Name', 'hostA')",
      '--dst',
      "G.V().Has('Name', 'tunnel0')",
      '--relationtype',
      'ownership',
    );
    assert.equal(await query<number>("G.V().Has('Name', 'tunnel0').Count()"), 0);
    const tun = await ok<NodeJSON>(
      'node',
      'create',
      '--node-name',
      'tunnel0',
      '--node-type',
      'vxlan',
    );
    await eventually(async () =>
      assert.deepEqual(await query<string[]>(`G.V('${tun.ID}').In().Values('Name')`), ['hostA']),
    );
    await quiet('edge-rule', 'delete', rule.UUID);
    await eventually(async () =>
      assert.equal(await query<number>(`G.V('${tun.ID}').In().Count()`), 0),
    );
  });

  test('delete of an unknown rule fails with 404', async () => {
    const r = await client('edge-rule', 'delete', 'no-such-rule');
    assert.equal(r.code, 1);
    assert.match(r.err, /404/);
  });
});
