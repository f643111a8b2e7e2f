// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AF_INET } from './constants.js';
import { decodeAll, loadRtnlFixture } from './fixtures/fixture.js';
import { NsState } from './ns-state.js';
import type { RouteMsg } from './route-msg.js';

const fx = loadRtnlFixture();
const dump = () => {
  const s = new NsState();
  for (const k of ['link', 'addr', 'route', 'neigh', 'fdb'] as const)
    for (const m of decodeAll(fx.dumps[k])) s.apply(m);
  return s;
};
const idx = (s: NsState, name: string) => [...s.links.values()].find((l) => l.name === name)?.index;

describe('NsState', () => {
  it('#apply loads a dump and marks every interface dirty', () => {
    const s = dump();
    assert.equal(s.links.size, 10);
    assert.deepEqual(
      [...s.dirty].sort((a, b) => a - b),
      [...s.links.keys()].sort((a, b) => a - b),
    );
    assert.equal(s.addrs.get(idx(s, 'v0')!)!.size, 3);
    assert.ok(s.neighs.get(idx(s, 'v1')!)!.size > 0);
  });

  it('#apply follows the recorded events: rename, mtu, addresses, routes, nomaster, delete, move', () => {
    const s = dump();
    s.dirty.clear();
    s.vethMoves.length = 0;
    const v0 = idx(s, 'v0')!;
    const v1 = idx(s, 'v1')!;
    const mv0 = idx(s, 'mv0')!;
    const x0 = idx(s, 'x0')!;
    for (const m of decodeAll(fx.events)) s.apply(m);
    assert.equal(s.links.get(v0)!.mtu, 1400);
    assert.equal(idx(s, 'tn1'), 6);
    assert.equal(idx(s, 'tn0'), undefined);
    assert.deepEqual(
      [...s.addrs.get(v0)!.values()].filter((a) => a.family === AF_INET).map((a) => a.cidr),
      ['10.1.0.1/24'],
    );
    // The AF_BRIDGE DELLINK of `nomaster` does not delete v1.
    assert.ok(s.links.has(v1));
    assert.equal(s.links.get(v1)!.master, undefined);
    assert.ok(!s.links.has(mv0));
    assert.ok(!s.links.has(x0));
    const r = [...s.routes.values()].flatMap((h) => [...h.values()]);
    assert.ok(!r.some((x) => x.dst === '10.2.0.0'));
    assert.ok(s.dirty.has(v0) && s.dirty.has(mv0) && s.dirty.has(x0) && s.dirty.has(v1));
    assert.deepEqual(
      s.vethMoves.map((l) => l.name),
      ['x0'],
    );
  });

  it('#apply replaces the next hops of a route on NLM_F_REPLACE', () => {
    const s = new NsState();
    const base: RouteMsg = {
      family: 2,
      dstLen: 16,
      srcLen: 0,
      tos: 0,
      table: 254,
      protocol: 3,
      scope: 0,
      type: 1,
      flags: 0,
      dst: '10.2.0.0',
      gateway: '10.1.0.254',
      oif: 3,
    };
    s.apply({ kind: 'route', del: false, replace: false, msg: base });
    s.apply({
      kind: 'route',
      del: false,
      replace: true,
      msg: { ...base, gateway: '10.1.0.253', oif: 4 },
    });
    const routes = s.routesByInterface();
    assert.equal(routes.get(3), undefined);
    assert.equal(routes.get(4)![0]!.gateway, '10.1.0.253');
    assert.ok(s.dirty.has(3) && s.dirty.has(4));
    s.apply({
      kind: 'route',
      del: true,
      replace: false,
      msg: { ...base, gateway: '10.1.0.253', oif: 4 },
    });
    assert.equal(s.routes.size, 0);
  });

  it('#apply ignores cached clones and unknown deletions', () => {
    const s = new NsState();
    const r: RouteMsg = {
      family: 10,
      dstLen: 128,
      srcLen: 0,
      tos: 0,
      table: 254,
      protocol: 2,
      scope: 0,
      type: 1,
      flags: 0x200,
      dst: 'fd00::9',
      oif: 2,
    };
    assert.equal(s.apply({ kind: 'route', del: false, replace: false, msg: r }), false);
    assert.equal(
      s.apply({
        kind: 'addr',
        del: true,
        msg: { family: 2, index: 9, prefixlen: 8, scope: 0, cidr: '10.0.0.1/8' },
      }),
      false,
    );
    assert.equal(s.dirty.size, 0);
  });

  it('flags IPv4 routes stale when the kernel may drop some silently', () => {
    const s = dump();
    assert.equal(s.routesStale, false);
    const v0 = [...s.links.values()].find((l) => l.name === 'v0')!;
    s.apply({ kind: 'link', del: false, msg: { ...v0, mtu: 1400 } });
    assert.equal(s.routesStale, false);
    s.apply({ kind: 'link', del: false, msg: { ...v0, flags: v0.flags & ~1 } });
    assert.equal(s.routesStale, true, 'interface down');
    s.routesStale = false;
    const a = [...s.addrs.get(v0.index)!.values()].find((x) => x.cidr === '10.1.0.1/24')!;
    s.apply({ kind: 'addr', del: true, msg: a });
    assert.equal(s.routesStale, true, 'IPv4 address removed');
  });

  it('#replaceRoutes swaps one family for a fresh dump', () => {
    const s = dump();
    s.dirty.clear();
    const v6 = () =>
      [...s.routes.values()].flatMap((h) => [...h.values()]).filter((r) => r.family === 10).length;
    const v6before = v6();
    const fresh = decodeAll(fx.dumps.route).filter(
      (m) => m.kind === 'route' && m.msg.family === AF_INET && m.msg.dst !== '10.2.0.0',
    );
    s.replaceRoutes(AF_INET, fresh);
    const all = [...s.routes.values()].flatMap((h) => [...h.values()]);
    assert.ok(!all.some((r) => r.dst === '10.2.0.0'));
    assert.ok(all.some((r) => r.dst === '10.3.0.0'));
    assert.equal(v6(), v6before);
    assert.ok(s.dirty.has(3));
  });

  it('#reset forgets everything and marks what was known dirty', () => {
    const s = dump();
    s.dirty.clear();
    s.reset();
    assert.equal(s.links.size, 0);
    assert.equal(s.dirty.size, 10);
  });
});
