// SPDX-License-Identifier: Apache-2.0
// The canonical test world (STYLE rule 18), shared by Gremlin and analyzer tests: one host with
// eth0, a Linux bridge br0 with two veth ports leading into netns ns1/ns2, and an OVS bridge.
import { Graph } from '../../graph/graph.js';
import type { Metadata } from '../../graph/types.js';

/** Node IDs of the world (stable, readable). */
export const hostA = 'hostA';
export const eth0 = 'eth0';
export const lo = 'lo';
export const br0 = 'br0';
export const vethA0 = 'vethA0';
export const vethB0 = 'vethB0';
export const ns1 = 'ns1';
export const vethA1 = 'vethA1';
export const ns2 = 'ns2';
export const vethB1 = 'vethB1';
export const ovsbr0 = 'ovsbr0';
export const ovsportInt = 'ovsport-ovsbr0';
export const ovsportVx = 'ovsport-vxlan0';
export const ovsbr0Intf = 'ovsbr0-intf';
export const vxlan0 = 'vxlan0';

/** Host, agent origin and the time the first element was created (ms). */
export const HOST = 'hostA';
export const ORIGIN = 'agent.hostA';
export const T0 = 1_700_000_000_000;

/** eth0's routes: on-link /24, two gateways for 10.1/16 and 10.1.2/24, and a default route. */
export const eth0RoutingTables = [
  {
    ID: 254,
    Src: '192.168.1.10',
    Routes: [
      {
        Protocol: 2,
        Prefix: '0.0.0.0/0',
        NextHops: [{ Priority: 0, IP: '192.168.1.1', IfIndex: 2 }],
      },
      { Protocol: 2, Prefix: '192.168.1.0/24', NextHops: [{ Priority: 0, IfIndex: 2 }] },
      {
        Protocol: 4,
        Prefix: '10.1.0.0/16',
        NextHops: [{ Priority: 100, IP: '192.168.1.254', IfIndex: 2 }],
      },
      {
        Protocol: 4,
        Prefix: '10.1.2.0/24',
        NextHops: [{ Priority: 50, IP: '192.168.1.253', IfIndex: 2 }],
      },
    ],
  },
];

/** eth0's ARP table. */
export const eth0Neighbors = [
  { IP: '192.168.1.1', MAC: 'aa:bb:cc:00:00:01', IfIndex: 2, State: ['REACHABLE'] },
  { IP: '192.168.1.20', MAC: 'aa:bb:cc:00:00:14', IfIndex: 2, State: ['STALE'] },
  { IP: '192.168.1.254', MAC: 'aa:bb:cc:00:00:fe', IfIndex: 2, State: ['REACHABLE'] },
];

interface NodeSpec {
  id: string;
  metadata: Metadata;
}

/** Nodes in creation order; CreatedAt is T0 + 1000 × index. */
export const fixtureNodes: readonly NodeSpec[] = [
  {
    id: hostA,
    metadata: { Name: 'hostA', Type: 'host', TID: 'tid-hostA', Hostname: 'hostA.example' },
  },
  {
    id: eth0,
    metadata: {
      Name: 'eth0',
      Type: 'device',
      IfIndex: 2,
      MTU: 1500,
      MAC: '52:54:00:00:00:01',
      State: 'UP',
      IPV4: ['192.168.1.10/24'],
      Speed: 1000,
      Metric: { RxBytes: 1000, TxBytes: 2000 },
      RoutingTables: eth0RoutingTables,
      Neighbors: eth0Neighbors,
    },
  },
  {
    id: lo,
    metadata: {
      Name: 'lo',
      Type: 'device',
      IfIndex: 1,
      MTU: 65536,
      State: 'UP',
      IPV4: ['127.0.0.1/8'],
    },
  },
  {
    id: br0,
    metadata: {
      Name: 'br0',
      Type: 'bridge',
      IfIndex: 3,
      MTU: 1500,
      State: 'UP',
      MAC: '52:54:00:00:00:03',
    },
  },
  {
    id: vethA0,
    metadata: {
      Name: 'vethA0',
      Type: 'veth',
      IfIndex: 5,
      MTU: 1500,
      State: 'UP',
      MasterIndex: 3,
      PeerIfIndex: 6,
    },
  },
  {
    id: vethB0,
    metadata: {
      Name: 'vethB0',
      Type: 'veth',
      IfIndex: 7,
      MTU: 9000,
      State: 'DOWN',
      MasterIndex: 3,
      PeerIfIndex: 8,
    },
  },
  {
    id: ns1,
    metadata: { Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1', Inode: 4026532001 },
  },
  {
    id: vethA1,
    metadata: {
      Name: 'vethA1',
      Type: 'veth',
      IfIndex: 6,
      MTU: 1500,
      State: 'UP',
      IPV4: ['10.0.0.1/24'],
      MAC: '02:00:00:00:00:a1',
    },
  },
  {
    id: ns2,
    metadata: { Name: 'ns2', Type: 'netns', Path: '/var/run/netns/ns2', Inode: 4026532002 },
  },
  {
    id: vethB1,
    metadata: {
      Name: 'vethB1',
      Type: 'veth',
      IfIndex: 8,
      MTU: 9000,
      State: 'UP',
      IPV4: ['10.0.0.2/24', '10.0.1.2/24'],
    },
  },
  { id: ovsbr0, metadata: { Name: 'ovsbr0', Type: 'ovsbridge', UUID: 'uuid-ovsbr0' } },
  { id: ovsportInt, metadata: { Name: 'ovsbr0', Type: 'ovsport', UUID: 'uuid-port-ovsbr0' } },
  { id: ovsportVx, metadata: { Name: 'vxlan0', Type: 'ovsport', UUID: 'uuid-port-vxlan0' } },
  {
    id: ovsbr0Intf,
    metadata: { Name: 'ovsbr0', Type: 'internal', IfIndex: 9, MTU: 1500, Driver: 'openvswitch' },
  },
  {
    id: vxlan0,
    metadata: {
      Name: 'vxlan0',
      Type: 'vxlan',
      IfIndex: 10,
      MTU: 1450,
      Driver: 'openvswitch',
      ExtID: { 'attached-mac': 'x' },
    },
  },
];

type Rel = 'ownership' | 'layer2';

/** Edges as [id, parent, child, RelationType, extra metadata]. */
export const fixtureEdges: ReadonlyArray<readonly [string, string, string, Rel, Metadata?]> = [
  ['own-hostA-eth0', hostA, eth0, 'ownership'],
  ['own-hostA-lo', hostA, lo, 'ownership'],
  ['own-hostA-br0', hostA, br0, 'ownership'],
  ['own-hostA-vethA0', hostA, vethA0, 'ownership'],
  ['own-hostA-vethB0', hostA, vethB0, 'ownership'],
  ['own-hostA-ns1', hostA, ns1, 'ownership'],
  ['own-hostA-ns2', hostA, ns2, 'ownership'],
  ['own-ns1-vethA1', ns1, vethA1, 'ownership'],
  ['own-ns2-vethB1', ns2, vethB1, 'ownership'],
  ['l2-br0-vethA0', br0, vethA0, 'layer2'],
  ['l2-br0-vethB0', br0, vethB0, 'layer2'],
  ['l2-vethA0-vethA1', vethA0, vethA1, 'layer2', { Type: 'veth' }],
  ['l2-vethB0-vethB1', vethB0, vethB1, 'layer2', { Type: 'veth' }],
  ['own-hostA-ovsbr0', hostA, ovsbr0, 'ownership'],
  ['own-ovsbr0-portInt', ovsbr0, ovsportInt, 'ownership'],
  ['own-ovsbr0-portVx', ovsbr0, ovsportVx, 'ownership'],
  ['l2-ovsbr0-portInt', ovsbr0, ovsportInt, 'layer2'],
  ['l2-ovsbr0-portVx', ovsbr0, ovsportVx, 'layer2'],
  ['own-hostA-ovsbr0Intf', hostA, ovsbr0Intf, 'ownership'],
  ['own-hostA-vxlan0', hostA, vxlan0, 'ownership'],
  ['l2-portInt-intf', ovsportInt, ovsbr0Intf, 'layer2'],
  ['l2-portVx-vxlan0', ovsportVx, vxlan0, 'layer2'],
];

/**
 * Builds the world in a fresh Graph (deep-copied metadata, so tests may mutate it freely).
 * Edge CreatedAt values follow the nodes': T0 + 1000 × (node count + index).
 */
export function buildFixtureGraph(): Graph {
  const g = new Graph({ host: HOST, origin: ORIGIN, clock: () => T0 });
  fixtureNodes.forEach((n, i) =>
    g.newNode(structuredClone(n.metadata), { id: n.id, createdAt: T0 + 1000 * i, revision: 1 }),
  );
  fixtureEdges.forEach(([id, parent, child, rel, extra], i) =>
    g.newEdge(
      parent,
      child,
      { RelationType: rel, ...structuredClone(extra ?? {}) },
      { id, createdAt: T0 + 1000 * (fixtureNodes.length + i) },
    ),
  );
  return g;
}
