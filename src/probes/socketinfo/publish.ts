// SPDX-License-Identifier: Apache-2.0
// Puts a scan's sockets on the graph: the agent's own namespace on the host node, every other on
// the `netns` node whose Inode matches. Unchanged lists cause no update (the graph drops no-ops).
import { OP_SET, type Graph, type Node } from '../../graph/index.js';
import type { ScanResult, SocketInfo } from './scan.js';

/** Inode of a netns node, or undefined for any other node. */
export function netnsInode(n: Node): number | undefined {
  if (n.metadata['Type'] !== 'netns') return undefined;
  const v = Number(n.metadata['Inode']);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** Publishes scans, and fills netns nodes that appear between two scans from the last one. */
export class SocketPublisher {
  private latest: ScanResult | undefined;

  constructor(
    private readonly graph: Graph,
    private readonly root: Node,
  ) {}

  private netnsNodes(): Iterable<Node> {
    return this.graph.lookupNodes('Type', 'netns') ?? this.graph.nodes();
  }

  private publish(node: Node, sockets: SocketInfo[]): boolean {
    if (node.deletedAt !== undefined) return false;
    return (
      this.graph.updateMetadata(node, [{ Type: OP_SET, Key: 'Sockets', Value: sockets }]).length > 0
    );
  }

  /** Applies a scan; returns the number of nodes whose Sockets changed. */
  apply(scan: ScanResult): number {
    this.latest = scan;
    let changed = 0;
    const host = scan.selfNetns === undefined ? [] : (scan.byNetns.get(scan.selfNetns) ?? []);
    if (this.publish(this.root, host)) changed++;
    for (const n of [...this.netnsNodes()]) {
      const ino = netnsInode(n);
      if (ino === undefined || n.id === this.root.id) continue;
      if (this.publish(n, scan.byNetns.get(ino) ?? [])) changed++;
    }
    return changed;
  }

  /** Fills one (new) netns node from the last scan, if there was one. */
  fill(node: Node): void {
    const ino = netnsInode(node);
    if (!this.latest || ino === undefined || node.id === this.root.id) return;
    this.publish(node, this.latest.byNetns.get(ino) ?? []);
  }

  /** The last scan, for dependents (flow enhancers mapping a 5-tuple to a process). */
  get last(): ScanResult | undefined {
    return this.latest;
  }
}
