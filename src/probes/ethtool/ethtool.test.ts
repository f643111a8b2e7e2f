// SPDX-License-Identifier: Apache-2.0
// The ethtool probe against batch outputs recorded on the project's VM: a veth, lo, a bridge, a
// tap and a vanished name in a test namespace (batch-netns-veth-bridge-tap.txt), and the host's
// virtio NIC (batch-host-virtio.txt). A fake runner replays them and counts the processes.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Graph, type Node } from '../../graph/index.js';
import { ProbeBundle } from '../bundle.js';
import {
  batchCommand,
  EthtoolEnricher,
  makeEthtoolProbe,
  parseBatch,
  type EthtoolInfo,
  type EthtoolRunner,
} from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const recorded = (f: string) => readFileSync(join(here, 'fixtures', f), 'utf8');
const NS_PATH = '/var/run/netns/sktest-et-rec';
const netnsBatch = parseBatch(recorded('batch-netns-veth-bridge-tap.txt'));
const hostBatch = parseBatch(recorded('batch-host-virtio.txt'));

/** Replays recordings; any other name in the namespace answers like the recorded veth. */
class FakeRunner implements EthtoolRunner {
  calls: { ns: string | undefined; names: string[] }[] = [];
  inflight = 0;
  maxInflight = 0;
  fail = false;

  async query(ns: string | undefined, names: readonly string[]) {
    this.calls.push({ ns, names: [...names] });
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    await new Promise((r) => setTimeout(r, 2));
    this.inflight--;
    if (this.fail) throw new Error('nsenter: cannot open /var/run/netns/x');
    const from = ns === undefined ? hostBatch : netnsBatch;
    const out = new Map<string, EthtoolInfo>();
    for (const n of names) {
      const info = from.get(n) ?? (n.startsWith('v') ? netnsBatch.get('skveth1') : undefined);
      if (info) out.set(n, info);
    }
    return out;
  }
}

function world() {
  const graph = new Graph({ host: 'h', origin: 'agent.h' });
  const root = graph.newNode({ Name: 'h', Type: 'host' });
  const ns = graph.newNode({
    Name: 'sktest-et-rec',
    Type: 'netns',
    Path: NS_PATH,
    Inode: 4026532300,
  });
  graph.newEdge(root.id, ns.id, { RelationType: 'ownership' });
  const intf = (owner: Node, Name: string, IfIndex: number, Type = 'veth') => {
    const n = graph.newNode({ Name, Type, IfIndex });
    graph.newEdge(owner.id, n.id, { RelationType: 'ownership' });
    return n;
  };
  return { graph, root, ns, intf };
}

/** Polls (bounded) until nothing is pending or running, twice in a row. */
const settle = async (e: EthtoolEnricher) => {
  let idle = 0;
  for (let i = 0; i < 2000 && idle < 2; i++) {
    await new Promise((r) => setTimeout(r, 2));
    idle = e.backlog === 0 ? idle + 1 : 0;
  }
  assert.equal(e.backlog, 0, 'backlog not drained');
};

describe('#parseBatch', () => {
  it('reads the recorded outputs, leaving out what failed or is unknown', () => {
    assert.deepEqual(Object.keys(netnsBatch.get('skveth1') ?? {}).sort(), [
      'Driver',
      'Features',
      'Speed',
    ]);
    assert.equal(netnsBatch.get('skveth1')?.Driver, 'veth');
    assert.equal(netnsBatch.get('skveth1')?.Speed, 10000);
    assert.equal(netnsBatch.get('skveth1')?.Features?.['rx-checksumming'], true);
    assert.equal(netnsBatch.get('skveth1')?.Features?.['tx-checksum-ipv4'], false);
    assert.equal(netnsBatch.get('lo')?.Driver, undefined, 'ethtool -i lo fails');
    assert.equal(netnsBatch.get('lo')?.Features?.['loopback'], true);
    assert.equal(netnsBatch.get('skbr0')?.Driver, 'bridge');
    assert.equal(netnsBatch.get('skbr0')?.BusInfo, undefined, 'N/A');
    assert.equal(netnsBatch.get('skbr0')?.Speed, undefined, 'Unknown!');
    assert.equal(netnsBatch.get('sktap0')?.BusInfo, 'tap');
    assert.equal(netnsBatch.has('skgone0'), false, 'every command failed');
    assert.deepEqual(hostBatch.get('eth0')?.Driver, 'virtio_net');
    assert.deepEqual(hostBatch.get('eth0')?.BusInfo, '0000:00:03.0');
  });

  it('#batchCommand enters the namespace only when it is not ours', () => {
    const o = { ethtoolPath: 'ethtool', nsenterPath: 'nsenter' };
    const [f, a] = batchCommand(o, NS_PATH, ['a', 'b$(x)']);
    assert.equal(f, 'nsenter');
    assert.equal(a[0], `--net=${NS_PATH}`);
    assert.deepEqual(a.slice(-3), ['ethtool', 'a', 'b$(x)'], 'names are arguments');
    assert.equal(batchCommand(o, undefined, ['a'])[0], 'sh');
  });
});

describe('EthtoolEnricher', () => {
  it('enriches interfaces in their namespace and on the host', async () => {
    const { graph, root, ns, intf } = world();
    const runner = new FakeRunner();
    const e = new EthtoolEnricher(graph, root, runner, { workers: 2, batch: 16 });
    const stop = e.watch();
    try {
      const veth = intf(ns, 'skveth1', 7);
      const br = intf(ns, 'skbr0', 8, 'bridge');
      const eth0 = intf(root, 'eth0', 2, 'device');
      await settle(e);
      assert.equal(veth.metadata['Driver'], 'veth');
      assert.equal(veth.metadata['Speed'], 10000);
      assert.equal((veth.metadata['Features'] as Record<string, boolean>)['rx-checksumming'], true);
      assert.equal(br.metadata['Driver'], 'bridge');
      assert.equal(br.metadata['Speed'], undefined);
      assert.equal(eth0.metadata['Driver'], 'virtio_net');
      assert.equal(eth0.metadata['BusInfo'], '0000:00:03.0');
      assert.deepEqual(runner.calls.map((c) => c.ns).sort(), [NS_PATH, undefined].sort());
    } finally {
      stop();
    }
  });

  it('waits for the ownership edge of an interface added before it', async () => {
    const { graph, root, ns } = world();
    const runner = new FakeRunner();
    const e = new EthtoolEnricher(graph, root, runner, { workers: 2, batch: 16 });
    const stop = e.watch();
    try {
      const veth = graph.newNode({ Name: 'skveth1', Type: 'veth', IfIndex: 7 });
      await settle(e);
      assert.equal(runner.calls.length, 0, 'namespace unknown yet');
      graph.newEdge(ns.id, veth.id, { RelationType: 'ownership' });
      await settle(e);
      assert.equal(veth.metadata['Driver'], 'veth');
    } finally {
      stop();
    }
  });

  it('turns a burst of 500 interfaces into a few batches, two at a time', async () => {
    const { graph, root, ns, intf } = world();
    const runner = new FakeRunner();
    const e = new EthtoolEnricher(graph, root, runner, { workers: 2, batch: 16 });
    const stop = e.watch();
    try {
      const nodes = Array.from({ length: 500 }, (_, i) => intf(ns, `v${i}`, 100 + i));
      await settle(e);
      assert.ok(nodes.every((n) => n.metadata['Driver'] === 'veth'));
      assert.equal(runner.calls.length, Math.ceil(500 / 16));
      assert.ok(runner.calls.every((c) => c.names.length <= 16));
      assert.equal(runner.maxInflight, 2);
    } finally {
      stop();
    }
  });

  it('answers a re-created interface from the cache, and asks again after a rename', async () => {
    const { graph, root, ns, intf } = world();
    const runner = new FakeRunner();
    const e = new EthtoolEnricher(graph, root, runner, { workers: 1, batch: 16 });
    const stop = e.watch();
    try {
      const a = intf(ns, 'skveth1', 7);
      await settle(e);
      graph.delNode(a.id);
      const b = intf(ns, 'skveth1', 7);
      await settle(e);
      assert.equal(b.metadata['Driver'], 'veth');
      assert.equal(runner.calls.length, 1);
      assert.equal(e.stats.cached, 1);
      graph.addMetadata(b, 'Name', 'vrenamed');
      await settle(e);
      assert.equal(runner.calls.length, 2);
      assert.deepEqual(runner.calls[1]?.names, ['vrenamed']);
    } finally {
      stop();
    }
  });

  it('reports a failed batch and retries on the next change', async () => {
    const { graph, root, ns, intf } = world();
    const runner = new FakeRunner();
    runner.fail = true;
    const errors: unknown[] = [];
    const e = new EthtoolEnricher(graph, root, runner, {
      workers: 1,
      batch: 16,
      onError: (err) => errors.push(err),
    });
    const stop = e.watch();
    try {
      const veth = intf(ns, 'skveth1', 7);
      await settle(e);
      assert.equal(errors.length, 1);
      assert.equal(veth.metadata['Driver'], undefined);
      runner.fail = false;
      graph.addMetadata(veth, 'State', 'UP');
      await settle(e);
      assert.equal(veth.metadata['Driver'], 'veth');
    } finally {
      stop();
    }
  });
});

describe('ethtoolProbe', () => {
  it('enriches interfaces present before it starts and those added later', async () => {
    const { graph, root, ns, intf } = world();
    const early = intf(ns, 'skveth1', 7);
    const runner = new FakeRunner();
    const bundle = await ProbeBundle.start([makeEthtoolProbe(() => runner) as never], ['ethtool'], {
      graph,
      root,
      hostID: 'h',
      logger: pino({ level: 'silent' }),
    });
    try {
      const late = intf(root, 'eth0', 2, 'device');
      for (let i = 0; i < 400 && !(early.metadata['Driver'] && late.metadata['Driver']); i++)
        await new Promise((r) => setTimeout(r, 5));
      assert.equal(early.metadata['Driver'], 'veth');
      assert.equal(late.metadata['Driver'], 'virtio_net');
      assert.equal(bundle.status()['ethtool']?.['Interfaces'], 2);
    } finally {
      await bundle.stop();
    }
  });
});
