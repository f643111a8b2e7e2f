// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Graph, linkID, uuidV5, type Node, type PartialOp } from '../../graph/index.js';
import type { LinkMsg } from './link-msg.js';
import { NsState } from './ns-state.js';
import { STAT_FIELDS, type LinkStats } from './stats.js';
import { LinkTopology, type NsView } from './topology.js';

const link = (l: Partial<LinkMsg> & { index: number; name: string }): LinkMsg => ({
  family: 0,
  arphrd: 1,
  flags: 0x1003,
  mtu: 1500,
  operstate: 6,
  ...l,
});

class View implements NsView {
  readonly state = new NsState();
  readonly nsids = new Map<number, string>();
  constructor(
    readonly key: string,
    readonly owner: Node,
  ) {}
  ownerTID() {
    return String(this.owner.metadata['TID']);
  }
  namespaceOf(nsid: number) {
    return this.nsids.get(nsid);
  }
  netnsName(nsid: number) {
    return this.nsids.has(nsid) ? 'peer-ns' : undefined;
  }
  set(l: LinkMsg) {
    this.state.apply({ kind: 'link', del: false, msg: l });
  }
  del(index: number) {
    const l = this.state.links.get(index)!;
    this.state.apply({ kind: 'link', del: true, msg: l });
  }
}

function world() {
  const graph = new Graph({ host: 'h', origin: 'agent.h' });
  const host = graph.newNode({ Name: 'h', Type: 'host', TID: 'host-tid' });
  const nsNode = graph.newNode({ Name: 'b', Type: 'netns', Path: '/run/netns/b', TID: 'ns-tid' });
  const a = new View('A', host);
  const b = new View('B', nsNode);
  const all = new Map<string, View>([
    ['A', a],
    ['B', b],
  ]);
  const topo = new LinkTopology(graph, () => 1000);
  const byName = (name: string) => [...graph.nodes()].find((n) => n.metadata['Name'] === name);
  const layer2 = () =>
    [...graph.edges()]
      .filter((e) => e.metadata['RelationType'] === 'layer2')
      .map(
        (e) =>
          `${String(graph.getNode(e.parent)!.metadata['Name'])}>${String(graph.getNode(e.child)!.metadata['Name'])}`,
      )
      .sort();
  return { graph, host, nsNode, a, b, all, topo, byName, layer2 };
}

describe('LinkTopology', () => {
  it('#flush creates interface nodes owned by their namespace node, with TIDs', () => {
    const { graph, host, nsNode, a, b, all, topo, byName } = world();
    a.set(link({ index: 1, name: 'eth0' }));
    b.set(link({ index: 1, name: 'eth0' }));
    topo.flush(a, all);
    topo.flush(b, all);
    const [e1, e2] = [...graph.nodes()].filter((n) => n.metadata['Name'] === 'eth0');
    assert.ok(e1 && e2);
    assert.equal(e1.metadata['TID'], uuidV5('host-tid' + 'eth0' + 'device'));
    assert.equal(e2.metadata['TID'], uuidV5('ns-tid' + 'eth0' + 'device'));
    assert.ok(graph.getEdge(linkID(host.id, e1.id, 'ownership')));
    assert.ok(graph.getEdge(linkID(nsNode.id, e2.id, 'ownership')));
    assert.equal(topo.node('B', 1), e2);
    assert.equal(byName('eth0'), e1);
    assert.equal(topo.size, 2);
  });

  it('links veth peers across namespaces once, whichever end resolves its peer', () => {
    const { graph, a, b, all, topo, byName, layer2 } = world();
    a.set(link({ index: 2, name: 'va', kind: 'veth', link: 5, linkNetnsid: 0 }));
    topo.flush(a, all); // A does not know nsid 0 yet
    assert.deepEqual(layer2(), []);
    b.nsids.set(3, 'A');
    b.set(link({ index: 5, name: 'vb', kind: 'veth', link: 2, linkNetnsid: 3 }));
    topo.flush(b, all);
    assert.deepEqual(layer2(), ['vb>va']);
    const e = [...graph.edges()].find((x) => x.metadata['RelationType'] === 'layer2')!;
    assert.deepEqual(e.metadata, { RelationType: 'layer2', Type: 'veth' });
    assert.equal(e.id, linkID(byName('vb')!.id, byName('va')!.id, 'layer2'));
    // A learns the id: both ends ask for the same edge.
    a.nsids.set(0, 'B');
    a.state.dirty.add(2);
    topo.flush(a, all);
    assert.deepEqual(layer2(), ['vb>va']);
    assert.equal(byName('va')!.metadata['LinkNetNsName'], 'peer-ns');
    // B's end goes; the edge goes with its node, A's end stays.
    b.del(5);
    topo.flush(b, all);
    assert.deepEqual(layer2(), []);
    assert.ok(byName('va'));
    assert.equal(byName('vb'), undefined);
  });

  it('links a bridge to a port that came first, and a lower device to a macvlan', () => {
    const { a, all, topo, layer2 } = world();
    a.set(link({ index: 6, name: 'p0', kind: 'veth', link: 7, master: 4 }));
    topo.flush(a, all);
    assert.deepEqual(layer2(), []);
    a.set(link({ index: 4, name: 'br0', kind: 'bridge' }));
    a.set(link({ index: 7, name: 'p1', kind: 'veth', link: 6 }));
    a.set(link({ index: 8, name: 'mv0', kind: 'macvlan', link: 6 }));
    topo.flush(a, all);
    assert.deepEqual(layer2(), ['br0>p0', 'p0>mv0', 'p1>p0']);
    a.set(link({ index: 6, name: 'p0', kind: 'veth', link: 7 }));
    topo.flush(a, all);
    assert.deepEqual(layer2(), ['p0>mv0', 'p1>p0']);
  });

  it('updates only what changed, keeps keys other probes own, renames with a new TID', () => {
    const { graph, a, all, topo, byName } = world();
    a.set(link({ index: 3, name: 'eth1', master: 9 }));
    topo.flush(a, all);
    const n = byName('eth1')!;
    graph.addMetadata(n, 'Speed', 10000);
    const seen: PartialOp[][] = [];
    graph.on('nodeUpdated', (_n, ops) => seen.push([...ops]));
    a.set(link({ index: 3, name: 'eth1', master: 9, mtu: 9000 }));
    topo.flush(a, all);
    a.set(link({ index: 3, name: 'eth1', master: 9, mtu: 9000 }));
    topo.flush(a, all);
    a.set(link({ index: 3, name: 'wan0', mtu: 9000 }));
    topo.flush(a, all);
    assert.deepEqual(seen, [
      [{ Type: 1, Key: 'MTU', Value: 9000 }],
      [
        { Type: 1, Key: 'Name', Value: 'wan0' },
        { Type: 1, Key: 'TID', Value: uuidV5('host-tid' + 'wan0' + 'device') },
        { Type: 2, Key: 'MasterIndex' },
      ],
    ]);
    assert.equal(n.metadata['Speed'], 10000);
  });

  it('#removeNamespace drops its interfaces and the edges to them', () => {
    const { graph, a, b, all, topo, layer2 } = world();
    a.nsids.set(0, 'B');
    a.set(link({ index: 2, name: 'va', kind: 'veth', link: 5, linkNetnsid: 0 }));
    b.set(link({ index: 5, name: 'vb', kind: 'veth', link: 2, linkNetnsid: 3 }));
    topo.flush(b, all);
    topo.flush(a, all);
    assert.deepEqual(layer2(), ['vb>va']);
    all.delete('B');
    topo.removeNamespace('B', all);
    assert.deepEqual(layer2(), []);
    assert.equal(topo.size, 1);
    topo.clear();
    assert.equal(graph.nodeCount, 2);
  });

  it('#updateMetrics writes totals, then deltas, and nothing for idle interfaces', () => {
    const { a, all, topo, byName } = world();
    const st = (rx: number): LinkStats => {
      const s = {} as LinkStats;
      for (const f of STAT_FIELDS) s[f] = 0;
      s.RxBytes = rx;
      return s;
    };
    a.set(link({ index: 1, name: 'lo', stats: st(10) }));
    topo.flush(a, all);
    const n = byName('lo')!;
    assert.deepEqual(n.metadata['Metric'], { RxBytes: 10, Last: 1000 });
    assert.equal(topo.updateMetrics('A', new Map([[1, st(10)]]), 2000), 0);
    assert.equal(topo.updateMetrics('A', new Map([[1, st(25)]]), 3000), 1);
    assert.deepEqual(n.metadata['Metric'], { RxBytes: 25, Last: 3000 });
    assert.deepEqual(n.metadata['LastUpdateMetric'], { RxBytes: 15, Start: 1000, Last: 3000 });
  });
});
