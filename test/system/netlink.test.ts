// SPDX-License-Identifier: Apache-2.0
// System tests of the netlink probe with the netns probe (root): real veth, bridge, vxlan,
// macvlan and tun/tap devices in namespaces each test creates, checked in the graph the probes
// write; changes, moves, deletions, restarts and a deleted namespace.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Node } from '../../src/graph/index.js';
import { Scratch, View, isRoot, sh, startProbes, waitFor } from './helpers/netns.js';

const ifindex = (ns: string, dev: string) =>
  (JSON.parse(sh(`ip -n ${ns} -j link show dev ${dev}`)) as Array<{ ifindex: number }>)[0]!.ifindex;

/** Creates scratch + probes, and their teardown, before the test creates anything. */
async function setup(t: { after: (fn: () => Promise<void>) => void }, opts = {}) {
  const s = new Scratch();
  const started: { p?: Awaited<ReturnType<typeof startProbes>> } = {};
  t.after(async () => {
    await started.p?.stop();
    s.cleanup();
    s.assertClean();
  });
  const p = (started.p = await startProbes(opts));
  return { s, p, v: new View(p.graph) };
}

describe('netlink probe (system)', { skip: !isRoot && 'needs root' }, () => {
  it('links a veth pair across two namespaces, each end owned by its netns', async (t) => {
    const { s, v } = await setup(t);
    const a = s.netns('a');
    const b = s.netns('b');
    sh(`ip -n ${a} link add va type veth peer name vb netns ${b}`);
    let va: Node | undefined;
    let vb: Node | undefined;
    await waitFor(() => {
      va = v.iface(v.netns(a), 'va');
      vb = v.iface(v.netns(b), 'vb');
      return v.layer2(va, vb) !== undefined;
    }, 'veth edge across namespaces');
    assert.equal(v.owner(va!), v.netns(a));
    assert.equal(v.owner(vb!), v.netns(b));
    assert.equal(va!.metadata['Type'], 'veth');
    assert.equal(va!.metadata['Driver'], 'veth');
    assert.equal(va!.metadata['IfIndex'], ifindex(a, 'va'));
    assert.equal(va!.metadata['PeerIfIndex'], ifindex(b, 'vb'));
    assert.equal(vb!.metadata['PeerIfIndex'], ifindex(a, 'va'));
    assert.equal(typeof va!.metadata['LinkNetNsID'], 'number');
    await waitFor(() => va!.metadata['LinkNetNsName'] === b, 'LinkNetNsName');
    assert.deepEqual(v.layer2(va, vb)!.metadata, { RelationType: 'layer2', Type: 'veth' });
  });

  it('shows a bridge with two ports, vxlan and macvlan over their parent, tun and tap', async (t) => {
    const { s, v } = await setup(t);
    const ns = s.netns('c');
    sh(
      [
        `ip -n ${ns} link add br0 type bridge`,
        `ip -n ${ns} link add p0 type veth peer name p0x`,
        `ip -n ${ns} link add p1 type veth peer name p1x`,
        `ip -n ${ns} link set p0 master br0`,
        `ip -n ${ns} link set p1 master br0`,
        `ip -n ${ns} link add vx0 type vxlan id 42 dstport 4789 remote 10.9.9.9 local 10.1.0.1 dev p0x`,
        `ip -n ${ns} link add mv0 link p1x type macvlan mode bridge`,
        `ip netns exec ${ns} ip tuntap add dev tn0 mode tun`,
        `ip netns exec ${ns} ip tuntap add dev tp0 mode tap`,
      ].join(' && '),
    );
    const owner = () => v.netns(ns);
    const i = (n: string) => v.iface(owner(), n);
    await waitFor(
      () =>
        ['br0', 'p0', 'p1', 'vx0', 'mv0', 'tn0', 'tp0'].every((n) => i(n)) &&
        v.layer2(i('br0'), i('p1')) !== undefined &&
        v.layer2(i('p1x'), i('mv0')) !== undefined,
      'devices and their edges',
    );
    assert.equal(i('br0')!.metadata['Type'], 'bridge');
    for (const port of ['p0', 'p1']) {
      const e = v.layer2(i('br0'), i(port))!;
      assert.equal(e.parent, i('br0')!.id);
      assert.equal(i(port)!.metadata['MasterIndex'], ifindex(ns, 'br0'));
      assert.equal(v.owner(i(port)!), owner(), 'ports stay owned by their namespace');
    }
    const vx = i('vx0')!;
    assert.equal(vx.metadata['Type'], 'vxlan');
    assert.equal(vx.metadata['VNI'], 42);
    assert.equal(vx.metadata['RemoteIP'], '10.9.9.9');
    assert.equal(vx.metadata['LocalIP'], '10.1.0.1');
    assert.equal(vx.metadata['DstPort'], 4789);
    assert.deepEqual(v.layer2(i('p0x'), vx)!.metadata, { RelationType: 'layer2', Type: 'vxlan' });
    assert.equal(v.layer2(i('p0x'), vx)!.parent, i('p0x')!.id);
    assert.equal(i('mv0')!.metadata['Type'], 'macvlan');
    assert.equal(i('mv0')!.metadata['ParentIndex'], ifindex(ns, 'p1x'));
    assert.equal(i('tn0')!.metadata['Type'], 'tun');
    assert.equal(i('tp0')!.metadata['Type'], 'tap');
    assert.equal(i('tp0')!.metadata['Driver'], 'tun');
  });

  it('fills addresses, routes, neighbours and FDB', async (t) => {
    const { s, v } = await setup(t);
    const ns = s.netns('d');
    sh(
      [
        `ip -n ${ns} link add v0 type veth peer name v1`,
        `ip -n ${ns} link add br0 type bridge`,
        `ip -n ${ns} link set v1 master br0`,
        `ip -n ${ns} link set v0 up`,
        `ip -n ${ns} link set v1 up`,
        `ip -n ${ns} addr add 10.1.0.1/24 dev v0`,
        `ip -n ${ns} addr add fd00::1/64 dev v0 nodad`,
        `ip -n ${ns} route add 10.2.0.0/16 via 10.1.0.254 metric 7`,
        `ip -n ${ns} neigh add 10.1.0.254 lladdr 02:00:00:00:00:fe dev v0 nud permanent`,
        `bridge -n ${ns} fdb add 02:00:00:00:00:aa dev v1 master static`,
      ].join(' && '),
    );
    const i = (n: string) => v.iface(v.netns(ns), n);
    type Table = {
      ID: number;
      Routes: Array<{ Prefix: string; NextHops: Array<Record<string, unknown>> }>;
    };
    const route = () =>
      (i('v0')?.metadata['RoutingTables'] as Table[] | undefined)
        ?.find((t) => t.ID === 254)
        ?.Routes.find((r) => r.Prefix === '10.2.0.0/16');
    const neigh = () =>
      (i('v0')?.metadata['Neighbors'] as Array<Record<string, unknown>> | undefined)?.find(
        (n) => n['IP'] === '10.1.0.254',
      );
    const fdb = () =>
      (i('v1')?.metadata['FDB'] as Array<Record<string, unknown>> | undefined)?.find(
        (n) => n['MAC'] === '02:00:00:00:00:aa',
      );
    await waitFor(() => !!(route() && neigh() && fdb()), 'route, neighbour and FDB entry');
    const v0 = i('v0')!;
    assert.deepEqual(v0.metadata['IPV4'], ['10.1.0.1/24']);
    assert.ok((v0.metadata['IPV6'] as string[]).includes('fd00::1/64'));
    assert.deepEqual(route()!.NextHops, [
      { Priority: 7, IP: '10.1.0.254', IfIndex: ifindex(ns, 'v0') },
    ]);
    assert.deepEqual(neigh(), {
      MAC: '02:00:00:00:00:fe',
      IP: '10.1.0.254',
      State: ['NUD_PERMANENT'],
      IfIndex: ifindex(ns, 'v0'),
    });
    assert.equal(fdb()!['IfIndex'], ifindex(ns, 'v1'));
    sh(`ip -n ${ns} addr del 10.1.0.1/24 dev v0`);
    await waitFor(() => v0.metadata['IPV4'] === undefined, 'address removed');
    await waitFor(() => route() === undefined, 'route gone with its gateway subnet');
  });

  it('follows state, MTU, rename, move to another namespace and deletion', async (t) => {
    const { s, v } = await setup(t);
    const a = s.netns('e');
    const b = s.netns('f');
    sh(`ip -n ${a} link add m0 type veth peer name m1`);
    const inA = (n: string) => v.iface(v.netns(a), n);
    await waitFor(() => inA('m0') !== undefined && inA('m1') !== undefined, 'veth pair');
    const m0 = inA('m0')!;
    sh(`ip -n ${a} link set m1 up && ip -n ${a} link set m0 up`);
    await waitFor(() => m0.metadata['State'] === 'UP', 'State UP');
    assert.ok((m0.metadata['LinkFlags'] as string[]).includes('UP'));
    sh(`ip -n ${a} link set m0 down`);
    await waitFor(() => m0.metadata['State'] === 'DOWN', 'State DOWN');
    sh(`ip -n ${a} link set m0 mtu 1400`);
    await waitFor(() => m0.metadata['MTU'] === 1400, 'MTU 1400');
    const tid = m0.metadata['TID'];
    sh(`ip -n ${a} link set m0 name m0r`);
    await waitFor(() => m0.metadata['Name'] === 'm0r', 'rename');
    assert.notEqual(m0.metadata['TID'], tid);
    sh(`ip -n ${a} link set m0r netns ${b}`);
    await waitFor(
      () => v.iface(v.netns(b), 'm0r') !== undefined && inA('m0r') === undefined,
      'move',
    );
    const moved = v.iface(v.netns(b), 'm0r')!;
    assert.equal(v.owner(moved), v.netns(b));
    await waitFor(() => v.layer2(moved, inA('m1')) !== undefined, 'veth edge after the move');
    await waitFor(() => inA('m1')!.metadata['LinkNetNsName'] === b, 'peer sees the new namespace');
    sh(`ip -n ${b} link del m0r`);
    await waitFor(
      () => v.iface(v.netns(b), 'm0r') === undefined && inA('m1') === undefined,
      'both ends deleted',
    );
  });

  it('gives the same TIDs after a restart, and drops a deleted namespace with its interfaces', async (t) => {
    const s = new Scratch();
    const runs: Array<Awaited<ReturnType<typeof startProbes>>> = [];
    t.after(async () => {
      for (const r of runs) await r.stop();
      s.cleanup();
      s.assertClean();
    });
    const ns = s.netns('g');
    sh(`ip -n ${ns} link add r0 type veth peer name r1 && ip -n ${ns} link add br0 type bridge`);
    const tids = async () => {
      const p = await startProbes();
      runs.push(p);
      const v = new View(p.graph);
      await waitFor(() => v.ifaces(v.netns(ns)).length === 4, 'four interfaces');
      return {
        p,
        v,
        tids: v
          .ifaces(v.netns(ns))
          .map((n) => `${String(n.metadata['Name'])} ${String(n.metadata['TID'])}`)
          .sort(),
      };
    };
    const first = await tids();
    await first.p.stop();
    const second = await tids();
    assert.deepEqual(second.tids, first.tids);
    const { p, v } = second;
    const nsNode = v.netns(ns)!;
    const ifaces = v.ifaces(nsNode);
    sh(`ip netns del ${ns}`);
    await waitFor(() => p.graph.getNode(nsNode.id) === undefined, 'netns node removed');
    for (const n of ifaces) assert.equal(p.graph.getNode(n.id), undefined);
  });

  it('links a host interface to its peer in a namespace, and reports counters', async (t) => {
    const { s, p, v } = await setup(t, { netlink: { metrics_update: 1 } });
    const ns = s.netns('h');
    const host = s.hostLink(s.name('h'));
    sh(`ip link add ${host} type veth peer name hp netns ${ns}`);
    sh(
      `ip link set ${host} up && ip -n ${ns} link set hp up && ip -n ${ns} addr add 10.7.0.2/24 dev hp`,
    );
    sh(`ip addr add 10.7.0.1/24 dev ${host}`);
    await waitFor(
      () => v.layer2(v.iface(p.root, host), v.iface(v.netns(ns), 'hp')) !== undefined,
      'host ↔ netns veth',
    );
    const hp = v.iface(v.netns(ns), 'hp')!;
    // Packets keep going out while we wait: LastUpdateMetric needs a change between two rounds.
    await waitFor(() => {
      sh(`ip netns exec ${ns} bash -c 'echo x > /dev/udp/10.7.0.1/9'`);
      const m = hp.metadata['LastUpdateMetric'] as Record<string, number> | undefined;
      return !!m && (m['TxPackets'] ?? 0) > 0 && m['Start']! < m['Last']!;
    }, 'LastUpdateMetric with the packets sent');
    assert.ok(((hp.metadata['Metric'] as Record<string, number>)['TxBytes'] ?? 0) > 0);
    assert.ok(Number(p.status()['MetricRounds']) > 0);
  });

  it('keeps running through namespaces that come and go while they are read', async (t) => {
    const { s, p, v } = await setup(t);
    const names = Array.from({ length: 20 }, (_, k) => s.netns(`k${k}`));
    sh(
      names
        .map((n) => `ip -n ${n} link add c0 type veth peer name c1 && ip netns del ${n}`)
        .join(' && '),
    );
    // Interleaved with probe reads: some are gone before their first dump, some during it.
    for (let k = 0; k < 20; k++) {
      const n = s.netns(`q${k}`);
      sh(`ip -n ${n} link add c0 type veth peer name c1`);
      await new Promise((r) => setTimeout(r, k % 5));
      sh(`ip netns del ${n}`);
    }
    const ours = () =>
      [...p.graph.nodes()].filter((n) => String(n.metadata['Name']).startsWith(s.name()));
    await waitFor(() => ours().length === 0, 'every scratch namespace gone from the graph');
    assert.equal(p.bundle.status()['netlink']!.State, 'running');
    assert.equal(p.bundle.status()['netlink']!.Restarts, 0);
    assert.equal(p.status()['Errors'], 0, String(p.status()['LastError']));
    assert.equal(v.netns(names[0]!), undefined);
  });

  const burst = Array.from({ length: 150 }, (_, k) => `link add e${k} type veth peer name f${k}`);
  const runBurst = (ns: string) =>
    sh(`printf '%s\\n' ${burst.map((l) => `'${l}'`).join(' ')} | ip -n ${ns} -batch -`);

  it('resyncs a namespace whose event socket overflowed', async (t) => {
    // A tiny event buffer, and the event loop blocked (execFileSync) while 300 links appear: the
    // socket overflows, the probe sees the drops, reopens it and dumps again.
    const { s, p, v } = await setup(t, { netlink: { event_buffer_size: 4096 } });
    const ns = s.netns('i');
    await waitFor(() => v.iface(v.netns(ns), 'lo') !== undefined, 'namespace loaded');
    runBurst(ns);
    await waitFor(() => Number(p.status()['Resyncs']) > 0, 'a resync');
    await waitFor(() => v.ifaces(v.netns(ns)).length === 301, 'all 300 veth ends and lo');
    assert.equal(p.status()['Errors'], 0, String(p.status()['LastError']));
  });

  it('applies a burst of events in batches', async (t) => {
    const { s, p, v } = await setup(t);
    const ns = s.netns('j');
    await waitFor(() => v.iface(v.netns(ns), 'lo') !== undefined, 'namespace loaded');
    const before = p.status();
    runBurst(ns);
    await waitFor(() => v.ifaces(v.netns(ns)).length === 301, 'burst applied');
    const events = Number(p.status()['Events']) - Number(before['Events']);
    const batches = Number(p.status()['Batches']) - Number(before['Batches']);
    assert.equal(p.status()['Resyncs'], 0);
    assert.ok(events >= 300, `events ${events}`);
    assert.ok(batches < events / 4, `${batches} batches for ${events} events`);
  });
});
