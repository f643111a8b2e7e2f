// SPDX-License-Identifier: Apache-2.0
// How each node and edge is drawn right now: hidden inside a collapsed group, dimmed by a search,
// red when DOWN, grey when removed since the shown past time, ringed when selected or matched.
import type { GraphStore } from '../model/graph-store.js';
import { DIM_COLOR, DOWN_COLOR, REMOVED_COLOR } from '../model/style.js';

/** The drawn look of a node. */
export interface NodeLook {
  color: string;
  size: number;
  label: string;
  /** Drawn with a ring and its label whatever the zoom. */
  emphasis: boolean;
  dim: boolean;
}

/** The look of node `id`, or undefined when it is hidden. */
export function nodeLook(store: GraphStore, id: string, hidden: Set<string>): NodeLook | undefined {
  if (hidden.has(id)) return undefined;
  const a = store.graph.getNodeAttributes(id);
  const look: NodeLook = {
    color: a.color,
    size: a.size,
    label: a.label,
    emphasis: false,
    dim: false,
  };
  if (a.down) {
    look.color = DOWN_COLOR;
    look.label = `${a.label} (DOWN)`;
  }
  if (store.removedSince.has(id)) {
    look.color = REMOVED_COLOR;
    look.label = `✕ ${a.label} (removed since)`;
    look.emphasis = true;
  }
  if (store.highlight) {
    if (store.highlight.has(id)) look.emphasis = true;
    else {
      look.color = DIM_COLOR;
      look.dim = true;
    }
  }
  if (store.selected?.kind === 'node' && store.selected.id === id) {
    look.emphasis = true;
    look.size = a.size * 1.6;
  }
  return look;
}

/** The colour of edge `id` (undefined when hidden). */
export function edgeColor(store: GraphStore, id: string, hidden: Set<string>): string | undefined {
  const [s, t] = store.graph.extremities(id);
  if (hidden.has(s) || hidden.has(t)) return undefined;
  if (store.highlight && !(store.highlight.has(s) && store.highlight.has(t))) return DIM_COLOR;
  return store.graph.getEdgeAttribute(id, 'color');
}
