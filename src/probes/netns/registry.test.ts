// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Graph, linkID } from '../../graph/index.js';
import type { Netns } from './api.js';
import { NetnsRegistry } from './registry.js';
import { netnsTID, hostTID } from './tid.js';

const HOST = { dev: 4, ino: 1000 };
const NS1 = { dev: 4, ino: 2001 };
const NS2 = { dev: 4, ino: 2002 };

function setup() {
  const graph = new Graph({ host: 'h1', origin: 'agent.h1' });
  const root = graph.newNode({ Name: 'h1', Type: 'host' });
  const reg = new NetnsRegistry(graph, root, 'h1', HOST);
  const log: string[] = [];
  for (const ev of ['added', 'removed', 'updated'] as const)
    reg.events.on(ev, (ns: Netns) => log.push(`${ev} ${ns.name}`));
  const netns = () => [...graph.nodes()].filter((n) => n.metadata['Type'] === 'netns');
  return { graph, root, reg, log, netns };
}

describe('NetnsRegistry', () => {
  it('#setNamed adds a netns node owned by the host, with Skydive metadata and TID', () => {
    const { graph, root, reg, log, netns } = setup();
    reg.setNamed('/var/run/netns/blue', NS1);
    const [n] = netns();
    assert.ok(n);
    assert.deepEqual(n.metadata, {
      Name: 'blue',
      Type: 'netns',
      Path: '/var/run/netns/blue',
      Inode: 2001,
      Device: 4,
      TID: netnsTID(hostTID(root, 'h1'), '/var/run/netns/blue'),
    });
    const e = graph.getEdge(linkID(root.id, n.id, 'ownership'));
    assert.equal(e?.metadata['RelationType'], 'ownership');
    assert.deepEqual(log, ['added blue']);
    assert.equal(reg.list()[0], reg.host);
    assert.equal(reg.list().length, 2);
  });

  it('#setProcesses dedups a named namespace and its processes by inode', () => {
    const { reg, log, netns } = setup();
    reg.setNamed('/var/run/netns/blue', NS1);
    reg.setProcesses(
      new Map([
        ['4:2001', { id: NS1, pids: [10, 11] }],
        ['4:2002', { id: NS2, pids: [20] }],
        ['4:1000', { id: HOST, pids: [1, 2] }],
      ]),
    );
    assert.deepEqual(
      netns().map((n) => n.metadata['Path']),
      ['/var/run/netns/blue', '/proc/20/ns/net'],
    );
    assert.deepEqual(log, ['added blue', 'added pid-20']);
    assert.deepEqual(reg.counts(), { namespaces: 2, named: 1, registered: 0, fromProcesses: 1 });
  });

  it('keeps a namespace whose name goes while processes use it, shown from a process', () => {
    const { reg, log, netns } = setup();
    reg.setNamed('/var/run/netns/blue', NS1);
    reg.setProcesses(new Map([['4:2001', { id: NS1, pids: [10] }]]));
    const node = netns()[0]!;
    reg.setNamed('/var/run/netns/blue', undefined);
    assert.equal(netns()[0], node);
    assert.equal(node.metadata['Path'], '/proc/10/ns/net');
    assert.equal(node.metadata['Name'], 'pid-10');
    assert.deepEqual(log, ['added blue', 'updated pid-10']);
    // The shown pid is kept while it lives, even if a lower one joins.
    reg.setProcesses(new Map([['4:2001', { id: NS1, pids: [5, 10] }]]));
    assert.equal(node.metadata['Path'], '/proc/10/ns/net');
    reg.setProcesses(new Map());
    assert.deepEqual(netns(), []);
    assert.deepEqual(log.at(-1), 'removed pid-10');
  });

  it('removes the node, and what it owns, when the last source goes', () => {
    const { graph, reg, log, netns } = setup();
    reg.setNamed('/var/run/netns/blue', NS1);
    const ns = reg.list()[1]!;
    const child = graph.newNode({ Name: 'eth0', Type: 'veth' });
    graph.newEdge(ns.node.id, child.id, { RelationType: 'ownership' });
    reg.setNamed('/var/run/netns/blue', undefined);
    assert.deepEqual(netns(), []);
    assert.equal(graph.getNode(child.id), undefined);
    assert.deepEqual(log, ['added blue', 'removed blue']);
    assert.equal(reg.get(ns.key), undefined);
  });

  it('never shows the host namespace as a netns', () => {
    const { reg, netns } = setup();
    reg.setNamed('/var/run/netns/default', HOST);
    assert.equal(reg.register('/run/docker/netns/x', 'x', HOST), reg.host);
    assert.deepEqual(netns(), []);
  });

  it('#register counts uses and prefers named paths', () => {
    const { reg, log, netns } = setup();
    const ns = reg.register('/var/run/docker/netns/abc', 'abc', NS2)!;
    assert.equal(ns.name, 'abc');
    reg.register('/var/run/docker/netns/abc', 'abc', NS2);
    reg.unregister('/var/run/docker/netns/abc');
    assert.equal(netns().length, 1);
    reg.setNamed('/var/run/netns/zed', NS2);
    assert.equal(netns()[0]!.metadata['Name'], 'zed');
    reg.setNamed('/var/run/netns/zed', undefined);
    assert.equal(netns()[0]!.metadata['Name'], 'abc');
    reg.unregister('/var/run/docker/netns/abc');
    assert.deepEqual(netns(), []);
    assert.deepEqual(log, ['added abc', 'updated zed', 'updated abc', 'removed abc']);
  });

  it('#setNamed moves a path that now holds another namespace', () => {
    const { reg, log } = setup();
    reg.setNamed('/var/run/netns/a', NS1);
    reg.setNamed('/var/run/netns/a', NS2);
    assert.deepEqual(log, ['added a', 'removed a', 'added a']);
    assert.equal(reg.list()[1]!.key, '4:2002');
  });

  it('#clear removes every namespace; a failing listener does not break it', () => {
    const graph = new Graph();
    const root = graph.newNode({ Name: 'h', Type: 'host' });
    const errors: unknown[] = [];
    const reg = new NetnsRegistry(graph, root, 'h', HOST, (e) => errors.push(e));
    reg.events.on('removed', () => {
      throw new Error('boom');
    });
    reg.setNamed('/var/run/netns/a', NS1);
    reg.setNamed('/var/run/netns/b', NS2);
    reg.clear();
    assert.equal(graph.nodeCount, 1);
    assert.equal(errors.length, 2);
    assert.deepEqual(reg.list(), [reg.host]);
  });
});
