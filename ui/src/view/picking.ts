// SPDX-License-Identifier: Apache-2.0
// What is under the pointer: the nearest visible node within its drawn radius, else the nearest
// drawn edge within a few pixels of its line. Shared sizes of the renderer live here too.
import type { GraphStore } from '../model/graph-store.js';
import { edgeColor, type NodeLook } from './look.js';

/** Below this zoom (pixels per layout unit) ownership links are not drawn. */
const OWNERSHIP_MIN_SCALE = 4;

/** Drawn radius of a node (px) at `scale`. */
export const radius = (look: Pick<NodeLook, 'size'>, scale: number) =>
  Math.max(1.5, Math.min(look.size * 0.12 * scale, look.size * 1.2));

/**
 * The colour edge `id` (whose RelationType is `relation`) is drawn in at `scale`, or undefined when it is not drawn (an end hidden in a
 * collapsed group; an ownership link zoomed far out, where the placement shows it).
 */
export function drawnEdgeColor(
  store: GraphStore,
  id: string,
  relation: unknown,
  hidden: Set<string>,
  scale: number,
): string | undefined {
  if (scale < OWNERSHIP_MIN_SCALE && relation === 'ownership') return undefined;
  return edgeColor(store, id, hidden);
}

type ToScreen = (x: number, y: number) => [number, number];
interface Point {
  x: number;
  y: number;
}

/** The visible node whose disc (at least 6 px) holds `at`, nearest first. */
export function pickNode(
  store: GraphStore,
  scale: number,
  screen: ToScreen,
  at: Point,
): string | undefined {
  const hidden = store.groups.hidden();
  let best: string | undefined;
  let bestD = Infinity;
  store.graph.forEachNode((id, a) => {
    if (hidden.has(id)) return;
    const [x, y] = screen(a.x, a.y);
    const d = (x - at.x) ** 2 + (y - at.y) ** 2;
    const r = Math.max(6, radius(a, scale) + 3);
    if (d < r * r && d < bestD) {
      bestD = d;
      best = id;
    }
  });
  return best;
}

/** The drawn edge nearest `at`, within 5 px of its line. */
export function pickEdge(
  store: GraphStore,
  scale: number,
  screen: ToScreen,
  at: Point,
): string | undefined {
  const hidden = store.groups.hidden();
  let best: string | undefined;
  let bestD = 5 * 5;
  store.graph.forEachEdge((id, a, _src, _dst, sa, da) => {
    if (drawnEdgeColor(store, id, a.json.Metadata['RelationType'], hidden, scale) === undefined)
      return;
    const [x1, y1] = screen(sa.x, sa.y);
    const [x2, y2] = screen(da.x, da.y);
    const d = segmentDistance2(at, x1, y1, x2, y2);
    if (d < bestD) {
      bestD = d;
      best = id;
    }
  });
  return best;
}

/** Squared distance from `p` to the segment (x1, y1)–(x2, y2). */
export function segmentDistance2(p: Point, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - x1) * dx + (p.y - y1) * dy) / len2));
  const cx = x1 + t * dx - p.x;
  const cy = y1 + t * dy - p.y;
  return cx * cx + cy * cy;
}
