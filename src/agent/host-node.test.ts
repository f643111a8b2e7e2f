// SPDX-License-Identifier: Apache-2.0
// The host node: Skydive's Type/Name/TID, the machine's Hostname, agent.metadata merged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph, uuidV5 } from '../graph/index.js';
import { createHostNode } from './host-node.js';

describe('createHostNode', () => {
  it('is Type host, Name host_id, TID v5(Name), with the Hostname and agent.metadata', () => {
    const g = new Graph({ host: 'node1', origin: 'agent.node1' });
    const n = createHostNode(g, {
      hostID: 'node1',
      hostname: 'machine.example',
      metadata: { info: 'compute', Rack: { Row: 3 } },
    });
    assert.equal(g.getNode(n.id), n);
    assert.deepEqual(n.metadata, {
      Hostname: 'machine.example',
      info: 'compute',
      Rack: { Row: 3 },
      Name: 'node1',
      Type: 'host',
      TID: uuidV5('node1'),
    });
    assert.equal(n.host, 'node1');
    assert.equal(n.origin, 'agent.node1');
  });

  it('keeps Name, Type and TID the agent’s; lets agent.metadata set the Hostname', () => {
    const g = new Graph();
    const n = createHostNode(g, {
      hostID: 'node1',
      hostname: 'm',
      metadata: { Name: 'other', Type: 'switch', TID: 'x', Hostname: 'alias' },
    });
    assert.equal(n.metadata['Name'], 'node1');
    assert.equal(n.metadata['Type'], 'host');
    assert.equal(n.metadata['TID'], uuidV5('node1'));
    assert.equal(n.metadata['Hostname'], 'alias');
  });

  it('gets a fresh ID each start while its TID stays', () => {
    const a = createHostNode(new Graph(), { hostID: 'h', hostname: 'h' });
    const b = createHostNode(new Graph(), { hostID: 'h', hostname: 'h' });
    assert.notEqual(a.id, b.id);
    assert.equal(a.metadata['TID'], b.metadata['TID']);
  });
});
