// SPDX-License-Identifier: Apache-2.0
// Live Flows() push-down with real captures (root): a real analyzer and agent (netns + netlink
// probes), two captured veths in sktest namespaces with ping traffic on both; asking one
// interface's flows makes the agent read and send only that interface's table, as its table-query
// counters show, and the answer (raw packets included) is still complete.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  fakeProbe,
  settle,
  startTestAgent,
  SUITE,
  type TestAgent,
} from '../integration/agent-kit.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from '../integration/helpers.js';
import { netnsProbe } from '../../src/probes/netns/index.js';
import { netlinkProbe } from '../../src/probes/netlink/index.js';
import type { Probe } from '../../src/probes/sdk.js';
import { Scratch, isRoot } from './helpers/netns.js';

const exec = promisify(execFile);
const teardown = suiteTeardown();
const scratch = new Scratch();
let an: TestAnalyzer;
let agent: TestAgent;

const ping = (ns: string, ip: string) =>
  exec('ip', ['netns', 'exec', ns, 'ping', '-c', '3', '-i', '0.2', '-W', '1', ip]);

describe(
  'live Flows() push-down on real captures',
  { ...SUITE, skip: !isRoot && 'needs root' },
  () => {
    before(async () => {
      an = await startTestAnalyzer(teardown, { logs: 'silent' });
      agent = await startTestAgent(teardown, {
        hostId: `sktest-pd-${scratch.id}`,
        analyzers: [an.address],
        probes: [netnsProbe as Probe<never>, netlinkProbe as Probe<never>, fakeProbe('hardware')],
      });
    });
    after(() => {
      scratch.cleanup();
      scratch.assertClean();
    });

    it('one interface’s flows come from its table alone', async () => {
      const one = scratch.addressedPair('v', 'w', 211);
      const two = scratch.addressedPair('x', 'y', 212);
      const capture = (await an.client().create('capture', {
        GremlinQuery: `G.V().Has('Name', WITHIN('${one.ifA}', '${two.ifA}'))`,
        RawPacketLimit: 10,
      })) as { UUID: string };
      await settle(() =>
        assert.equal(agent.captures.manager.list().length, 2, 'both captures running'),
      );
      await Promise.all([ping(one.nsA, one.ipB), ping(two.nsA, two.ipB)]);
      const client = an.client();
      const total = await settle(async () => {
        const n = (await client.query("G.Flows().Has('Application', 'ICMPv4').Count()")) as number;
        assert.equal(n, 2, 'one ICMPv4 flow per interface');
        return agent.captures.manager.queryFlows(undefined).flows.length;
      });
      assert.ok(total >= 2, `${total} table flows`);

      const before = agent.captures.tableQueryStats();
      const flows = (await client.query(`G.V().Has('Name', '${one.ifA}').Flows()`)) as {
        NodeTID: string;
        Network?: { A: string };
      }[];
      const after = agent.captures.tableQueryStats();
      const node = [...an.context.graph.nodes()].find((n) => n.metadata.Name === one.ifA)!;
      assert.ok(flows.length >= 1);
      assert.ok(
        flows.every((f) => f.NodeTID === node.metadata.TID),
        'that node’s flows only',
      );
      assert.ok(flows.some((f) => f.Network?.A === '10.211.0.1'));
      assert.equal(after.queries - before.queries, 1);
      assert.equal(after.flowsSent - before.flowsSent, flows.length, 'only those crossed the wire');
      assert.equal(after.capturesSkipped - before.capturesSkipped, 1, 'the other table unread');

      // The capture thread may still be handing over the last replies: wait for all six.
      await settle(async () => {
        const raw = (await client.query(
          `G.V().Has('Name', '${two.ifA}').Flows().Has('Application', 'ICMPv4').RawPackets()`,
        )) as Record<string, unknown[]>[];
        const n = Object.values(raw[0] ?? {}).flat().length;
        assert.ok(n >= 6, `raw packets of the matching flow: ${n}`);
      });
      await client.delete('capture', capture.UUID);
    });
  },
);
