// SPDX-License-Identifier: Apache-2.0
// A small typed, synchronous event emitter for graph events. A listener that throws does not stop
// the others; the first error is rethrown once all have run.
import type { GraphEventName, GraphEvents } from './types.js';

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
  on<K extends GraphEventName>(name: K, fn: GraphEvents[K]): () => void {
    this.listeners[name].push(fn);
    return () => this.off(name, fn);
  }

  off<K extends GraphEventName>(name: K, fn: GraphEvents[K]): void {
    const l = this.listeners[name] as GraphEvents[K][];
    const i = l.indexOf(fn);
    if (i >= 0) l.splice(i, 1);
  }

  protected emit<K extends GraphEventName>(name: K, ...args: Parameters<GraphEvents[K]>): void {
    const l = this.listeners[name];
    if (l.length === 0) return;
    let first: unknown;
    for (const fn of l.slice()) {
      try {
        (fn as (...a: Parameters<GraphEvents[K]>) => void)(...args);
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }
}
