// SPDX-License-Identifier: Apache-2.0
// Live captures end to end (root): a real analyzer and agent (netns + netlink probes) in this
// process, veth pairs between sktest namespaces, captures created through the API; ping traffic
// becomes ICMPv4 flows with packets both ways, queried with Flows(). A capture created before its
// interface exists starts once the interface appears.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fakeProbe, settle, startTestAgent, SUITE } from '../integration/agent-kit.js';
import { startTestAnalyzer, suiteTeardown, type TestAnalyzer } from '../integration/helpers.js';
import { netnsProbe } from '../../src/probes/netns/index.js';
import { netlinkProbe } from '../../src/probes/netlink/index.js';
import type { Probe } from '../../src/probes/sdk.js';
import { readCapture } from '../../src/flow/pcap/index.js';
import { Scratch, isRoot } from './helpers/netns.js';

const exec = promisify(execFile);
const teardown = suiteTeardown();
const scratch = new Scratch();
let an: TestAnalyzer;

interface FlowJSON {
  Application?: string;
  NodeTID?: string;
  CaptureID?: string;
  Network?: { A: string; B: string };
  Metric?: { ABPackets: number; BAPackets: number };
}

/** Two namespaces joined by a veth pair with addresses; returns the names and addresses. */
async function ping(ns: string, ip: string): Promise<void> {
  await exec('ip', ['netns', 'exec', ns, 'ping', '-c', '3', '-i', '0.2', '-W', '1', ip]);
}

/** The ICMPv4 flows Flows() gives on the interface named `name`. */
async function icmpFlows(name: string): Promise<FlowJSON[]> {
  const flows = (await an
    .client()
    .query(`G.V().Has('Name', '${name}').Flows().Has('Application', 'ICMPv4')`)) as FlowJSON[];
  return flows;
}

/** The Captures entries of the analyzer's node named `name`. */
function capturesOf(name: string): { ID: string; State: string; PacketsDropped?: number }[] {
  const node = [...an.context.graph.nodes()].find((n) => n.metadata.Name === name);
  return (node?.metadata.Captures ?? []) as {
    ID: string;
    State: string;
    PacketsDropped?: number;
  }[];
}

async function activeOn(name: string, captureID: string): Promise<void> {
  await settle(() => {
    const caps = capturesOf(name);
    const c = caps.find((x) => x.ID === captureID);
    assert.equal(c?.State, 'active', `capture active on ${name}: ${JSON.stringify(caps)}`);
  });
}

/** Packets the capture on `name` reported dropped (the node's Captures entry). */
function capturedDrops(name: string, captureID: string): number {
  return capturesOf(name).find((x) => x.ID === captureID)?.PacketsDropped ?? 0;
}

describe('live captures in namespaces', { ...SUITE, skip: !isRoot && 'needs root' }, () => {
  before(async () => {
    an = await startTestAnalyzer(teardown, { logs: 'silent' });
    await startTestAgent(teardown, {
      hostId: `sktest-fl-${scratch.id}`,
      analyzers: [an.address],
      probes: [netnsProbe as Probe<never>, netlinkProbe as Probe<never>, fakeProbe('hardware')],
      // flow.update stays 60 s: live Flows() asks the agents' tables (Flow/TableQuery).
    });
  });
  after(() => {
    scratch.cleanup();
    scratch.assertClean();
  });

  it('ping across a captured veth gives an ICMPv4 flow with packets both ways', async () => {
    const { nsA, ifA, ipB } = scratch.addressedPair('p', 'q', 201);
    const capture = (await an.client().create('capture', {
      GremlinQuery: `G.V().Has('Name', '${ifA}')`,
      RawPacketLimit: 10,
    })) as { UUID: string };
    await activeOn(ifA, capture.UUID);
    await ping(nsA, ipB);
    const flows = await settle(async () => {
      const f = await icmpFlows(ifA);
      assert.equal(f.length, 1, `one ICMPv4 flow: ${JSON.stringify(f)}`);
      assert.ok((f[0]!.Metric?.ABPackets ?? 0) >= 3, 'echo requests counted');
      assert.ok((f[0]!.Metric?.BAPackets ?? 0) >= 3, 'echo replies counted');
      return f;
    });
    assert.equal(flows[0]!.CaptureID, capture.UUID);
    assert.deepEqual([flows[0]!.Network?.A, flows[0]!.Network?.B].sort(), ['10.201.0.1', ipB]);

    // Raw packets: kept by the capture (RawPacketLimit), filtered with BPF, served as a pcap.
    const q = `G.V().Has('Name', '${ifA}').Flows().Has('Application', 'ICMPv4').RawPackets()`;
    const raw = (await an.client().query(q)) as Record<string, { Data: string }[]>[];
    const packets = Object.values(raw[0] ?? {}).flat();
    assert.ok(packets.length >= 6, `raw packets kept: ${packets.length}`);
    const replies = await an.client().query(`${q}.BPF('icmp[icmptype] == icmp-echoreply').Count()`);
    assert.equal(replies, packets.length / 2, 'half of them are echo replies');
    const pcap = await an.client().query(q, { accept: 'pcap' });
    const read = readCapture(new Uint8Array(pcap));
    assert.equal(read.stats.packets, packets.length, 'the pcap holds every raw packet');
    await an.client().delete('capture', capture.UUID);
  });

  it('a pcap capture with a BPF filter sees only the iperf3 TCP traffic', async () => {
    const { nsA, ifA, ipB } = scratch.addressedPair('t', 'u', 203);
    const nsB = scratch.name('un');
    const capture = (await an.client().create('capture', {
      GremlinQuery: `G.V().Has('Name', '${ifA}')`,
      Type: 'pcap',
      BPFFilter: 'tcp port 5201',
      ExtraTCPMetric: true,
    })) as { UUID: string };
    await activeOn(ifA, capture.UUID);
    const server = scratch.spawn('ip', ['netns', 'exec', nsB, 'iperf3', '-s', '-1', '-B', ipB]);
    try {
      await settle(async () => {
        await exec('ip', ['netns', 'exec', nsA, 'iperf3', '-c', ipB, '-n', '2M']);
      });
      await ping(nsA, ipB);
      const flows = await settle(async () => {
        const f = (await an
          .client()
          .query(`G.V().Has('Name', '${ifA}').Flows().Has('Transport.B', 5201)`)) as {
          Metric: { ABBytes: number };
          TCPMetric?: { ABSynStart: number };
        }[];
        assert.ok(f.length >= 1, 'iperf3 flows');
        // Every byte is counted, or what the kernel dropped under load is (never a silent loss).
        const dropped = capturedDrops(ifA, capture.UUID);
        assert.ok(
          f.some((x) => x.Metric.ABBytes > 2_000_000) || dropped > 0,
          `2 MB counted: ${JSON.stringify(f.map((x) => x.Metric))}, ${dropped} packets dropped`,
        );
        return f;
      });
      assert.ok(
        flows.some((x) => (x.TCPMetric?.ABSynStart ?? 0) > 0),
        'extra TCP metric',
      );
      assert.equal(await icmpFlows(ifA).then((f) => f.length), 0, 'BPF kept ICMP out');
    } finally {
      server.kill('SIGKILL');
    }
    await an.client().delete('capture', capture.UUID);
  });

  it('a capture created before its interface starts once the interface appears', async () => {
    const ifName = scratch.name('r');
    const capture = (await an.client().create('capture', {
      GremlinQuery: `G.V().Has('Name', '${ifName}')`,
      BPFFilter: 'icmp',
    })) as { UUID: string };
    const { nsA, ipB } = scratch.addressedPair('r', 's', 202);
    await activeOn(ifName, capture.UUID);
    await ping(nsA, ipB);
    await settle(async () => {
      const f = await icmpFlows(ifName);
      assert.equal(f.length, 1, `one ICMPv4 flow: ${JSON.stringify(f)}`);
      assert.ok((f[0]!.Metric?.BAPackets ?? 0) >= 3, 'replies counted');
    });
    await an.client().delete('capture', capture.UUID);
  });
});
