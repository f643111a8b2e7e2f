// SPDX-License-Identifier: Apache-2.0
// The graph renderer: one Canvas 2D scene drawn in batches by colour, kept as a bitmap. Panning and
// zooming move that bitmap (one blit a frame) and redraw it when the gesture ends; a live update
// redraws only the changed nodes. Chosen by measurement over sigma (WebGL) and cytoscape: docs/ui.md.
import type { GraphStore } from '../model/graph-store.js';
import { edgeColor, nodeLook, type NodeLook } from './look.js';
import { drawnEdgeColor, pickEdge, pickNode, radius } from './picking.js';

/** Camera: the world point at the centre of the view, and pixels per world unit. */
export interface Camera {
  x: number;
  y: number;
  scale: number;
}

/** A renderer bound to a store. */
export interface GraphRenderer {
  readonly camera: Camera;
  /** Fits `ids` (all visible nodes when omitted) into view. */
  fit(ids?: readonly string[]): Promise<void>;
  /** Redraws everything on the next frame. */
  refresh(): void;
  /** Calls `fn(ms, kind)` after each frame drawn: `full`, `partial` (changed nodes) or `blit`. */
  onFrame(fn: (ms: number, kind: 'full' | 'partial' | 'blit') => void): () => void;
  kill(): void;
}

const IDLE_MS = 150;
const STALE_LABELS_MS = 2000;
/** Width of a label-occupancy cell (px). */
const LABEL_COL = 8;
const LABEL_H = 14;

/** Creates the renderer in `container` (which it fills). */
export function createRenderer(store: GraphStore, container: HTMLElement): GraphRenderer {
  const main = document.createElement('canvas');
  main.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;touch-action:none';
  container.appendChild(main);
  const scene = document.createElement('canvas');
  const mctx = main.getContext('2d') as CanvasRenderingContext2D;
  const sctx = scene.getContext('2d') as CanvasRenderingContext2D;
  const cam: Camera = { x: 0, y: 0, scale: 1 };
  let sceneCam: Camera = { ...cam };
  let W = 1;
  let H = 1;
  let dpr = 1;
  let framed = false;
  let drawn = false;
  let needFull = true;
  /** A change of what is shown (a new graph, a search, a group toggled): redrawn even mid-gesture. */
  let urgent = false;
  let interacting = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let staleSince = 0;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;
  let scheduled = 0;
  const dirty = new Set<string>();
  const frameListeners = new Set<(ms: number, kind: 'full' | 'partial' | 'blit') => void>();

  const toScreen = (x: number, y: number, c: Camera) => [
    (x - c.x) * c.scale + W / 2,
    (y - c.y) * c.scale + H / 2,
  ];

  function drawScene(): void {
    sceneCam = { ...cam };
    const ctx = sctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const hidden = store.groups.hidden();
    const g = store.graph;
    const on = (sx: number, sy: number, m = 20) => sx > -m && sy > -m && sx < W + m && sy < H + m;
    // edges, one path per colour and width
    const edgePaths = new Map<string, Path2D>();
    const s = cam.scale;
    g.forEachEdge((id, a, src, dst, sa, da) => {
      const color = drawnEdgeColor(store, id, a.json.Metadata['RelationType'], hidden, s);
      if (color === undefined) return;
      const [x1, y1] = toScreen(sa.x, sa.y, cam) as [number, number];
      const [x2, y2] = toScreen(da.x, da.y, cam) as [number, number];
      if (!on(x1, y1) && !on(x2, y2) && !segmentCrosses(x1, y1, x2, y2)) return;
      const key = `${color}|${a.size}`;
      let p = edgePaths.get(key);
      if (!p) edgePaths.set(key, (p = new Path2D()));
      p.moveTo(x1, y1);
      p.lineTo(x2, y2);
      void src;
      void dst;
    });
    for (const [key, p] of edgePaths) {
      const [color, size] = key.split('|');
      ctx.strokeStyle = color ?? '#ccc';
      ctx.lineWidth = Number(size) * Math.max(0.5, Math.min(1.5, s * 0.1));
      ctx.stroke(p);
    }
    // the selected link, drawn over the others
    const sel = store.selected;
    if (sel?.kind === 'edge' && g.hasEdge(sel.id) && edgeColor(store, sel.id, hidden)) {
      const [src, dst] = g.extremities(sel.id);
      const [x1, y1] = toScreen(g.getNodeAttribute(src, 'x'), g.getNodeAttribute(src, 'y'), cam);
      const [x2, y2] = toScreen(g.getNodeAttribute(dst, 'x'), g.getNodeAttribute(dst, 'y'), cam);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.moveTo(x1 as number, y1 as number);
      ctx.lineTo(x2 as number, y2 as number);
      ctx.stroke();
    }
    // nodes, one path per colour; dimmed first so matches stay on top
    const nodePaths = new Map<string, Path2D>();
    const labels: Array<[number, number, number, NodeLook]> = [];
    const emphasis: Array<[number, number, number, NodeLook]> = [];
    g.forEachNode((id, a) => {
      const look = nodeLook(store, id, hidden);
      if (!look) return;
      const [x, y] = toScreen(a.x, a.y, cam) as [number, number];
      if (!on(x, y)) return;
      const r = radius(look, s);
      const key = `${look.dim ? 0 : 1}|${look.color}`;
      let p = nodePaths.get(key);
      if (!p) nodePaths.set(key, (p = new Path2D()));
      if (r < 2.5) p.rect(x - r, y - r, 2 * r, 2 * r);
      else {
        p.moveTo(x + r, y);
        p.arc(x, y, r, 0, 2 * Math.PI);
      }
      if (look.emphasis) emphasis.push([x, y, r, look]);
      else if (!look.dim && r >= 3.5) labels.push([x, y, r, look]);
    });
    for (const key of [...nodePaths.keys()].sort()) {
      ctx.fillStyle = key.slice(2);
      ctx.fill(nodePaths.get(key) as Path2D);
    }
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#111';
    for (const [x, y, r] of emphasis) {
      ctx.beginPath();
      ctx.arc(x, y, r + 2, 0, 2 * Math.PI);
      ctx.stroke();
    }
    // labels: matches and selection always; others only where they overlap no label already drawn
    // (occupancy kept on a grid of LABEL_COL × LABEL_H cells over each label's whole extent)
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const taken = new Set<number>();
    const cells = (x0: number, y: number, w: number, mark: boolean): boolean => {
      const c0 = Math.floor(x0 / LABEL_COL);
      const c1 = Math.floor((x0 + w) / LABEL_COL);
      const r0 = Math.floor((y - LABEL_H / 2) / LABEL_H);
      const r1 = Math.floor((y + LABEL_H / 2) / LABEL_H);
      for (let r = r0; r <= r1; r++)
        for (let c = c0; c <= c1; c++) {
          const k = (r + 1000) * 100_000 + c + 1000;
          if (mark) taken.add(k);
          else if (taken.has(k)) return false;
        }
      return true;
    };
    const label = ([x, y, r, look]: [number, number, number, NodeLook], force: boolean) => {
      const x0 = x + r + 5;
      // an estimate (12 px system font) for candidates, the measure for those always shown
      const w = force ? ctx.measureText(look.label).width : look.label.length * 7;
      if (!force && !cells(x0, y, w, false)) return;
      cells(x0, y, w, true);
      if (force) {
        ctx.fillStyle = 'rgba(255,255,255,0.9)';
        ctx.fillRect(x0 - 3, y - 8, w + 6, 16);
      }
      ctx.fillStyle = '#1d2530';
      ctx.fillText(look.label, x0, y);
    };
    for (const l of emphasis) label(l, true);
    // bigger nodes (hosts, namespaces, bridges) claim their label's room first
    labels.sort((a, b) => b[2] - a[2]);
    for (const l of labels) label(l, false);
    dirty.clear();
    staleSince = 0;
  }

  function drawPartial(): void {
    const hidden = store.groups.hidden();
    const ctx = sctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (const id of dirty) {
      if (!store.graph.hasNode(id)) continue;
      const look = nodeLook(store, id, hidden);
      if (!look) continue;
      const a = store.graph.getNodeAttributes(id);
      const [x, y] = toScreen(a.x, a.y, sceneCam) as [number, number];
      const r = radius(look, sceneCam.scale);
      ctx.fillStyle = look.color;
      ctx.beginPath();
      if (r < 2.5) ctx.rect(x - r, y - r, 2 * r, 2 * r);
      else ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fill();
    }
    dirty.clear();
    if (staleSince === 0) staleSince = performance.now();
  }

  function present(): void {
    mctx.setTransform(1, 0, 0, 1, 0, 0);
    mctx.clearRect(0, 0, main.width, main.height);
    const k = cam.scale / sceneCam.scale;
    const dx = (W / 2) * (1 - k) + (sceneCam.x - cam.x) * cam.scale;
    const dy = (H / 2) * (1 - k) + (sceneCam.y - cam.y) * cam.scale;
    mctx.drawImage(scene, dx * dpr, dy * dpr, main.width * k, main.height * k);
  }

  function frame(): void {
    scheduled = 0;
    const t0 = performance.now();
    let kind: 'full' | 'partial' | 'blit' = 'blit';
    if (!framed && store.graph.order > 0) {
      fitNow(store.visibleNodes());
      framed = true;
    }
    const stale = staleSince > 0 && t0 - staleSince > STALE_LABELS_MS;
    if (urgent || (!interacting && (needFull || stale))) {
      urgent = false;
      if (!drawn && store.graph.order > 0) performance.mark('skydive:first-draw-start');
      drawScene();
      if (!drawn && store.graph.order > 0) {
        performance.mark('skydive:first-draw-end');
        drawn = true;
      }
      needFull = false;
      kind = 'full';
    } else if (!interacting && dirty.size > 0) {
      drawPartial();
      kind = 'partial';
    }
    present();
    const ms = performance.now() - t0;
    for (const fn of frameListeners) fn(ms, kind);
    if (staleSince > 0 && !staleTimer)
      staleTimer = setTimeout(() => {
        staleTimer = undefined;
        request();
      }, STALE_LABELS_MS);
  }

  function request(): void {
    if (!scheduled) scheduled = requestAnimationFrame(frame);
  }

  function resize(): void {
    dpr = window.devicePixelRatio || 1;
    W = Math.max(1, container.clientWidth);
    H = Math.max(1, container.clientHeight);
    for (const c of [main, scene]) {
      c.width = Math.round(W * dpr);
      c.height = Math.round(H * dpr);
    }
    needFull = true;
    request();
  }

  function gesture(): void {
    interacting = true;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      interacting = false;
      needFull = true;
      request();
    }, IDLE_MS);
    request();
  }

  function bbox(ids: readonly string[]) {
    const hidden = store.groups.hidden();
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const id of ids) {
      if (!store.graph.hasNode(id) || hidden.has(id)) continue;
      const a = store.graph.getNodeAttributes(id);
      x0 = Math.min(x0, a.x);
      x1 = Math.max(x1, a.x);
      y0 = Math.min(y0, a.y);
      y1 = Math.max(y1, a.y);
    }
    return x0 === Infinity ? undefined : { x0, x1, y0, y1 };
  }

  function target(ids: readonly string[]): Camera | undefined {
    const b = bbox(ids);
    if (!b) return undefined;
    const w = Math.max(b.x1 - b.x0, 8);
    const h = Math.max(b.y1 - b.y0, 8);
    const scale = Math.min(40, Math.min(W / (w * 1.25), H / (h * 1.25)));
    return { x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2, scale };
  }

  function fitNow(ids: readonly string[]): void {
    const t = target(ids);
    if (t) Object.assign(cam, t);
    needFull = true;
  }

  const fit = (ids?: readonly string[]) =>
    new Promise<void>((resolve) => {
      const to = target(ids ?? store.visibleNodes());
      if (!to) return resolve();
      const from = { ...cam };
      const t0 = performance.now();
      const step = (now: number) => {
        const k = Math.min(1, (now - t0) / 250);
        const e = k * (2 - k);
        cam.x = from.x + (to.x - from.x) * e;
        cam.y = from.y + (to.y - from.y) * e;
        cam.scale = from.scale * Math.pow(to.scale / from.scale, e);
        gesture();
        if (k < 1) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });

  // input: drag to pan, wheel to zoom, click to select a node (else the edge under the pointer),
  // double-click to collapse a group
  let down: { x: number; y: number; moved: boolean } | undefined;
  const onDown = (e: PointerEvent) => {
    down = { x: e.clientX, y: e.clientY, moved: false };
    main.setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent) => {
    if (!down) return;
    const dx = e.clientX - down.x;
    const dy = e.clientY - down.y;
    if (!down.moved && Math.abs(dx) + Math.abs(dy) < 3) return;
    down.moved = true;
    cam.x -= dx / cam.scale;
    cam.y -= dy / cam.scale;
    down.x = e.clientX;
    down.y = e.clientY;
    gesture();
  };
  const onUp = (e: PointerEvent) => {
    const d = down;
    down = undefined;
    if (!d || d.moved) return;
    const id = pickAt(e, 'node');
    if (id !== undefined) return store.select({ kind: 'node', id });
    const edge = pickAt(e, 'edge');
    store.select(edge === undefined ? undefined : { kind: 'edge', id: edge });
  };
  const onDbl = (e: MouseEvent) => {
    const id = pickAt(e, 'node');
    if (id !== undefined && store.groups.isGroup(id)) store.toggle(id);
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const rect = main.getBoundingClientRect();
    const mx = e.clientX - rect.left - W / 2;
    const my = e.clientY - rect.top - H / 2;
    const f = Math.exp(-e.deltaY * 0.0015);
    const scale = Math.min(200, Math.max(0.01, cam.scale * f));
    // keep the world point under the cursor in place
    cam.x += mx / cam.scale - mx / scale;
    cam.y += my / cam.scale - my / scale;
    cam.scale = scale;
    gesture();
  };
  const pickAt = (e: MouseEvent, what: 'node' | 'edge') => {
    const rect = main.getBoundingClientRect();
    const at = { x: e.clientX - rect.left, y: e.clientY - rect.top };
    const screen = (x: number, y: number) => toScreen(x, y, cam) as [number, number];
    return what === 'node'
      ? pickNode(store, cam.scale, screen, at)
      : pickEdge(store, cam.scale, screen, at);
  };
  main.addEventListener('pointerdown', onDown);
  main.addEventListener('pointermove', onMove);
  main.addEventListener('pointerup', onUp);
  main.addEventListener('dblclick', onDbl);
  main.addEventListener('wheel', onWheel, { passive: false });

  // what changed: attribute updates are redrawn alone, anything structural redraws the scene
  const g = store.graph;
  const onNodeUpdate = ({ key }: { key: string }) => {
    dirty.add(key);
    request();
  };
  const onStructure = () => {
    needFull = true;
    request();
  };
  g.on('nodeAttributesUpdated', onNodeUpdate);
  for (const ev of ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'cleared'] as const)
    g.on(ev, onStructure);
  const off = store.subscribe((kind) => {
    if (kind === 'view') needFull = urgent = true;
    request();
  });
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();

  return {
    camera: cam,
    fit,
    refresh: () => {
      needFull = true;
      request();
    },
    onFrame: (fn) => {
      frameListeners.add(fn);
      return () => frameListeners.delete(fn);
    },
    kill: () => {
      off();
      observer.disconnect();
      g.off('nodeAttributesUpdated', onNodeUpdate);
      for (const ev of ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'cleared'] as const)
        g.off(ev, onStructure);
      if (scheduled) cancelAnimationFrame(scheduled);
      if (idleTimer) clearTimeout(idleTimer);
      if (staleTimer) clearTimeout(staleTimer);
      main.remove();
    },
  };

  /** Whether a segment whose ends are both off-screen still crosses the view (long edges). */
  function segmentCrosses(x1: number, y1: number, x2: number, y2: number): boolean {
    return !((x1 < 0 && x2 < 0) || (y1 < 0 && y2 < 0) || (x1 > W && x2 > W) || (y1 > H && y2 > H));
  }
}
