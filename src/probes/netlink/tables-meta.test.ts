// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { RouteMsg } from './route-msg.js';
import { neighbors, routingTables } from './tables-meta.js';

const route = (r: Partial<RouteMsg>): RouteMsg => ({
  family: 2,
  dstLen: 0,
  srcLen: 0,
  tos: 0,
  table: 254,
  protocol: 3,
  scope: 0,
  type: 1,
  flags: 0,
  ...r,
});

describe('routingTables', () => {
  it('groups by table, merges next hops of one prefix, and names default routes', () => {
    const t = routingTables([
      route({ table: 255, dst: '10.0.0.1', dstLen: 32, oif: 2, prefsrc: '10.0.0.1', protocol: 2 }),
      route({ gateway: '10.0.0.254', oif: 2, priority: 100 }),
      route({ gateway: '10.0.0.253', oif: 2, priority: 200 }),
      route({ gateway: '10.0.0.254', oif: 2, priority: 300 }),
      route({ family: 10, oif: 2, priority: 1024 }),
      route({
        dst: '10.3.0.0',
        dstLen: 16,
        multipath: [
          { ifindex: 2, gateway: '10.0.0.1', hops: 0 },
          { ifindex: 3, hops: 0 },
        ],
      }),
    ]);
    assert.deepEqual(t, [
      {
        ID: 254,
        Src: '',
        Routes: [
          {
            Protocol: 3,
            Prefix: '0.0.0.0/0',
            NextHops: [
              { Priority: 100, IP: '10.0.0.254', IfIndex: 2 },
              { Priority: 200, IP: '10.0.0.253', IfIndex: 2 },
            ],
          },
          { Protocol: 3, Prefix: '::/0', NextHops: [{ Priority: 1024, IfIndex: 2 }] },
          {
            Protocol: 3,
            Prefix: '10.3.0.0/16',
            NextHops: [
              { Priority: 0, IP: '10.0.0.1', IfIndex: 2 },
              { Priority: 0, IfIndex: 3 },
            ],
          },
        ],
      },
      {
        ID: 255,
        Src: '10.0.0.1',
        Routes: [{ Protocol: 2, Prefix: '10.0.0.1/32', NextHops: [{ Priority: 0, IfIndex: 2 }] }],
      },
    ]);
  });
});

describe('neighbors', () => {
  it('splits ARP/NDP from FDB, names flags and states, omits empty fields', () => {
    const { neighbors: nb, fdb } = neighbors([
      { family: 2, index: 3, state: 0x02, flags: 0x80, ip: '10.0.0.2', mac: '02:00:00:00:00:02' },
      {
        family: 7,
        index: 4,
        state: 0xc0,
        flags: 0x02,
        ip: '10.9.9.9',
        mac: '00:00:00:00:00:00',
        vni: 42,
      },
      { family: 7, index: 4, state: 0, flags: 0, mac: '02:00:00:00:00:03', vlan: 10 },
    ]);
    assert.deepEqual(nb, [
      {
        Flags: ['NTF_ROUTER'],
        MAC: '02:00:00:00:00:02',
        IP: '10.0.0.2',
        State: ['NUD_REACHABLE'],
        IfIndex: 3,
      },
    ]);
    assert.deepEqual(fdb, [
      {
        Flags: ['NTF_SELF'],
        MAC: '00:00:00:00:00:00',
        IP: '10.9.9.9',
        State: ['NUD_NOARP', 'NUD_PERMANENT'],
        VNI: 42,
        IfIndex: 4,
      },
      { MAC: '02:00:00:00:00:03', Vlan: 10, IfIndex: 4 },
    ]);
  });
});
