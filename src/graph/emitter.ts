// SPDX-License-Identifier: Apache-2.0
// A small typed, synchronous event emitter for graph events. A listener that throws does not stop
// the others; the first error is rethrown once all have run. While an event is dispatched, its
// element's metadata JSON is computed once for every listener that needs it (metadataJSON).
import type { GraphElement, GraphEventName, GraphEvents } from './types.js';

/** Events being dispatched now (nested when a listener changes the graph). */
let depth = 0;
/** Bumped as each dispatch starts and ends: a memo from another dispatch never matches. */
let dispatch = 0;
let memoElement: GraphElement | undefined;
let memoDispatch = -1;
let memoText = '';

/**
 * `JSON.stringify(el.metadata)`; inside a graph event's dispatch, computed once for all the
 * listeners that ask for the element of that event (subscriber frames and history both do).
 */
export function metadataJSON(el: GraphElement): string {
  if (depth === 0) return JSON.stringify(el.metadata);
  if (memoElement === el && memoDispatch === dispatch) return memoText;
  memoText = JSON.stringify(el.metadata);
  memoElement = el;
  memoDispatch = dispatch;
  return memoText;
}

type Listeners = { [K in GraphEventName]: GraphEvents[K][] };

export class Emitter {
  private readonly listeners: Listeners = {
    nodeAdded: [],
    nodeUpdated: [],
    nodeDeleted: [],
    edgeAdded: [],
    edgeUpdated: [],
    edgeDeleted: [],
  };

  /** Subscribes; returns the function that unsubscribes. */
  // Listener arrays are replaced, never changed in place: a dispatch walks the array it started
  // with even when a listener subscribes or unsubscribes, without copying it per event.
  on<K extends GraphEventName>(name: K, fn: GraphEvents[K]): () => void {
    (this.listeners[name] as GraphEvents[K][]) = [...this.listeners[name], fn] as never;
    return () => this.off(name, fn);
  }

  off<K extends GraphEventName>(name: K, fn: GraphEvents[K]): void {
    const l = this.listeners[name] as GraphEvents[K][];
    const i = l.indexOf(fn);
    if (i >= 0) (this.listeners[name] as GraphEvents[K][]) = l.filter((_, j) => j !== i) as never;
  }

  protected emit<K extends GraphEventName>(name: K, ...args: Parameters<GraphEvents[K]>): void {
    const l = this.listeners[name];
    if (l.length === 0) return;
    let first: unknown;
    depth++;
    dispatch++;
    try {
      for (const fn of l) {
        try {
          (fn as (...a: Parameters<GraphEvents[K]>) => void)(...args);
        } catch (err) {
          first ??= err;
        }
      }
    } finally {
      depth--;
      dispatch++;
    }
    if (first !== undefined) throw first;
  }
}
