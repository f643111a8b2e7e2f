// SPDX-License-Identifier: Apache-2.0
// Baseline "cytoscape-plain": cytoscape's minimal example (canvas, preset random positions, a basic
// style) drawing the analyzer's graph, colouring nodes on NodeUpdated.
import cytoscape from 'cytoscape';
import { fetchGraph, onNodeUpdates, randomPosition, record } from './frames.js';

const renders: number[] = [];
let firstRenderMs: number | undefined;
const g = await fetchGraph();
const ids = new Set(g.Nodes.map((n) => n.ID));
const cy = cytoscape({
  container: document.getElementById('root'),
  layout: { name: 'preset' },
  style: [
    {
      selector: 'node',
      style: {
        width: 6,
        height: 6,
        'background-color': 'data(color)',
        label: 'data(label)',
        'font-size': 4,
      },
    },
    { selector: 'edge', style: { width: 1, 'line-color': '#ccc' } },
  ],
  elements: [
    ...g.Nodes.map((n, i) => ({
      group: 'nodes' as const,
      data: { id: n.ID, label: String(n.Metadata['Name']), color: '#2ca02c' },
      position: randomPosition(i),
    })),
    ...g.Edges.filter((e) => ids.has(e.Parent) && ids.has(e.Child)).map((e) => ({
      group: 'edges' as const,
      data: { id: e.ID, source: e.Parent, target: e.Child },
    })),
  ],
});
cy.on('render', () => {
  const now = performance.now();
  renders.push(0);
  firstRenderMs ??= now;
});
onNodeUpdates((id, md) => {
  const n = cy.getElementById(id);
  if (n.nonempty()) n.data('color', md['State'] === 'DOWN' ? '#e02020' : '#2ca02c');
});
(window as unknown as Record<string, unknown>)['__skydiveBench'] = {
  get firstRenderMs() {
    return firstRenderMs;
  },
  nodes: () => cy.nodes().length,
  pan: (frames: number) =>
    record(0, frames, renders, (i) =>
      cy.panBy({ x: 3 * Math.sin(i / 20), y: 2 * Math.cos(i / 25) }),
    ),
  watch: (ms: number) => record(ms, 0, renders),
};
