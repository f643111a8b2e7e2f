// SPDX-License-Identifier: Apache-2.0
// The command line against the real analyzer, in one process: `skydive analyzer` started through
// run() on port 0, client commands and a live subscription, then a clean stop on the abort signal.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subscribe, type NodeJSON } from '../../src/client/index.js';
import { run } from '../../src/cli/run.js';
import { testIO } from '../fakes/cli-io.js';
import { SKYDIVE_BIN, skydive } from './cli-runner.js';

const topo = [
  {
    Nodes: [
      { ID: 'h1', Metadata: { Name: 'host1', Type: 'host' } },
      { ID: 'e1', Metadata: { Name: 'eth0', Type: 'device', MTU: 1500 } },
      { ID: 'n1', Metadata: { Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1' } },
    ],
    Edges: [
      { ID: 'o1', Parent: 'h1', Child: 'e1', Metadata: { RelationType: 'ownership' } },
      { ID: 'o2', Parent: 'h1', Child: 'n1', Metadata: { RelationType: 'ownership' } },
    ],
  },
];

const stop = new AbortController();
let analyzer: Promise<number>;
let address: string;
let tmp: string;

async function sky(...argv: string[]) {
  const io = testIO({ env: { SKYDIVE_ANALYZER: address } });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'skydive-it-'));
  const io = testIO({ signal: stop.signal, env: { SKYDIVE_STORAGE_SQLITE_DATA_DIR: tmp } });
  analyzer = run(['analyzer', '--listen', '127.0.0.1:0', '--host-id', 'it-analyzer'], io);
  const started = io.waitForErr(/listening on (\S+)/).then((m) => m[1] ?? '');
  address = await Promise.race([
    started,
    analyzer.then((code) => {
      throw new Error(`analyzer exited with ${code}: ${io.err()}`);
    }),
  ]);
});

after(async () => {
  stop.abort();
  assert.equal(await analyzer, 0);
  rmSync(tmp, { recursive: true, force: true });
});

test('import, query, export', async () => {
  const file = path.join(tmp, 'topo.json');
  writeFileSync(file, JSON.stringify(topo));
  const imp = await sky('client', 'topology', 'import', '--file', file);
  assert.equal(imp.code, 0, imp.err);
  const out = await sky('client', 'query', "G.V().Has('Type', 'host').Out().Values('Name')");
  assert.equal(out.code, 0, out.err);
  assert.deepEqual((JSON.parse(out.out) as string[]).sort(), ['eth0', 'ns1']);
  const exp = await sky('client', 'topology', 'export');
  const graph = JSON.parse(exp.out) as { Nodes: NodeJSON[] }[];
  assert.deepEqual(graph[0]?.Nodes.map((n) => n.ID).sort(), ['e1', 'h1', 'n1']);
});

test('a subscriber sees a node created by the CLI', { timeout: 10_000 }, async () => {
  const sub = await subscribe({ analyzer: address, hostId: 'it-sub' });
  try {
    const created = await sky(
      'client',
      'node',
      'create',
      '--node-name',
      'eth9',
      '--node-type',
      'device',
    );
    assert.equal(created.code, 0, created.err);
    const id = (JSON.parse(created.out) as NodeJSON).ID;
    for await (const m of sub.events) {
      if (m.Type === 'NodeAdded' && (m.Obj as NodeJSON).ID === id) break;
    }
  } finally {
    await sub.close();
  }
});

test('update, errors, rules, status', async () => {
  const up = await sky('client', 'node', 'update', 'e1', '-a', 'MTU=9000');
  assert.equal(up.code, 0, up.err);
  assert.equal((JSON.parse(up.out) as NodeJSON).Metadata.MTU, 9000);
  const missing = await sky('client', 'node', 'get', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^Error: Failed to get node, 404 Not Found: .+\n$/);
  const rule = await sky(
    'client',
    'node-rule',
    'create',
    '--action',
    'create',
    '--node-name',
    'fab',
    '--node-type',
    'fabric',
  );
  assert.equal(rule.code, 0, rule.err);
  const status = await sky('client', 'status');
  assert.equal(status.code, 0, status.err);
  assert.ok('Subscribers' in (JSON.parse(status.out) as object));
});

test('bin/skydive analyzer stops cleanly on SIGTERM', { timeout: 30_000 }, async (t) => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SKYDIVE_')),
  );
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sktest-sigterm-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(SKYDIVE_BIN, ['analyzer', '--listen', '127.0.0.1:0'], {
    env: { ...env, SKYDIVE_LOGGING_LEVEL: 'ERROR', SKYDIVE_STORAGE_SQLITE_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  let stderr = '';
  const started = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /listening on (\S+)/.exec(stderr);
      if (m) resolve(m[1] ?? '');
    });
    void exited.then(([code]) => reject(new Error(`exited early (${code}): ${stderr}`)));
  });
  const addr = await started;
  const status = await skydive(['client', 'status', '--analyzer', addr]);
  assert.equal(status.code, 0, status.err);
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  assert.equal(signal, null, 'exits by itself rather than being killed by the signal');
  assert.equal(code, 0, stderr);
});
