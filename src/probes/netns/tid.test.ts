// SPDX-License-Identifier: Apache-2.0
// Values computed independently with Python's uuid.uuid5(uuid.NAMESPACE_OID, …).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import { childTID, hostTID, netnsTID } from './tid.js';

describe('TIDs (skydive-compat §1.4)', () => {
  it('chain host → netns → interface', () => {
    const g = new Graph();
    const host = hostTID(g.newNode({ Name: 'node1', Type: 'host' }), 'ignored');
    assert.equal(host, '2f6f9b99-82ef-5507-b6b6-cbab28bda9cb');
    const ns = netnsTID(host, '/var/run/netns/ns1');
    assert.equal(ns, '4baa4b54-22e8-5a3d-9b37-c3b0e1f47f6c');
    assert.equal(childTID(ns, 'eth0', 'veth'), 'ee5cde75-e5fd-587b-8d43-9a92159422d0');
  });
  it('prefer the TID the host node carries, else its Name, else the host id', () => {
    const g = new Graph();
    assert.equal(hostTID(g.newNode({ Name: 'x', Type: 'host', TID: 'given' }), 'h'), 'given');
    assert.equal(
      hostTID(g.newNode({ Type: 'host' }), 'node1'),
      '2f6f9b99-82ef-5507-b6b6-cbab28bda9cb',
    );
  });
});
