// SPDX-License-Identifier: Apache-2.0
// The revisions the history benchmark writes: a datacenter topology added at t0, then metric-like
// updates spread over the nodes one ms apart, with some veths deleted on the way. Deterministic.
import type { HistoryChange } from '../src/storage/history-store.js';
import type { EdgeJSON, NodeJSON } from '../src/graph/index.js';
import { datacenter } from './fixtures/datacenter.js';

export const T0 = 1_700_000_000_000;

export interface HistoryData {
  /** Batches of changes, in order (each is one append). */
  batches: HistoryChange[][];
  revisions: number;
  nodes: number;
  /** A time in the middle of the updates. */
  middle: number;
}

/** About `revisions` changes over a topology of about `nodes` nodes, in batches of `batch`. */
export function historyData(revisions: number, nodes: number, batch: number): HistoryData {
  const topo = datacenter(nodes);
  const all: HistoryChange[] = [];
  const json = (el: NodeJSON | EdgeJSON): HistoryChange['element'] => el;
  for (const n of topo.nodes)
    all.push({
      kind: 'node',
      op: 'add',
      time: T0,
      element: json(n),
      metadataJSON: JSON.stringify(n.Metadata),
    });
  for (const e of topo.edges)
    all.push({
      kind: 'edge',
      op: 'add',
      time: T0,
      element: json(e),
      metadataJSON: JSON.stringify(e.Metadata),
    });
  const alive = topo.nodes.map(() => true);
  const rev = topo.nodes.map(() => 1);
  const updates = Math.max(0, revisions - all.length);
  let k = 0;
  for (let i = 0; all.length < revisions && i < updates * 2; i++) {
    const idx = (i * 7919) % topo.nodes.length;
    if (!alive[idx]) continue;
    const n = topo.nodes[idx]!;
    const time = T0 + 1000 + k++;
    if (i % 97 === 0 && n.Metadata['Type'] === 'veth') {
      alive[idx] = false;
      const element = { ...n, DeletedAt: time, Revision: rev[idx]! };
      all.push({ kind: 'node', op: 'delete', time, element });
      continue;
    }
    const r = ++rev[idx]!;
    const md = { ...n.Metadata, Stats: { RxBytes: i * 1500, TxBytes: i * 900, RxPackets: i } };
    const element: NodeJSON = { ...n, Metadata: md, UpdatedAt: time, Revision: r };
    all.push({ kind: 'node', op: 'update', time, element, metadataJSON: JSON.stringify(md) });
  }
  const batches: HistoryChange[][] = [];
  for (let i = 0; i < all.length; i += batch) batches.push(all.slice(i, i + batch));
  return {
    batches,
    revisions: all.length,
    nodes: topo.nodes.length,
    middle: T0 + 1000 + Math.floor(k / 2),
  };
}
