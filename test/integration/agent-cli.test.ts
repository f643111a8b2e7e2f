// SPDX-License-Identifier: Apache-2.0
// `skydive allinone` and `skydive agent` through the CLI's run(), in process: the host node of the
// agent reaches the analyzer, and both stop cleanly on the stop signal (exit 0), the analyzer
// dropping the agent's subgraph.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SkydiveClient, type NodeJSON } from '../../src/client/index.js';
import { run } from '../../src/cli/run.js';
import { testIO } from '../fakes/cli-io.js';
import { settle, SUITE } from './agent-kit.js';
import { startTestAnalyzer } from './helpers.js';

/** Starts `skydive <argv>` in process; resolves once stderr shows every `ready` pattern. */
async function start(argv: string[], env: Record<string, string>, ready: RegExp[]) {
  const stop = new AbortController();
  // the embedded SQLite stores of an analyzer live in a directory removed after the run
  const dataDir = mkdtempSync(join(tmpdir(), 'sktest-agent-cli-'));
  const io = testIO({
    env: { SKYDIVE_LOGGING_LEVEL: 'ERROR', SKYDIVE_STORAGE_SQLITE_DATA_DIR: dataDir, ...env },
    signal: stop.signal,
  });
  const exited = run(argv, io).finally(() => rmSync(dataDir, { recursive: true, force: true }));
  const matches = await Promise.race([
    Promise.all(ready.map((re) => io.waitForErr(re))),
    exited.then((code) => {
      throw new Error(`skydive ${argv[0]} exited with ${code}: ${io.err()}`);
    }),
  ]);
  return {
    io,
    addresses: matches.map((m) => m[1] ?? ''),
    /** Aborts the run and resolves to its exit code. */
    stop: () => (stop.abort(), exited),
  };
}

const hostNodes = (client: SkydiveClient, name: string) =>
  client.nodes(`G.V().Has('Type', 'host', 'Name', '${name}')`);

describe('agent commands', SUITE, () => {
  it('allinone: the analyzer shows this host, reported by the in-process agent', async (t) => {
    const aio = await start(
      ['allinone', '--listen', '127.0.0.1:0', '--agent-listen', '127.0.0.1:0', '--host-id', 'aio'],
      {},
      [/analyzer listening on (\S+)/, /agent listening on (\S+)/],
    );
    let stopped = false;
    t.after(async () => void (stopped || (await aio.stop())));
    const [analyzer, agentAddress] = aio.addresses as [string, string];
    const client = new SkydiveClient({ analyzer });
    const [host] = await settle(async () => {
      const nodes = await hostNodes(client, 'aio');
      assert.equal(nodes.length, 1);
      return nodes as [NodeJSON];
    });
    assert.equal(host.Origin, 'agent.aio');
    assert.equal(host.Host, 'aio');
    const status = (await client.status()) as { Agents: Record<string, unknown> };
    assert.ok(status.Agents['aio']);
    const agentInfo = await new SkydiveClient({ analyzer: agentAddress }).apiInfo();
    assert.equal(agentInfo.Service, 'agent');
    stopped = true;
    assert.equal(await aio.stop(), 0);
  });

  it('agent: reports to the analyzers of SKYDIVE_ANALYZERS until stopped', async (t) => {
    const an = await startTestAnalyzer(t);
    const agent = await start(
      ['agent', '--listen', '127.0.0.1:0', '--host-id', 'cli-agent'],
      { SKYDIVE_ANALYZERS: an.address },
      [/agent listening on (\S+)/],
    );
    let stopped = false;
    t.after(async () => void (stopped || (await agent.stop())));
    const client = an.client();
    await settle(async () => assert.equal((await hostNodes(client, 'cli-agent')).length, 1));
    stopped = true;
    assert.equal(await agent.stop(), 0);
    await settle(async () => assert.equal((await hostNodes(client, 'cli-agent')).length, 0));
  });

  it('agent: a bad configuration fails the command with the reason', async () => {
    const io = testIO({ env: { SKYDIVE_AGENT_TOPOLOGY_PROBES: 'netlnk' } });
    const code = await run(['agent', '--listen', '127.0.0.1:0'], io);
    assert.equal(code, 1);
    assert.match(io.err(), /unknown topology probe 'netlnk'/);
  });
});
