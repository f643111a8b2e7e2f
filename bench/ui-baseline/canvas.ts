// SPDX-License-Identifier: Apache-2.0
// Baseline "canvas-plain": the chosen renderer's plain example — Canvas 2D drawing every node and
// edge on every frame that needs it (no cached bitmap, no partial redraw), random positions,
// drag to pan, nodes recoloured on NodeUpdated.
import { fetchGraph, onNodeUpdates, randomPosition, record } from './frames.js';

const renders: number[] = [];
let firstRenderMs: number | undefined;
const g = await fetchGraph();
const pos = new Map<string, { x: number; y: number; color: string }>();
g.Nodes.forEach((n, i) => pos.set(n.ID, { ...randomPosition(i), color: '#2ca02c' }));
const edges = g.Edges.filter((e) => pos.has(e.Parent) && pos.has(e.Child));
const root = document.getElementById('root') as HTMLElement;
const canvas = document.createElement('canvas');
canvas.width = root.clientWidth;
canvas.height = root.clientHeight;
root.appendChild(canvas);
const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
const cam = { x: 500, y: 500, scale: Math.min(canvas.width, canvas.height) / 1000 };
let scheduled = false;
function draw(): void {
  scheduled = false;
  const t0 = performance.now();
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const sx = (x: number) => (x - cam.x) * cam.scale + canvas.width / 2;
  const sy = (y: number) => (y - cam.y) * cam.scale + canvas.height / 2;
  ctx.strokeStyle = '#ccc';
  ctx.beginPath();
  for (const e of edges) {
    const a = pos.get(e.Parent);
    const b = pos.get(e.Child);
    if (!a || !b) continue;
    ctx.moveTo(sx(a.x), sy(a.y));
    ctx.lineTo(sx(b.x), sy(b.y));
  }
  ctx.stroke();
  for (const p of pos.values()) {
    ctx.fillStyle = p.color;
    ctx.beginPath();
    ctx.arc(sx(p.x), sy(p.y), 3, 0, 2 * Math.PI);
    ctx.fill();
  }
  renders.push(performance.now() - t0);
  firstRenderMs ??= performance.now();
}
const request = () => {
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(draw);
  }
};
let drag: { x: number; y: number } | undefined;
canvas.addEventListener('pointerdown', (e) => (drag = { x: e.clientX, y: e.clientY }));
canvas.addEventListener('pointerup', () => (drag = undefined));
canvas.addEventListener('pointermove', (e) => {
  if (!drag) return;
  cam.x -= (e.clientX - drag.x) / cam.scale;
  cam.y -= (e.clientY - drag.y) / cam.scale;
  drag = { x: e.clientX, y: e.clientY };
  request();
});
onNodeUpdates((id, md) => {
  const p = pos.get(id);
  if (!p) return;
  p.color = md['State'] === 'DOWN' ? '#e02020' : '#2ca02c';
  request();
});
request();
(window as unknown as Record<string, unknown>)['__skydiveBench'] = {
  get firstRenderMs() {
    return firstRenderMs;
  },
  nodes: () => pos.size,
  watch: (ms: number) => record(ms, 0, renders),
};
