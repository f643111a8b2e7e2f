// SPDX-License-Identifier: Apache-2.0
// Binds a listener to the first free port of a range (Skydive's sFlow and pcapsocket allocators).

/** A port, or a range to take the first free port from. */
export interface PortChoice {
  /** Exact port (0: any free port). Wins over the range. */
  port?: number;
  portMin?: number;
  portMax?: number;
}

/** Ports to try, in order. */
export function candidatePorts(c: PortChoice): number[] {
  if (c.port !== undefined) return [c.port];
  const min = c.portMin ?? 0;
  const max = c.portMax ?? min;
  const out: number[] = [];
  for (let p = min; p <= max; p++) out.push(p);
  return out;
}

/**
 * Calls `bind(port)` on each candidate until one succeeds; EADDRINUSE moves on, other errors stop.
 * Rejects when the range is exhausted.
 */
export async function bindFirstFree<T>(
  c: PortChoice,
  bind: (port: number) => Promise<T>,
): Promise<T> {
  const ports = candidatePorts(c);
  for (const port of ports) {
    try {
      return await bind(port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  throw new Error(`no free port in ${ports[0]}-${ports[ports.length - 1]}`);
}
