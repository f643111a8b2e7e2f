// SPDX-License-Identifier: Apache-2.0
// The sigma (WebGL) renderer of the store: reducers that hide collapsed groups' members, dim what a
// search does not match, mark DOWN and removed nodes; camera fitting; clicks to select and toggle.
import Sigma from 'sigma';
import type { EdgeAttrs, GraphStore, NodeAttrs } from '../model/graph-store.js';
import { DIM_COLOR, DOWN_COLOR, REMOVED_COLOR } from '../model/style.js';

/** A renderer bound to a store. */
export interface GraphRenderer {
  sigma: Sigma<NodeAttrs, EdgeAttrs>;
  /** Fits `ids` (all visible nodes when omitted) into view. */
  fit(ids?: readonly string[]): Promise<void>;
  refresh(): void;
  kill(): void;
}

/** Creates the renderer in `container`. */
export function createRenderer(store: GraphStore, container: HTMLElement): GraphRenderer {
  const sigma = new Sigma(store.graph, container, {
    renderEdgeLabels: false,
    enableEdgeEvents: false,
    labelRenderedSizeThreshold: 3.5,
    labelDensity: 0.5,
    zIndex: true,
    minCameraRatio: 0.005,
    maxCameraRatio: 10,
    defaultEdgeType: 'line',
    nodeReducer: (id, a) => {
      const hidden = store.groups.hidden();
      if (hidden.has(id)) return { ...a, hidden: true };
      const out = { ...a, zIndex: 1 } as typeof a & { zIndex: number; highlighted?: boolean };
      if (a.down) {
        out.color = DOWN_COLOR;
        out.label = `${a.label} (DOWN)`;
      }
      if (store.removedSince.has(id)) {
        out.color = REMOVED_COLOR;
        out.label = `✕ ${a.label} (removed since)`;
        out.highlighted = true;
      }
      if (store.highlight) {
        if (store.highlight.has(id)) {
          out.highlighted = true;
          out.zIndex = 2;
        } else {
          out.color = DIM_COLOR;
          out.label = '';
          out.zIndex = 0;
        }
      }
      if (store.selected?.kind === 'node' && store.selected.id === id) {
        out.highlighted = true;
        out.size = a.size * 1.6;
        out.zIndex = 3;
      }
      return out;
    },
    edgeReducer: (id, a) => {
      const hidden = store.groups.hidden();
      const [s, t] = store.graph.extremities(id);
      if (hidden.has(s) || hidden.has(t)) return { ...a, hidden: true };
      if (store.highlight && !(store.highlight.has(s) && store.highlight.has(t)))
        return { ...a, color: DIM_COLOR };
      return a;
    },
  });
  let framed = false;
  const freeze = () => {
    // the graph-to-screen frame is fixed once the first graph is shown: new nodes outside it do
    // not rescale everything else (no layout jump)
    if (framed || store.graph.order === 0) return;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    store.graph.forEachNode((_id, a) => {
      x0 = Math.min(x0, a.x);
      x1 = Math.max(x1, a.x);
      y0 = Math.min(y0, a.y);
      y1 = Math.max(y1, a.y);
    });
    const pad = Math.max(2, (x1 - x0) * 0.05, (y1 - y0) * 0.05);
    sigma.setCustomBBox({ x: [x0 - pad, x1 + pad], y: [y0 - pad, y1 + pad] });
    framed = true;
  };
  freeze();
  const off = store.subscribe(() => {
    freeze();
    sigma.refresh();
  });
  sigma.on('clickNode', ({ node }) => store.select({ kind: 'node', id: node }));
  sigma.on('clickStage', () => store.select(undefined));
  sigma.on('doubleClickNode', (e) => {
    if (store.groups.isGroup(e.node)) {
      e.preventSigmaDefault();
      store.toggle(e.node);
    }
  });
  const fit = async (ids?: readonly string[]) => {
    const list = ids ?? store.visibleNodes();
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const id of list) {
      const d = sigma.getNodeDisplayData(id);
      if (!d || d.hidden) continue;
      x0 = Math.min(x0, d.x);
      x1 = Math.max(x1, d.x);
      y0 = Math.min(y0, d.y);
      y1 = Math.max(y1, d.y);
    }
    if (x0 === Infinity) return sigma.getCamera().animatedReset({ duration: 200 });
    const ratio = Math.min(10, Math.max(0.12, Math.max(x1 - x0, y1 - y0) * 1.4));
    await sigma
      .getCamera()
      .animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio }, { duration: 300 });
  };
  return {
    sigma,
    fit,
    refresh: () => sigma.refresh(),
    kill: () => {
      off();
      sigma.kill();
    },
  };
}
