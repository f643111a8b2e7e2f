// SPDX-License-Identifier: Apache-2.0
// Graph memory per element at 1M elements (nodes + edges) of the datacenter topology. Baseline in
// the same run: the same elements as plain objects in plain Maps with adjacency arrays and a Name
// index — the least a hand-written graph needs. Run with --expose-gc (npm run bench does).
import { Graph } from '../src/graph/index.js';
import { datacenter } from './fixtures/datacenter.js';
import { printFigure } from './lib/report.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const target = Number(process.env['ELEMENTS'] ?? 1_000_000);
// About 43 nodes and 67 edges per host: nodes are ~39% of the elements.
const topo = datacenter(Math.round(target * 0.391));
const elements = topo.nodes.length + topo.edges.length;
// Metadata objects are shared by both structures below and built once, so they are counted as part
// of the topology, not of either graph: measure the graph structures on top of the JSON input.
function ours(): { bytes: number; keep: unknown } {
  const before = heap();
  const g = new Graph({ host: 'bench', origin: 'bench' });
  for (const n of topo.nodes)
    g.newNode({ ...n.Metadata }, { id: n.ID, createdAt: n.CreatedAt ?? 0, host: n.Host });
  for (const e of topo.edges)
    g.newEdge(e.Parent, e.Child, { ...e.Metadata }, { id: e.ID, createdAt: e.CreatedAt ?? 0 });
  return { bytes: heap() - before, keep: g };
}

function baseline(): { bytes: number; keep: unknown } {
  const before = heap();
  type N = { id: string; md: Record<string, unknown>; out: string[]; in: string[] };
  const nodes = new Map<string, N>();
  const edges = new Map<
    string,
    { id: string; md: Record<string, unknown>; p: string; c: string }
  >();
  const byName = new Map<unknown, string[]>();
  for (const n of topo.nodes) {
    nodes.set(n.ID, { id: n.ID, md: { ...n.Metadata }, out: [], in: [] });
    const k = n.Metadata['Name'];
    const l = byName.get(k);
    if (l) l.push(n.ID);
    else byName.set(k, [n.ID]);
  }
  for (const e of topo.edges) {
    edges.set(e.ID, { id: e.ID, md: { ...e.Metadata }, p: e.Parent, c: e.Child });
    nodes.get(e.Parent)!.out.push(e.ID);
    nodes.get(e.Child)!.in.push(e.ID);
  }
  return { bytes: heap() - before, keep: [nodes, edges, byName] };
}

const b = baseline();
const bPer = b.bytes / elements;
b.keep = null;
const o = ours();
const oPer = o.bytes / elements;
console.log(
  `graph memory at ${elements} elements (${topo.nodes.length} nodes, ${topo.edges.length} edges); target ≤ 600 B/element`,
);
printFigure('bytes per element', oPer, 'plain-maps', bPer, 'B');
void o.keep;
