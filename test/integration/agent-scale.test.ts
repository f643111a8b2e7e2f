// SPDX-License-Identifier: Apache-2.0
// 200 simulated agents (uplinks with small graphs, in one process) against one analyzer: all
// connect at once and sync, each with exactly one connection attempt; after an analyzer restart
// every one of them comes back with a full resync.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Uplink } from '../../src/agent/uplink/index.js';
import { Graph } from '../../src/graph/index.js';
import { settle, SUITE } from './agent-kit.js';
import { startTestAnalyzer } from './helpers.js';

const AGENTS = 200;
const PER_AGENT = 5; // host + 3 interfaces + 1 netns

function smallGraph(host: string): Graph {
  const g = new Graph({ host, origin: `agent.${host}` });
  const root = g.newNode({ Name: host, Type: 'host' });
  for (const name of ['lo', 'eth0', 'eth1']) {
    const n = g.newNode({ Name: name, Type: 'device', MTU: 1500 });
    g.newEdge(root.id, n.id, { RelationType: 'ownership' });
  }
  const ns = g.newNode({ Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1' });
  g.newEdge(root.id, ns.id, { RelationType: 'ownership' });
  return g;
}

describe('200 agents', SUITE, () => {
  it('all sync at once without a reconnect storm, and all resync after a restart', async (t) => {
    const first = await startTestAnalyzer(t, { logs: 'silent' });
    const logger = pino({ level: 'silent' });
    const uplinks = Array.from({ length: AGENTS }, (_, i) => {
      const hostID = `sim-${i}`;
      return new Uplink({
        graph: smallGraph(hostID),
        hostID,
        analyzers: [first.address],
        logger,
        tuning: { minDelayMs: 50, maxDelayMs: 1000 },
      });
    });
    t.after(() => Promise.all(uplinks.map((u) => u.close())));
    for (const u of uplinks) u.start();

    const origins = (g: Graph) => [...g.origins()].filter(([o]) => o.startsWith('agent.sim-'));
    await settle(() => assert.equal(origins(first.context.graph).length, AGENTS));
    for (const [, count] of origins(first.context.graph)) assert.equal(count, PER_AGENT);
    const attempts = uplinks.reduce((s, u) => s + u.totals.attempts, 0);
    assert.equal(attempts, AGENTS, 'one connection attempt per agent');
    assert.ok(uplinks.every((u) => u.totals.syncs === 1 && u.totals.resyncs === 0));

    await first.close();
    const second = await startTestAnalyzer(t, {
      logs: 'silent',
      overrides: { 'analyzer.listen': first.address },
    });
    await settle(() => assert.equal(origins(second.context.graph).length, AGENTS));
    for (const [, count] of origins(second.context.graph)) assert.equal(count, PER_AGENT);
    assert.ok(uplinks.every((u) => u.totals.syncs === 2 && u.totals.resyncs === 0));
    const status = (await second.client().status()) as { Agents: Record<string, unknown> };
    assert.equal(Object.keys(status.Agents).length, AGENTS);
  });
});
