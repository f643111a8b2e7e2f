// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConflictError, NotFoundError } from './errors.js';
import { Graph } from './graph.js';
import { edgeToJSON, nodeToJSON } from './json.js';
import type { PartialOp } from './types.js';

function world() {
  let t = 1000;
  const g = new Graph({ host: 'hostA', origin: 'analyzer.hostA', clock: () => t++ });
  const host = g.newNode({ Name: 'hostA', Type: 'host' }, { id: 'host' });
  const eth0 = g.newNode({ Name: 'eth0', Type: 'device', IPV4: ['10.0.0.1/24'] }, { id: 'eth0' });
  const own = g.newEdge('host', 'eth0', { RelationType: 'ownership' }, { id: 'own' });
  return { g, host, eth0, own };
}

describe('#.newNode', () => {
  it('stamps host, origin, times and revision 1', () => {
    const { eth0 } = world();
    assert.equal(eth0.host, 'hostA');
    assert.equal(eth0.origin, 'analyzer.hostA');
    assert.equal(eth0.revision, 1);
    assert.equal(eth0.createdAt, eth0.updatedAt);
    assert.equal(eth0.kind, 'node');
  });
  it('rejects a duplicate ID with a conflict', () => {
    const { g } = world();
    assert.throws(() => g.newNode({ Name: 'x', Type: 'device' }, { id: 'eth0' }), ConflictError);
  });
  it('indexes by Name, Type and array values', () => {
    const { g } = world();
    assert.deepEqual(
      [...g.lookupNodes('Name', 'eth0')!].map((n) => n.id),
      ['eth0'],
    );
    assert.deepEqual(
      [...g.lookupNodes('Type', 'host')!].map((n) => n.id),
      ['host'],
    );
    assert.equal(g.lookupNodes('Nope', 'x'), undefined);
  });
});

describe('#.newEdge', () => {
  it('links adjacency both ways', () => {
    const { g } = world();
    assert.deepEqual(
      g.outEdges('host').map((e) => e.id),
      ['own'],
    );
    assert.deepEqual(
      g.inEdges('eth0').map((e) => e.id),
      ['own'],
    );
  });
  it('refuses an unknown end with NotFoundError', () => {
    const { g } = world();
    assert.throws(() => g.newEdge('host', 'nope', { RelationType: 'ownership' }), NotFoundError);
    assert.throws(() => g.newEdge('nope', 'host', { RelationType: 'ownership' }), NotFoundError);
  });
  it('derives a v5 ID from the ends when none is given', () => {
    const { g } = world();
    const a = g.newNode({ Name: 'a', Type: 'device' }, { id: 'a' });
    const e = g.newEdge('host', a.id, { RelationType: 'layer2' });
    assert.match(e.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('#.updateMetadata', () => {
  it('applies dotted ops, bumps the revision and emits the applied ops', () => {
    const { g, eth0 } = world();
    const seen: PartialOp[][] = [];
    g.on('nodeUpdated', (_n, ops) => seen.push([...ops]));
    g.updateMetadata(eth0, [
      { Type: 1, Key: 'Ovs.Metric.RxPackets', Value: 3 },
      { Type: 1, Key: 'Name', Value: 'eth0' },
    ]);
    assert.deepEqual(eth0.metadata['Ovs'], { Metric: { RxPackets: 3 } });
    assert.equal(eth0.revision, 2);
    assert.deepEqual(seen, [[{ Type: 1, Key: 'Ovs.Metric.RxPackets', Value: 3 }]]);
    g.updateMetadata(eth0, [{ Type: 2, Key: 'Ovs.Metric.RxPackets' }]);
    assert.equal(eth0.metadata['Ovs'], undefined, 'empty parents are pruned');
  });
  it('emits nothing when nothing changes, but keeps a remote revision', () => {
    const { g, eth0 } = world();
    let events = 0;
    g.on('nodeUpdated', () => events++);
    g.updateMetadata(eth0, [{ Type: 1, Key: 'Name', Value: 'eth0' }], { revision: 7 });
    assert.equal(events, 0);
    assert.equal(eth0.revision, 7);
  });
  it('re-indexes a changed indexed key', () => {
    const { g, eth0 } = world();
    g.addMetadata(eth0, 'Name', 'eth1');
    assert.deepEqual([...g.lookupNodes('Name', 'eth0')!], []);
    assert.deepEqual(
      [...g.lookupNodes('Name', 'eth1')!].map((n) => n.id),
      ['eth0'],
    );
  });
});

describe('#.setMetadata', () => {
  it('diffs at top level and re-indexes', () => {
    const { g, eth0 } = world();
    const ops = g.setMetadata(eth0, { Name: 'eth9', Type: 'device', MTU: 1500 });
    assert.deepEqual(ops, [
      { Type: 1, Key: 'Name', Value: 'eth9' },
      { Type: 1, Key: 'MTU', Value: 1500 },
      { Type: 2, Key: 'IPV4' },
    ]);
    assert.deepEqual(
      [...g.lookupNodes('Name', 'eth9')!].map((n) => n.id),
      ['eth0'],
    );
  });
});

describe('#.delNode', () => {
  it('deletes touching edges first, then the node', () => {
    const { g } = world();
    const order: string[] = [];
    g.on('edgeDeleted', (e) => order.push(`edge:${e.id}`));
    g.on('nodeDeleted', (n) => order.push(`node:${n.id}`));
    assert.equal(g.delNode('eth0'), true);
    assert.deepEqual(order, ['edge:own', 'node:eth0']);
    assert.deepEqual(g.outEdges('host'), []);
    assert.equal(g.delNode('eth0'), false);
    assert.deepEqual([...g.lookupNodes('Name', 'eth0')!], []);
  });
});

describe('#.deleteByOrigin', () => {
  it('removes one origin and keeps the rest', () => {
    const { g } = world();
    g.newNode({ Name: 'x', Type: 'device' }, { id: 'x', origin: 'agent.b' });
    g.newEdge('host', 'x', { RelationType: 'ownership' }, { id: 'hx', origin: 'agent.b' });
    assert.deepEqual(g.deleteByOrigin('agent.b'), { nodes: 1, edges: 1 });
    assert.equal(g.nodeCount, 2);
    assert.equal(g.edgeCount, 1);
  });
});

describe('json', () => {
  it('emits the §1.1 keys in order with null DeletedAt', () => {
    const { eth0, own } = world();
    assert.deepEqual(Object.keys(nodeToJSON(eth0)), [
      'ID',
      'Metadata',
      'Host',
      'Origin',
      'CreatedAt',
      'UpdatedAt',
      'DeletedAt',
      'Revision',
    ]);
    const ej = edgeToJSON(own);
    assert.equal(ej.DeletedAt, null);
    assert.equal(ej.Parent, 'host');
    assert.equal(ej.Child, 'eth0');
  });
});
