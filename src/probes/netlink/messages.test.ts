// SPDX-License-Identifier: Apache-2.0
// The parsers on messages recorded from a real kernel, checked against what `ip -j` and
// `bridge -j` said about the same namespace at the same moment.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { AddrMsg } from './addr-msg.js';
import { AF_BRIDGE, AF_INET, RTM } from './constants.js';
import { decodeAll, loadRtnlFixture } from './fixtures/fixture.js';
import type { LinkMsg } from './link-msg.js';
import { decode, dumpHeader, getNsidRequest, parseNsidReply } from './messages.js';
import type { NeighMsg } from './neigh-msg.js';
import type { RouteMsg } from './route-msg.js';
import { parseStatsMsg } from './stats.js';

const fx = loadRtnlFixture();
const links = decodeAll(fx.dumps.link).map((m) => m.kind === 'link' && m.msg) as LinkMsg[];
const byName = new Map(links.map((l) => [l.name, l]));
const oracleLink = (name: string) => fx.oracle.link.find((l) => l['ifname'] === name)!;

describe('parseLinkMsg', () => {
  it('reads every link as ip -d link shows it', () => {
    assert.equal(links.length, fx.oracle.link.length);
    for (const o of fx.oracle.link) {
      const l = byName.get(o['ifname'] as string);
      assert.ok(l, `link ${String(o['ifname'])}`);
      assert.equal(l.index, o['ifindex']);
      assert.equal(l.mtu, o['mtu']);
      if (o['address'] !== undefined) assert.equal(l.mac, o['address']);
      const info = o['linkinfo'] as Record<string, unknown> | undefined;
      assert.equal(l.kind, info?.['info_kind']);
      assert.equal(l.slaveKind, info?.['info_slave_kind']);
      if (o['master']) assert.equal(l.master, oracleLink(o['master'] as string)['ifindex']);
      assert.equal(l.family, 0);
    }
  });
  it('reads IFLA_LINK and IFLA_LINK_NETNSID', () => {
    assert.equal(byName.get('v0')!.link, byName.get('v1')!.index);
    assert.equal(byName.get('mv0')!.link, byName.get('v0')!.index);
    const x0 = byName.get('x0')!;
    assert.equal(x0.linkNetnsid, oracleLink('x0')['link_netnsid']);
    assert.equal(byName.get('v0')!.linkNetnsid, undefined);
  });
  it('reads kind-specific data: vxlan, macvlan mode, tun type', () => {
    const vx = byName.get('vx0')!;
    const data = (oracleLink('vx0')['linkinfo'] as { info_data: Record<string, unknown> })
      .info_data;
    assert.deepEqual(vx.vxlan, {
      vni: data['id'],
      group: data['remote'],
      local: data['local'],
      port: data['port'],
      link: byName.get('v0')!.index,
    });
    assert.equal(byName.get('mv0')!.macvlanMode, 4);
    assert.equal(byName.get('tp0')!.tunType, 2);
    assert.equal(byName.get('tn0')!.tunType, 1);
  });
  it('reads the 64-bit counters', () => {
    const lo = byName.get('lo')!;
    assert.ok(lo.stats);
    assert.equal(typeof lo.stats.RxBytes, 'number');
  });
});

describe('parseAddrMsg', () => {
  it('gives CIDR strings per interface as ip addr does', () => {
    const addrs = decodeAll(fx.dumps.addr).map((m) => m.kind === 'addr' && m.msg) as AddrMsg[];
    const want = fx.oracle.addr.flatMap((o) =>
      (o['addr_info'] as Array<Record<string, unknown>>).map(
        (a) => `${String(o['ifindex'])} ${String(a['local'])}/${String(a['prefixlen'])}`,
      ),
    );
    assert.deepEqual(addrs.map((a) => `${a.index} ${a.cidr}`).sort(), want.sort());
  });
});

describe('parseRouteMsg', () => {
  const routes = decodeAll(fx.dumps.route).map((m) => m.kind === 'route' && m.msg) as RouteMsg[];
  it('reads destination, gateway, device, metric and multipath', () => {
    const main4 = routes.filter((r) => r.family === AF_INET && r.table === 254);
    const text = (r: RouteMsg) => (r.dst ? `${r.dst}/${r.dstLen}` : 'default');
    const want = fx.oracle.route.filter((o) => !o['table'] && !String(o['dst']).includes(':'));
    assert.deepEqual(main4.map(text).sort(), want.map((o) => String(o['dst'])).sort());
    const r10 = main4.find((r) => r.dst === '10.2.0.0')!;
    assert.equal(r10.gateway, '10.1.0.254');
    assert.equal(r10.oif, byName.get('v0')!.index);
    assert.equal(r10.priority, 10);
    const mp = main4.find((r) => r.dst === '10.3.0.0')!;
    assert.deepEqual(
      mp.multipath!.map((h) => h.gateway),
      ['10.1.0.253', '10.1.0.252'],
    );
    const v6 = routes.find((r) => r.dst === 'fd01::')!;
    assert.equal(v6.gateway, 'fd00::fe');
    assert.equal(v6.priority, 1024);
  });
  it('reads the table from RTA_TABLE, local routes included', () => {
    assert.ok(routes.some((r) => r.table === 255 && r.dst === '10.1.0.1'));
  });
});

describe('parseNeighMsg', () => {
  const neighs = decodeAll(fx.dumps.neigh).map((m) => m.kind === 'neigh' && m.msg) as NeighMsg[];
  const fdb = decodeAll(fx.dumps.fdb).map((m) => m.kind === 'neigh' && m.msg) as NeighMsg[];
  it('reads ARP and NDP entries', () => {
    for (const o of fx.oracle.neigh) {
      const n = neighs.find((x) => x.ip === o['dst']);
      assert.ok(n, String(o['dst']));
      assert.equal(n.mac, o['lladdr']);
      assert.equal(n.index, oracleLink(o['dev'] as string)['ifindex']);
    }
  });
  it('reads the bridge FDB, with the vxlan remote as IP', () => {
    assert.ok(fdb.every((n) => n.family === AF_BRIDGE));
    assert.equal(fdb.length, fx.oracle.fdb.length);
    const st = fdb.find((n) => n.mac === '02:00:00:00:00:aa')!;
    assert.equal(st.index, byName.get('v1')!.index);
    assert.equal(st.master, byName.get('br0')!.index);
    assert.ok(fdb.some((n) => n.index === byName.get('vx0')!.index && n.ip === '10.9.9.10'));
  });
});

describe('RTM_NEWSTATS', () => {
  it('gives counters per interface', () => {
    const s = fx.dumps.stats.map((m) => parseStatsMsg(m.data));
    assert.deepEqual(
      s.map((x) => x.index).sort((a, b) => a - b),
      links.map((l) => l.index).sort((a, b) => a - b),
    );
    assert.ok(s.every((x) => x.stats !== undefined));
  });
});

describe('decode', () => {
  it('flags replace and delete events', () => {
    const ev = decodeAll(fx.events);
    assert.ok(ev.some((m) => m.kind === 'route' && m.replace));
    assert.ok(ev.some((m) => m.kind === 'link' && m.del && m.msg.family === AF_BRIDGE));
    assert.equal(decode({ type: 3, flags: 0, data: Buffer.alloc(0) }), undefined);
    assert.throws(() => decode({ type: RTM.NEWLINK, flags: 0, data: Buffer.alloc(4) }));
  });
});

describe('requests', () => {
  it('size dump headers per family', () => {
    assert.equal(dumpHeader(RTM.GETLINK).length, 16);
    assert.equal(dumpHeader(RTM.GETADDR).length, 8);
    assert.equal(dumpHeader(RTM.GETNEIGH, AF_BRIDGE)[0], AF_BRIDGE);
    assert.equal(dumpHeader(RTM.GETSTATS).readUInt32LE(8), 1);
  });
  it('round-trips an nsid', () => {
    const req = getNsidRequest(7);
    assert.equal(req.readUInt32LE(8), 7);
    const reply = Buffer.alloc(12);
    reply.writeUInt16LE(8, 4);
    reply.writeUInt16LE(1, 6);
    reply.writeInt32LE(3, 8);
    assert.equal(parseNsidReply(reply), 3);
    reply.writeInt32LE(-1, 8);
    assert.equal(parseNsidReply(reply), undefined);
  });
});
