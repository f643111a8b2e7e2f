// SPDX-License-Identifier: Apache-2.0
// The web UI's graph model (ui/src/model) in Node: ownership grouping (OVS bridge → ports too),
// large groups collapsed, live events applied in batches, and positions that never move once placed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EdgeJSON, GraphJSON, NodeJSON, StructMessage } from '../../src/protocol/index.js';
import { newStructMessage } from '../../src/protocol/index.js';

/** What the test uses of ui/src/model/graph-store.ts (typechecked by ui/tsconfig.json, not here). */
interface GraphStore {
  graph: {
    order: number;
    forEachNode(cb: (id: string, a: { x: number; y: number }) => void): void;
    getNodeAttributes(id: string): { x: number; y: number };
    getNodeAttribute(id: string, key: string): unknown;
    hasNode(id: string): boolean;
    nodes(): string[];
  };
  groups: {
    parent(id: string): string | undefined;
    descendants(id: string): number;
    collapsed: Set<string>;
  };
  metrics: Map<string, Array<{ values: Record<string, number> }>>;
  load(g: GraphJSON, opts?: { collapse?: boolean }): void;
  apply(batch: StructMessage[]): void;
  toggle(id: string): void;
  setHighlight(ids: string[] | undefined): void;
  visibleNodes(): string[];
  findByName(text: string): string[];
}
// a computed specifier keeps the UI's sources (DOM, bundler resolution) out of this typecheck
const storeModule = '../../ui/src/model/graph-store.js';
const { GraphStore } = (await import(storeModule)) as { GraphStore: new () => GraphStore };

const node = (id: string, type: string, md: Record<string, unknown> = {}): NodeJSON => ({
  ID: id,
  Metadata: { Name: id, Type: type, ...md },
  Host: 'h',
  Origin: 'o',
  CreatedAt: 1,
  UpdatedAt: 1,
  DeletedAt: null,
  Revision: 1,
});
const edge = (parent: string, child: string, rel = 'ownership'): EdgeJSON => ({
  ...node(`${parent}-${child}`, 'x'),
  Metadata: { RelationType: rel },
  Parent: parent,
  Child: child,
});

/** A host with `ns` namespaces of `ifs` interfaces each. */
function hostGraph(ns: number, ifs: number) {
  const nodes = [node('h', 'host')];
  const edges: EdgeJSON[] = [];
  for (let i = 0; i < ns; i++) {
    nodes.push(node(`ns${i}`, 'netns'));
    edges.push(edge('h', `ns${i}`));
    for (let j = 0; j < ifs; j++) {
      nodes.push(node(`if${i}-${j}`, 'veth', { State: j === 0 ? 'DOWN' : 'UP' }));
      edges.push(edge(`ns${i}`, `if${i}-${j}`));
    }
  }
  return { Nodes: nodes, Edges: edges };
}

const pos = (s: GraphStore, id: string) => {
  const a = s.graph.getNodeAttributes(id);
  return { x: a.x, y: a.y };
};

describe('UI graph model', () => {
  it('places every node and groups by ownership', () => {
    const s = new GraphStore();
    s.load(hostGraph(3, 4));
    assert.equal(s.graph.order, 1 + 3 + 12);
    s.graph.forEachNode((id, a) => assert.ok(Number.isFinite(a.x) && Number.isFinite(a.y), id));
    assert.equal(s.groups.parent('if1-2'), 'ns1');
    assert.equal(s.groups.parent('ns1'), 'h');
    assert.equal(s.groups.descendants('h'), 15);
    assert.equal(s.graph.getNodeAttribute('if0-0', 'down'), true);
    // small graph: nothing collapsed
    assert.equal(s.visibleNodes().length, 16);
    assert.deepEqual(s.findByName('IF2-').sort(), ['if2-0', 'if2-1', 'if2-2', 'if2-3']);
  });

  it('groups OVS ports under their bridge', () => {
    const s = new GraphStore();
    s.load({
      Nodes: [node('h', 'host'), node('br', 'ovsbridge'), node('p1', 'ovsport')],
      Edges: [edge('h', 'br'), edge('br', 'p1', 'layer2')],
    });
    assert.equal(s.groups.parent('p1'), 'br');
  });

  it('collapses large groups of a large graph, and a toggle expands one', () => {
    const s = new GraphStore();
    s.load(hostGraph(20, 30)); // 621 nodes
    assert.ok(s.groups.collapsed.has('ns3'));
    assert.ok(s.groups.collapsed.has('h'));
    assert.deepEqual(s.visibleNodes(), ['h']);
    assert.match(String(s.graph.getNodeAttribute('h', 'label')), /\(\+620\)$/);
    s.toggle('h');
    assert.equal(s.visibleNodes().length, 21);
    s.setHighlight(['if4-7']); // a match inside a collapsed group is revealed
    assert.ok(s.visibleNodes().includes('if4-7'));
    const open = new GraphStore();
    open.load(hostGraph(20, 30), { collapse: false });
    assert.equal(open.visibleNodes().length, 621);
  });

  it('applies live events without moving what is placed; new nodes go near their parent', () => {
    const s = new GraphStore();
    s.load(hostGraph(4, 5));
    const before = new Map(s.graph.nodes().map((id) => [id, pos(s, id)]));
    s.apply([
      newStructMessage('Graph', 'NodeAdded', node('new1', 'veth')),
      newStructMessage('Graph', 'EdgeAdded', edge('ns2', 'new1')),
      newStructMessage('Graph', 'NodeAdded', node('ns9', 'netns')),
      newStructMessage('Graph', 'NodeAdded', node('in9', 'veth')),
      newStructMessage('Graph', 'EdgeAdded', edge('h', 'ns9')),
      newStructMessage('Graph', 'EdgeAdded', edge('ns9', 'in9')),
      newStructMessage('Graph', 'NodeUpdated', node('if1-1', 'veth', { State: 'DOWN' })),
      newStructMessage('Graph', 'NodeDeleted', node('if3-4', 'veth')),
    ]);
    for (const [id, p] of before) if (s.graph.hasNode(id)) assert.deepEqual(pos(s, id), p, id);
    assert.ok(!s.graph.hasNode('if3-4'));
    assert.equal(s.graph.getNodeAttribute('if1-1', 'down'), true);
    const d = (a: string, b: string) =>
      Math.hypot(pos(s, a).x - pos(s, b).x, pos(s, a).y - pos(s, b).y);
    // near its parent: closer to ns2 than ns2 is to the host
    assert.ok(d('new1', 'ns2') < d('ns2', 'h'), `new1 is ${d('new1', 'ns2')} from ns2`);
    assert.ok(Number.isFinite(pos(s, 'in9').x) && Number.isFinite(pos(s, 'ns9').x));
    assert.equal(s.groups.parent('in9'), 'ns9');
    s.apply([newStructMessage('Graph', 'EdgeDeleted', edge('ns9', 'in9'))]);
    assert.equal(s.groups.parent('in9'), undefined);
  });

  it('keeps counter samples for sparklines', () => {
    const s = new GraphStore();
    s.load({ Nodes: [node('e', 'device', { Metric: { RxBytes: 10, Last: 1000 } })], Edges: [] });
    s.apply([
      newStructMessage(
        'Graph',
        'NodeUpdated',
        node('e', 'device', { Metric: { RxBytes: 30, Last: 2000 } }),
      ),
    ]);
    assert.deepEqual(
      s.metrics.get('e')?.map((m) => m.values['RxBytes']),
      [10, 30],
    );
  });
});
