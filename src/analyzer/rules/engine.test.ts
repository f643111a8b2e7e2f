// SPDX-License-Identifier: Apache-2.0
// The rule engine against a fake query port (`Key=Value` selects nodes): create/update node rules,
// edge rules, re-evaluation on graph changes, removal with the rule, and replay at start.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { Graph, genID, linkID, type Node } from '../../graph/index.js';
import { MemoryResourceStore } from '../../storage/memory/resource-store.js';
import { RuleEngine } from './engine.js';
import type { RuleQueries } from './types.js';

/** `Name=eth0` → nodes whose metadata Name is eth0; anything else is a syntax error. */
function fakeQueries(g: Graph): RuleQueries {
  const parse = (q: string) => {
    const m = /^(\w+)=(.*)$/.exec(q);
    if (!m) throw new Error(`bad query ${q}`);
    return [m[1]!, m[2]!] as const;
  };
  return {
    check: (q) => void parse(q),
    nodes: async (q) => {
      const [k, v] = parse(q);
      return [...g.nodes()].filter((n: Node) => String(n.metadata[k]) === v);
    },
  };
}

describe('RuleEngine', () => {
  let g: Graph;
  let store: MemoryResourceStore;
  let engine: RuleEngine;

  beforeEach(() => {
    g = new Graph({ host: 'h1', origin: 'agent.h1' });
    store = new MemoryResourceStore();
    engine = new RuleEngine({
      graph: g,
      store,
      queries: fakeQueries(g),
      logger: pino({ level: 'silent' }),
      origin: 'analyzer.an1',
      host: 'an1',
    });
    engine.start();
  });
  afterEach(async () => {
    engine.stop();
    await store.close();
  });

  const nodeRule = (UUID: string, extra: Record<string, unknown>) =>
    store.create('noderule', { UUID, Name: '', Description: '', Query: '', ...extra });

  it('a create rule makes the node GenID(Type, Name) with TID, fabric Probe and our origin', async () => {
    await nodeRule('r1', { Action: 'create', Metadata: { Type: 'fabric', Name: 'TOR1' } });
    const id = genID('fabric', 'TOR1');
    const n = g.getNode(id);
    assert.ok(n);
    assert.deepEqual(n.metadata, { Type: 'fabric', Name: 'TOR1', TID: id, Probe: 'fabric' });
    assert.equal(n.origin, 'analyzer.an1');
    assert.equal(n.host, 'an1');
    await store.delete('noderule', 'r1');
    assert.equal(g.getNode(id), undefined);
  });

  it('an update rule merges metadata, follows new matches and unmerges on delete', async () => {
    const a = g.newNode({ Name: 'eth0', Type: 'device' });
    await nodeRule('u1', { Action: 'update', Query: 'Name=eth0', Metadata: { Color: 'red' } });
    await engine.flush();
    assert.equal(a.metadata['Color'], 'red');
    const b = g.newNode({ Name: 'eth0', Type: 'veth' });
    await engine.flush();
    assert.equal(b.metadata['Color'], 'red');
    // A node that stops matching loses the merged key.
    g.addMetadata(b, 'Name', 'eth1');
    await engine.flush();
    assert.equal('Color' in b.metadata, false);
    // Someone overwrites the key: the rule puts it back on the next change.
    g.addMetadata(a, 'Color', 'blue');
    await engine.flush();
    assert.equal(a.metadata['Color'], 'red');
    await store.delete('noderule', 'u1');
    assert.equal('Color' in a.metadata, false);
  });

  it('two update rules on one key do not loop; the later rule wins', async () => {
    const a = g.newNode({ Name: 'eth0', Type: 'device' });
    await nodeRule('u1', { Action: 'update', Query: 'Name=eth0', Metadata: { K: 1 } });
    await nodeRule('u2', { Action: 'update', Query: 'Type=device', Metadata: { K: 2 } });
    await engine.flush();
    assert.equal(a.metadata['K'], 2);
    const rev = a.revision;
    await engine.flush();
    assert.equal(a.revision, rev);
  });

  it('an edge rule links the first matches, waits for missing nodes and goes with the rule', async () => {
    const a = g.newNode({ Name: 'A', Type: 'device' });
    await store.create('edgerule', {
      UUID: 'e1',
      Name: '',
      Description: '',
      Src: 'Name=A',
      Dst: 'Name=B',
      Metadata: { RelationType: 'layer2', Type: 'fabric' },
    });
    await engine.flush();
    assert.equal(g.edgeCount, 0);
    const b = g.newNode({ Name: 'B', Type: 'device' });
    await engine.flush();
    const id = linkID(a.id, b.id, 'layer2');
    const e = g.getEdge(id);
    assert.ok(e);
    assert.equal(e.parent, a.id);
    assert.equal(e.child, b.id);
    assert.deepEqual(e.metadata, { RelationType: 'layer2', Type: 'fabric' });
    assert.equal(e.origin, 'analyzer.an1');
    // The child is replaced by another node named B: the edge follows.
    g.delNode(b.id);
    const b2 = g.newNode({ Name: 'B', Type: 'device' });
    await engine.flush();
    assert.ok(g.getEdge(linkID(a.id, b2.id, 'layer2')));
    await store.delete('edgerule', 'e1');
    assert.equal(g.edgeCount, 0);
  });

  it('applies rules already stored when it starts, and a bad query leaves the graph alone', async () => {
    engine.stop();
    await nodeRule('r1', { Action: 'create', Metadata: { Type: 'host', Name: 'seed' } });
    await nodeRule('bad', { Action: 'update', Query: 'no query', Metadata: { X: 1 } });
    const late = new RuleEngine({
      graph: g,
      store,
      queries: fakeQueries(g),
      logger: pino({ level: 'silent' }),
      origin: 'analyzer.an1',
      host: 'an1',
    });
    late.start();
    await late.flush();
    assert.ok(g.getNode(genID('host', 'seed')));
    assert.equal(g.nodeCount, 1);
    late.stop();
  });
});
