// SPDX-License-Identifier: Apache-2.0
// React bindings of the store and the live link: re-render when they change (throttled to one
// React render per animation frame, however many events arrive).
import { useEffect, useState } from 'react';

/** Something with subscribe(fn) → unsubscribe. */
export interface Observable {
  subscribe(fn: () => void): () => void;
}

/** Re-renders the caller at most once per frame when `source` changes; returns a change count. */
export function useTick(source: Observable | undefined): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!source) return undefined;
    let pending = false;
    const off = source.subscribe(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        setTick((t) => t + 1);
      });
    });
    return () => {
      off();
    };
  }, [source]);
  return tick;
}
