// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Graph } from '../graph/index.js';
import { ProbeBundle, resolveProbes } from './bundle.js';
import type { Probe } from './sdk.js';

const logger = pino({ level: 'silent' });
const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
};

function probe(
  name: string,
  deps: string[] = [],
  body?: (signal: AbortSignal) => Promise<void>,
): Probe<never> {
  return {
    name,
    description: name,
    dependencies: deps,
    defaults: {} as never,
    create: () => ({
      api: { name },
      run:
        body ?? ((signal) => new Promise<void>((r) => signal.addEventListener('abort', () => r()))),
    }),
  };
}

describe('resolveProbes', () => {
  it('orders dependencies first', () => {
    const all = [probe('netlink', ['netns']), probe('netns'), probe('ethtool', ['netlink'])];
    assert.deepEqual(
      resolveProbes(all, ['ethtool']).map((p) => p.name),
      ['netns', 'netlink', 'ethtool'],
    );
  });
  it('refuses an unknown probe, naming the known ones', () => {
    assert.throws(
      () => resolveProbes([probe('netns')], ['nope']),
      /unknown probe 'nope'; known probes: netns/,
    );
    assert.throws(() => resolveProbes([probe('a', ['b'])], ['a']), {
      code: 'SKY_ERR_UNKNOWN_PROBE',
    });
  });
});

describe('ProbeBundle', () => {
  const graph = new Graph({ host: 'h', origin: 'agent.h' });
  const root = graph.newNode({ Name: 'h', Type: 'host' });
  const base = { graph, root, hostID: 'h', logger, supervisor: { retryMs: 5, maxRetryMs: 20 } };

  it('passes dependency APIs and reports running probes', async () => {
    let seen: unknown;
    const user: Probe<never> = {
      ...probe('user', ['netns']),
      create: (ctx) => {
        seen = ctx.deps['netns'];
        return { run: (s) => new Promise<void>((r) => s.addEventListener('abort', () => r())) };
      },
    };
    const b = await ProbeBundle.start([probe('netns'), user], ['user'], base);
    await waitFor(() => b.status()['user']?.State === 'running');
    assert.deepEqual(seen, { name: 'netns' });
    await b.stop();
    assert.equal(b.status()['user']?.State, 'stopped');
  });

  it('restarts a failing probe and keeps the others running', async () => {
    let runs = 0;
    const flaky = probe('flaky', [], async () => {
      runs++;
      throw new Error('socket refused');
    });
    const b = await ProbeBundle.start([flaky, probe('ok')], ['flaky', 'ok'], base);
    await waitFor(() => runs >= 3);
    const st = b.status();
    assert.equal(st['ok']?.State, 'running');
    assert.ok(st['flaky']!.Restarts >= 2);
    assert.match(String(st['flaky']!.Error), /socket refused/);
    await b.stop();
  });
});
