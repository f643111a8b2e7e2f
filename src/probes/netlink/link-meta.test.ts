// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { uuidV5 } from '../../graph/index.js';
import { decodeAll, loadRtnlFixture } from './fixtures/fixture.js';
import { linkMetadata, linkType, parentIndex } from './link-meta.js';
import { NsState } from './ns-state.js';

const fx = loadRtnlFixture();
const s = new NsState();
for (const k of ['link', 'addr', 'route', 'neigh', 'fdb'] as const)
  for (const m of decodeAll(fx.dumps[k])) s.apply(m);
const routes = s.routesByInterface();
const md = (name: string, nsName?: string) => {
  const l = [...s.links.values()].find((x) => x.name === name)!;
  return linkMetadata(
    l,
    {
      addrs: s.addrs.get(l.index)?.values(),
      routes: routes.get(l.index),
      neighs: s.neighs.get(l.index)?.values(),
    },
    'parent-tid',
    nsName,
  );
};

describe('linkMetadata', () => {
  it('maps a veth with addresses, routes and neighbours (skydive-compat §1.7)', () => {
    const v0 = md('v0');
    assert.equal(v0['Type'], 'veth');
    assert.equal(v0['Driver'], 'veth');
    assert.equal(v0['EncapType'], 'ether');
    assert.equal(v0['State'], 'UP');
    assert.deepEqual(v0['LinkFlags'], ['UP', 'BROADCAST', 'MULTICAST']);
    assert.equal(v0['IfIndex'], 3);
    assert.equal(v0['PeerIfIndex'], 2);
    assert.equal(v0['ParentIndex'], 2);
    assert.equal(v0['MTU'], 1500);
    assert.match(v0['MAC'] as string, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(v0['IPV4'], ['10.1.0.1/24']);
    assert.deepEqual(v0['IPV6'], ['fd00::1/64', 'fe80::e01c:6fff:fe3c:342a/64']);
    assert.equal(v0['TID'], uuidV5('parent-tid' + 'v0' + 'veth'));
    const tables = v0['RoutingTables'] as Array<{ ID: number; Src: string; Routes: unknown[] }>;
    assert.deepEqual(
      tables.map((t) => t.ID),
      [254, 255],
    );
    const main = tables[0]!.Routes as Array<{ Prefix: string; NextHops: unknown[] }>;
    assert.deepEqual(main.find((r) => r.Prefix === '0.0.0.0/0')!.NextHops, [
      { Priority: 0, IP: '10.1.0.254', IfIndex: 3 },
    ]);
    assert.deepEqual(main.find((r) => r.Prefix === '10.3.0.0/16')!.NextHops, [
      { Priority: 0, IP: '10.1.0.253', IfIndex: 3 },
      { Priority: 0, IP: '10.1.0.252', IfIndex: 3 },
    ]);
    assert.ok(main.some((r) => r.Prefix === 'fd01::/64'));
    const nb = v0['Neighbors'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      nb.find((n) => n['IP'] === '10.1.0.254'),
      { MAC: '02:00:00:00:00:fe', IP: '10.1.0.254', State: ['NUD_PERMANENT'], IfIndex: 3 },
    );
    assert.equal(v0['FDB'] !== undefined, true);
  });

  it('maps a bridge port with its master and FDB', () => {
    const v1 = md('v1');
    assert.equal(v1['MasterIndex'], 4);
    const fdb = v1['FDB'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      fdb.find((n) => n['MAC'] === '02:00:00:00:00:aa'),
      { MAC: '02:00:00:00:00:aa', State: ['NUD_NOARP'], IfIndex: 2 },
    );
    assert.equal(md('br0')['Type'], 'bridge');
    assert.equal(md('br0')['State'], 'DOWN');
  });

  it('tells tun from tap and maps loopback', () => {
    assert.equal(md('tp0')['Type'], 'tap');
    assert.equal(md('tp0')['Driver'], 'tun');
    const tn = md('tn0');
    assert.equal(tn['Type'], 'tun');
    assert.equal(tn['EncapType'], 'none');
    assert.equal(tn['MAC'], undefined);
    assert.deepEqual(tn['LinkFlags'], ['POINTTOPOINT', 'MULTICAST']);
    const lo = md('lo');
    assert.equal(lo['Type'], 'device');
    assert.equal(lo['Driver'], undefined);
    assert.equal(lo['EncapType'], 'loopback');
    assert.equal(lo['State'], 'UNKNOWN');
    assert.deepEqual(lo['LinkFlags'], ['UP', 'LOOPBACK']);
    assert.deepEqual(lo['IPV4'], ['127.0.0.1/8']);
  });

  it('maps vxlan and macvlan/macvtap with their lower device', () => {
    const vx = md('vx0');
    assert.equal(vx['Type'], 'vxlan');
    assert.equal(vx['VNI'], 42);
    assert.equal(vx['RemoteIP'], '10.9.9.9');
    assert.equal(vx['LocalIP'], '10.1.0.1');
    assert.equal(vx['DstPort'], 4789);
    assert.equal(vx['ParentIndex'], 3);
    const mt = md('mt0');
    assert.equal(mt['Type'], 'macvtap');
    assert.equal(mt['Driver'], 'macvlan');
    assert.equal(mt['ParentIndex'], 3);
    const l = (n: string) => [...s.links.values()].find((x) => x.name === n)!;
    assert.equal(parentIndex(l('mv0')), 3);
    assert.equal(parentIndex(l('vx0')), 3);
    assert.equal(parentIndex(l('v0')), undefined);
    assert.equal(linkType(l('mv0')), 'macvlan');
  });

  it('names the peer namespace of a cross-namespace veth', () => {
    const x0 = md('x0', 'other');
    assert.equal(x0['LinkNetNsID'], 0);
    assert.equal(x0['LinkNetNsName'], 'other');
    assert.equal(md('x0')['LinkNetNsName'], undefined);
  });
});
