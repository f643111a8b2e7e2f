// SPDX-License-Identifier: Apache-2.0
// The agent's capture manager on its own: OnDemandCapture Start/Stop answers (200, 404, 400, 500),
// the node's Captures entries, counters refreshed, a backend failure reported as an error entry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Graph } from '../../graph/index.js';
import type { StructMessage } from '../../protocol/index.js';
import { CaptureManager, netnsPathOf, type CaptureBackend } from './manager.js';

const logger = pino({ level: 'silent' });

function setup(fail = false) {
  const graph = new Graph({ host: 'h', origin: 'agent.h' });
  const ns = graph.newNode({ Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1' });
  const eth = graph.newNode({ Name: 'eth0', Type: 'veth', TID: 'tid-eth0' });
  graph.newEdge(ns.id, eth.id, { RelationType: 'ownership' });
  let received = 0;
  const started: string[] = [];
  const backend: CaptureBackend = {
    types: ['afpacket'],
    async start(spec) {
      if (fail) throw new Error('no such device');
      started.push(`${spec.ifName}@${spec.netnsPath}/${spec.nodeTID}/${spec.type}`);
      return {
        counters: () => ({ PacketsReceived: received, PacketsDropped: 0, PacketsIfDropped: 0 }),
        stop: async () => void started.pop(),
      };
    },
  };
  const m = new CaptureManager({ graph, backend, logger, statsUpdateMs: 10 });
  const ask = (type: string, obj: unknown) =>
    new Promise<{ type: string; status: number }>((resolve) => {
      const msg: StructMessage = {
        Namespace: 'OnDemandCapture',
        Type: type,
        UUID: 'u',
        Status: 200,
        Obj: obj,
      };
      m.handle(msg, (t, _o, status = 200) => resolve({ type: t, status }));
    });
  return { graph, eth, m, ask, started, setReceived: (n: number) => (received = n) };
}

const capture = { UUID: 'c1', GremlinQuery: 'G.V()', Name: 'n', BPFFilter: 'icmp' };

describe('CaptureManager', () => {
  it('starts in the node netns with the default type, records and refreshes the entry, stops', async () => {
    const s = setup();
    try {
      assert.deepEqual(await s.ask('Start', { NodeID: s.eth.id, Resource: capture }), {
        type: 'StartReply',
        status: 200,
      });
      assert.deepEqual(s.started, ['eth0@/var/run/netns/ns1/tid-eth0/afpacket']);
      assert.deepEqual(s.eth.metadata.Captures, [
        {
          PacketsReceived: 0,
          PacketsDropped: 0,
          PacketsIfDropped: 0,
          ID: 'c1',
          Name: 'n',
          BPFFilter: 'icmp',
          State: 'active',
          Type: 'afpacket',
        },
      ]);
      assert.equal((await s.ask('Start', { NodeID: s.eth.id, Resource: capture })).status, 200);
      assert.equal(s.started.length, 1, 'a second Start does not start twice');
      s.setReceived(42);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(
        (s.eth.metadata.Captures as { PacketsReceived: number }[])[0]!.PacketsReceived,
        42,
      );
      assert.equal(s.m.list()[0]!.counters.PacketsReceived, 42);
      assert.deepEqual(await s.ask('Stop', { NodeID: s.eth.id, Resource: capture }), {
        type: 'StopReply',
        status: 200,
      });
      assert.equal(s.eth.metadata.Captures, undefined);
      assert.equal((await s.ask('Stop', { NodeID: s.eth.id, Resource: capture })).status, 404);
    } finally {
      await s.m.close();
    }
  });

  it('answers bad requests without throwing', async () => {
    const s = setup();
    try {
      assert.equal((await s.ask('Start', { NodeID: 'nope', Resource: capture })).status, 404);
      assert.equal((await s.ask('Start', null)).status, 400);
      assert.equal((await s.ask('Start', { NodeID: s.eth.id })).status, 400);
      assert.equal((await s.ask('Jump', { NodeID: s.eth.id, Resource: capture })).status, 400);
      const r = await s.ask('Start', { NodeID: s.eth.id, Resource: { ...capture, Type: 'ebpf' } });
      assert.equal(r.status, 500);
      const e = (s.eth.metadata.Captures as { State: string; Error: string }[])[0]!;
      assert.equal(e.State, 'error');
      assert.match(e.Error, /ebpf/);
    } finally {
      await s.m.close();
    }
  });

  it('a backend that cannot start leaves an error entry and answers 500', async () => {
    const s = setup(true);
    try {
      assert.equal((await s.ask('Start', { NodeID: s.eth.id, Resource: capture })).status, 500);
      const e = (s.eth.metadata.Captures as { State: string; Error: string }[])[0]!;
      assert.deepEqual([e.State, e.Error], ['error', 'no such device']);
    } finally {
      await s.m.close();
    }
  });

  it('finds the namespace of an interface through ownership', () => {
    const s = setup();
    assert.equal(netnsPathOf(s.graph, s.eth), '/var/run/netns/ns1');
    const lone = s.graph.newNode({ Name: 'lo', Type: 'device' });
    assert.equal(netnsPathOf(s.graph, lone), undefined);
    void s.m.close();
  });
});
