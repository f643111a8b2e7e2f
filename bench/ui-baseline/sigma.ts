// SPDX-License-Identifier: Apache-2.0
// Baseline "sigma-plain": sigma's own minimal example (graphology graph, random positions, default
// settings) drawing the analyzer's graph, colouring nodes on NodeUpdated. No grouping, no reducers.
import Graph from 'graphology';
import Sigma from 'sigma';
import { fetchGraph, onNodeUpdates, randomPosition, record } from './frames.js';

const renders: number[] = [];
const graph = new Graph({ multi: true });
const g = await fetchGraph();
g.Nodes.forEach((n, i) =>
  graph.addNode(n.ID, {
    ...randomPosition(i),
    size: 3,
    label: String(n.Metadata['Name']),
    color: '#2ca02c',
  }),
);
for (const e of g.Edges)
  if (graph.hasNode(e.Parent) && graph.hasNode(e.Child))
    graph.addEdgeWithKey(e.ID, e.Parent, e.Child, { size: 1, color: '#ccc' });
const container = document.getElementById('root') as HTMLElement;
const sigma = new Sigma(graph, container);
const firstRenderMs = performance.now(); // the constructor draws synchronously
let start = 0;
sigma.on('beforeRender', () => (start = performance.now()));
sigma.on('afterRender', () => {
  const end = performance.now();
  renders.push(end - start);
});
onNodeUpdates((id, md) => {
  if (graph.hasNode(id))
    graph.setNodeAttribute(id, 'color', md['State'] === 'DOWN' ? '#e02020' : '#2ca02c');
});
const cam = sigma.getCamera();
(window as unknown as Record<string, unknown>)['__skydiveBench'] = {
  get firstRenderMs() {
    return firstRenderMs;
  },
  nodes: () => graph.order,
  pan: (frames: number) => {
    const s = cam.getState();
    return record(0, frames, renders, (i) =>
      cam.setState({ x: s.x + 0.2 * Math.sin(i / 20), y: s.y + 0.1 * Math.cos(i / 25) }),
    );
  },
  watch: (ms: number) => record(ms, 0, renders),
};
