// SPDX-License-Identifier: Apache-2.0
// `window.__skydiveBench` (bench/ui.ts) and `window.__skydive` (browser tests): the time of the
// first drawn graph, render durations and frame intervals, a scripted pan, and the view state.
import type { GraphStore } from '../model/graph-store.js';
import type { Live } from '../model/live.js';
import type { GraphRenderer } from './renderer.js';

/** Frame figures of a measured period, in ms. */
export interface FrameStats {
  frames: number;
  /** Durations of sigma's render calls. */
  renders: number[];
  /** Intervals between animation frames. */
  intervals: number[];
}

/** What the page exposes to the benchmark and the tests. */
export interface BenchHook {
  /** ms from navigation start to the first render with nodes. */
  firstRenderMs: number | undefined;
  nodes(): number;
  /** Pans the camera a little on each of `frames` animation frames. */
  pan(frames: number): Promise<FrameStats>;
  /** Records frames for `ms` without touching the camera. */
  watch(ms: number): Promise<FrameStats>;
}

declare global {
  interface Window {
    __skydiveBench?: BenchHook;
    __skydive?: {
      store: GraphStore;
      live: Live;
      renderer: GraphRenderer;
      visibleNames(): string[];
      highlightedNames(): string[];
      removedNames(): string[];
    };
  }
}

/** Installs both hooks for a renderer. */
export function installHooks(store: GraphStore, live: Live, r: GraphRenderer): () => void {
  let start = 0;
  const renders: number[] = [];
  const hook: BenchHook = { firstRenderMs: undefined, nodes: () => store.graph.order, pan, watch };
  r.sigma.on('beforeRender', () => (start = performance.now()));
  r.sigma.on('afterRender', () => {
    const end = performance.now();
    renders.push(end - start);
    if (hook.firstRenderMs === undefined && store.graph.order > 0) hook.firstRenderMs = end;
  });
  function record(ms: number, frames: number, step?: (i: number) => void): Promise<FrameStats> {
    renders.length = 0;
    const intervals: number[] = [];
    return new Promise((resolve) => {
      const t0 = performance.now();
      let last = t0;
      let i = 0;
      const tick = (now: number) => {
        if (i > 0) intervals.push(now - last);
        last = now;
        step?.(i);
        i++;
        if ((frames > 0 && i <= frames) || (ms > 0 && now - t0 < ms)) requestAnimationFrame(tick);
        else resolve({ frames: intervals.length, renders: [...renders], intervals });
      };
      requestAnimationFrame(tick);
    });
  }
  function pan(frames: number): Promise<FrameStats> {
    const cam = r.sigma.getCamera();
    const s = cam.getState();
    return record(0, frames, (i) =>
      cam.setState({ x: s.x + 0.2 * Math.sin(i / 20), y: s.y + 0.1 * Math.cos(i / 25) }),
    );
  }
  function watch(ms: number): Promise<FrameStats> {
    return record(ms, 0);
  }
  const names = (ids: Iterable<string>) =>
    [...ids].map((id) => String(store.graph.getNodeAttribute(id, 'json').Metadata['Name'] ?? id));
  window.__skydiveBench = hook;
  window.__skydive = {
    store,
    live,
    renderer: r,
    visibleNames: () => names(store.visibleNodes()),
    removedNames: () => names([...store.removedSince].filter((id) => store.graph.hasNode(id))),
    highlightedNames: () =>
      names([...(store.highlight ?? [])].filter((id) => store.graph.hasNode(id))),
  };
  return () => {
    delete window.__skydiveBench;
    delete window.__skydive;
  };
}
