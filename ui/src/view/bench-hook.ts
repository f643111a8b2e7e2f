// SPDX-License-Identifier: Apache-2.0
// `window.__skydiveBench` (bench/ui.ts) and `window.__skydive` (browser tests): the time of the
// first drawn graph, frame durations and intervals while watching, and the view state.
import type { GraphStore } from '../model/graph-store.js';
import type { Live } from '../model/live.js';
import type { GraphRenderer } from './canvas-renderer.js';

/** Frame figures of a measured period, in ms. */
export interface FrameStats {
  frames: number;
  /** Durations of the renderer's frames (drawing and blitting). */
  renders: number[];
  /** Intervals between animation frames. */
  intervals: number[];
}

/** What the page exposes to the benchmark. */
export interface BenchHook {
  /** ms from navigation start to the first frame drawn with nodes. */
  firstRenderMs: number | undefined;
  nodes(): number;
  /** Records the animation frames of the next `ms` milliseconds. */
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
      /** Fits the nodes named `names` into view; then their centres in client coordinates. */
      locate(names: string[]): Promise<Array<[number, number]>>;
    };
  }
}

/** Installs both hooks for a renderer. */
export function installHooks(store: GraphStore, live: Live, r: GraphRenderer): () => void {
  const renders: number[] = [];
  const hook: BenchHook = { firstRenderMs: undefined, nodes: () => store.graph.order, watch };
  const off = r.onFrame((ms, kind) => {
    renders.push(ms);
    if (hook.firstRenderMs === undefined && kind === 'full' && store.graph.order > 0)
      hook.firstRenderMs = performance.now();
  });
  function watch(ms: number): Promise<FrameStats> {
    renders.length = 0;
    const intervals: number[] = [];
    return new Promise((resolve) => {
      const t0 = performance.now();
      let last = t0;
      const tick = (now: number) => {
        intervals.push(now - last);
        last = now;
        if (now - t0 < ms) requestAnimationFrame(tick);
        else resolve({ frames: intervals.length, renders: [...renders], intervals });
      };
      requestAnimationFrame(tick);
    });
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
    locate: async (wanted) => {
      const ids = wanted.map(
        (n) =>
          store.graph.findNode((_id, a) => a.json.Metadata['Name'] === n) ??
          `missing node named ${n}`,
      );
      await r.fit(ids);
      const rect = document.querySelector('[data-testid=graph]')!.getBoundingClientRect();
      const c = r.camera;
      return ids.map((id) => {
        const a = store.graph.getNodeAttributes(id);
        return [
          rect.left + rect.width / 2 + (a.x - c.x) * c.scale,
          rect.top + rect.height / 2 + (a.y - c.y) * c.scale,
        ];
      });
    },
  };
  return () => {
    off();
    delete window.__skydiveBench;
    delete window.__skydive;
  };
}
