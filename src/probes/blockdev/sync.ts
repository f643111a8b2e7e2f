// SPDX-License-Identifier: Apache-2.0
// Keeps the graph in step with the latest lsblk scan: adds, updates (changed keys only) and
// deletes blockdev nodes, and their links: host → top-level device and device → device on it.
import {
  deepEqual,
  genID,
  linkID,
  OP_DEL,
  OP_SET,
  type Graph,
  type Metadata,
  type Node,
  type PartialOp,
} from '../../graph/index.js';
import type { BlockDevice } from './lsblk.js';

/** What one apply() changed. */
export interface SyncResult {
  added: number;
  updated: number;
  deleted: number;
}

interface Tracked {
  node: Node;
  /** The keys this probe set, to delete those a later scan no longer has. */
  published: Metadata;
}

/** The blockdev nodes of one host, as the probe last published them. */
export class BlockdevGraph {
  private readonly tracked = new Map<string, Tracked>();
  private readonly edges = new Set<string>();

  constructor(
    private readonly graph: Graph,
    private readonly root: Node,
  ) {}

  /** Stable node ID for a device path on this host, so a restarted probe finds its nodes. */
  nodeID(key: string): string {
    return genID(this.root.id, 'blockdev', key);
  }

  /** Number of devices currently published. */
  get size(): number {
    return this.tracked.size;
  }

  /** Applies a full scan. */
  apply(devices: readonly BlockDevice[]): SyncResult {
    const res: SyncResult = { added: 0, updated: 0, deleted: 0 };
    const want = new Set(devices.map((d) => d.key));
    for (const [key, t] of this.tracked) {
      if (want.has(key)) continue;
      if (this.graph.delNode(t.node.id)) res.deleted++;
      this.tracked.delete(key);
    }
    for (const d of devices) this.upsert(d, res);
    this.link(devices);
    return res;
  }

  private upsert(d: BlockDevice, res: SyncResult): void {
    const t = this.tracked.get(d.key);
    const existing = t?.node ?? this.graph.getNode(this.nodeID(d.key));
    if (!existing || existing.deletedAt !== undefined) {
      const node = this.graph.newNode({ ...d.metadata }, { id: this.nodeID(d.key) });
      this.tracked.set(d.key, { node, published: d.metadata });
      res.added++;
      return;
    }
    const ops: PartialOp[] = [];
    for (const [k, v] of Object.entries(d.metadata))
      if (!deepEqual(existing.metadata[k], v)) ops.push({ Type: OP_SET, Key: k, Value: v });
    for (const k of Object.keys(t?.published ?? {}))
      if (!(k in d.metadata)) ops.push({ Type: OP_DEL, Key: k });
    if (ops.length > 0 && this.graph.updateMetadata(existing, ops).length > 0) res.updated++;
    this.tracked.set(d.key, { node: existing, published: d.metadata });
  }

  private link(devices: readonly BlockDevice[]): void {
    const want = new Map<string, [string, string, string]>();
    for (const d of devices) {
      const child = this.nodeID(d.key);
      const parents = d.parents.length > 0 ? d.parents.map((p) => this.nodeID(p)) : [this.root.id];
      parents.forEach((parent, i) => {
        const rel = i === 0 ? 'ownership' : 'connected';
        want.set(linkID(parent, child, rel), [parent, child, rel]);
      });
    }
    for (const id of this.edges) {
      if (want.has(id)) continue;
      this.graph.delEdge(id);
      this.edges.delete(id);
    }
    for (const [id, [parent, child, rel]] of want) {
      this.edges.add(id);
      if (this.graph.getEdge(id)) continue;
      if (!this.graph.getNode(parent) || !this.graph.getNode(child)) continue;
      this.graph.newEdge(parent, child, { RelationType: rel }, { id });
    }
  }
}
