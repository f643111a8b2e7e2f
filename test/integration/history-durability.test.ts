// SPDX-License-Identifier: Apache-2.0
// kill -9 of a `bin/skydive analyzer` (SQLite history in a temporary data directory) during heavy
// publisher ingest, then a restart on the same directory and port: the database opens, history up
// to the last flush answers At(), and the live graph is rebuilt by the agent that reconnects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SkydiveClient, WsClient } from '../../src/client/index.js';
import { GraphMessageType, Namespace, newStructMessage } from '../../src/protocol/index.js';
import { SUITE, settle, startTestAgent } from './agent-kit.js';
import { SKYDIVE_BIN } from './cli-runner.js';
import { tempDir } from './helpers.js';

/** A `bin/skydive analyzer` child; resolves once it listens. */
async function spawnAnalyzer(
  conf: string,
  listen: string,
): Promise<{ child: ChildProcess; address: string; stderr: () => string }> {
  const child = spawn(SKYDIVE_BIN, ['analyzer', '-c', conf, '--listen', listen], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SKYDIVE_LOGGING_LEVEL: 'warn' },
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const address = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /listening on (\S+)/.exec(err);
      if (m) {
        child.stderr!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) =>
      reject(new Error(`analyzer exited (${code ?? sig}) before listening: ${err}`)),
    );
  });
  return { child, address, stderr: () => err };
}

function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const count = async (c: SkydiveClient, q: string): Promise<number> => Number(await c.query(q));

test(
  'kill -9 during ingest, restart: history up to the last flush, live graph rebuilt',
  SUITE,
  async (t) => {
    const dir = tempDir(t, 'skydive-durability-');
    const conf = path.join(dir, 'skydive.yml');
    writeFileSync(
      conf,
      [
        'analyzer:',
        '  topology:',
        '    backend: durable',
        '  flow:',
        '    backend: memory',
        'storage:',
        '  durable:',
        '    driver: sqlite',
        `    data_dir: ${path.join(dir, 'data')}`,
        '',
      ].join('\n'),
    );
    const children: ChildProcess[] = [];
    t.after(async () => {
      for (const c of children) await kill9(c);
    });

    const first = await spawnAnalyzer(conf, '127.0.0.1:0');
    children.push(first.child);
    const address = first.address;
    const client = new SkydiveClient({ analyzer: address });

    // a real agent reporting to it, with 50 nodes of its own
    const agent = await startTestAgent(t, { hostId: 'dur-agent', analyzers: [address] });
    for (let i = 0; i < 50; i++)
      agent.context.graph.newNode({ Name: `dur-${i}`, Type: 'durable' }, { id: `dur-${i}` });
    await settle(async () =>
      assert.equal(await count(client, "G.V().Has('Type', 'durable').Count()"), 50, 'agent synced'),
    );

    // heavy ingest through /ws/publisher, still running when the analyzer is killed
    const pub = new WsClient({ analyzer: address, path: '/ws/publisher', hostId: 'dur-pub' });
    await pub.connect();
    let sent = 0;
    let stop = false;
    const ingest = (async () => {
      while (!stop) {
        for (let k = 0; k < 200; k++, sent++) {
          const node = { ID: `ing-${sent}`, Metadata: { Name: `ing-${sent}`, Type: 'ingest' } };
          pub
            .send(newStructMessage(Namespace.Graph, GraphMessageType.NodeAdded, node))
            .catch(() => {
              stop = true;
            });
        }
        await sleep(1);
      }
    })();
    t.after(async () => {
      stop = true;
      await ingest;
      await pub.close().catch(() => undefined);
    });
    await settle(async () =>
      assert.ok((await count(client, "G.V().Has('Type', 'ingest').Count()")) > 1000, 'ingesting'),
    );

    // what history holds at `known` (an At() query writes what is queued first)
    const known = Date.now();
    await sleep(5);
    const ingested = await count(client, `G.At(${known}).V().Has('Type', 'ingest').Count()`);
    assert.ok(ingested > 1000, `ingested ${ingested}`);
    assert.equal(await count(client, `G.At(${known}).V().Has('Type', 'durable').Count()`), 50);
    await sleep(200); // more ingest, some of it never flushed
    await kill9(first.child);
    stop = true;
    await ingest;

    const second = await spawnAnalyzer(conf, address);
    children.push(second.child);
    assert.equal(second.address, address);
    const status = (await client.status()) as { Storage?: { Backend?: string } };
    assert.equal(status.Storage?.Backend, 'sqlite');
    // history up to the last flush: all that answered before the kill (and perhaps more, when
    // the writer committed further changes of that time after the query had read)
    const kept = await count(client, `G.At(${known}).V().Has('Type', 'ingest').Count()`);
    assert.ok(kept >= ingested, `${kept} of the ${ingested} elements seen before the kill`);
    assert.ok(kept <= sent, `${kept} elements, ${sent} sent`);
    assert.equal(await count(client, `G.At(${known}).V().Has('Type', 'durable').Count()`), 50);
    // the publisher is gone and the restart closed what the dead analyzer left open
    assert.equal(await count(client, "G.At('-0s').V().Has('Type', 'ingest').Count()"), 0);
    // the live graph comes back from the agent, which reconnects and syncs
    await settle(async () =>
      assert.equal(
        await count(client, "G.V().Has('Type', 'durable').Count()"),
        50,
        'agent resynced',
      ),
    );
    assert.equal(await count(client, "G.At('-0s').V().Has('Type', 'durable').Count()"), 50);
    assert.equal(await count(client, "G.V().Has('Type', 'ingest').Count()"), 0);
  },
);
