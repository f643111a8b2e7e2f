// SPDX-License-Identifier: Apache-2.0
// Page-side frame recording shared by the baseline pages (same figures as the UI's bench hook):
// intervals between animation frames while a step runs on each frame, or while just watching.

/** Frame figures of a measured period, in ms. */
export interface FrameStats {
  frames: number;
  renders: number[];
  intervals: number[];
}

/** Records `frames` frames (or `ms` of frames), calling `step` on each; `renders` are collected by the page. */
export function record(
  ms: number,
  frames: number,
  renders: number[],
  step?: (i: number) => void,
): Promise<FrameStats> {
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

/** The graph as the analyzer sends it (§1.1), reduced to what the baselines draw. */
export interface PlainGraph {
  Nodes: Array<{ ID: string; Metadata: Record<string, unknown> }>;
  Edges: Array<{ ID: string; Parent: string; Child: string; Metadata: Record<string, unknown> }>;
}

/** Fetches the whole graph from the analyzer serving the page. */
export async function fetchGraph(): Promise<PlainGraph> {
  const r = await fetch('/api/topology', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ GremlinQuery: 'G' }),
  });
  const body = (await r.json()) as PlainGraph[] | PlainGraph;
  return Array.isArray(body) ? (body[0] as PlainGraph) : body;
}

/** Listens to /ws/subscriber and calls `onUpdate(id, metadata)` for each NodeUpdated. */
export function onNodeUpdates(onUpdate: (id: string, md: Record<string, unknown>) => void): void {
  const ws = new WebSocket(`ws://${location.host}/ws/subscriber?x-client-type=bench`);
  ws.onmessage = (ev) => {
    const m = JSON.parse(String(ev.data)) as {
      Type?: string;
      Obj?: { ID: string; Metadata: Record<string, unknown> };
    };
    if (m.Type === 'NodeUpdated' && m.Obj) onUpdate(m.Obj.ID, m.Obj.Metadata);
  };
}

/** A deterministic pseudo-random position (the plain examples place nodes at random). */
export function randomPosition(i: number): { x: number; y: number } {
  const r = (n: number) => {
    const x = Math.sin(n * 12.9898) * 43758.5453;
    return x - Math.floor(x);
  };
  return { x: r(i) * 1000, y: r(i + 0.5) * 1000 };
}
