// SPDX-License-Identifier: Apache-2.0
// Writes interfaces to the graph: one node per link, owned by its namespace's node, updated by
// partial ops (only what changed, only keys this probe owns), and the layer2 edges between veth
// peers (also across namespaces), bridges and their ports, and lower devices and theirs.
// An edge several links ask for (both veth ends) exists while one of them still asks for it.
import {
  linkID,
  OP_DEL,
  OP_SET,
  deepEqual,
  type Graph,
  type Metadata,
  type Node,
  type PartialOp,
} from '../../graph/index.js';
import { linkMetadata, linkType, parentIndex } from './link-meta.js';
import type { LinkMsg } from './link-msg.js';
import { metricDelta, metricOf, type Metric } from './metrics.js';
import type { NsState } from './ns-state.js';
import type { LinkStats } from './stats.js';

/** What the writer needs of a watched namespace. */
export interface NsView {
  readonly key: string;
  /** The namespace's node (netns, or the host). */
  readonly owner: Node;
  ownerTID(): string;
  readonly state: NsState;
  /** The namespace `nsid` designates from this one; undefined while unknown (lookup starts). */
  namespaceOf(nsid: number): string | undefined;
  /** LinkNetNsName for `nsid`: the name of that netns (not for the host). */
  netnsName(nsid: number): string | undefined;
}

interface LinkRec {
  key: string;
  nsKey: string;
  index: number;
  node: Node;
  /** Metadata this probe wrote last (its keys are the ones it owns). */
  managed: Metadata;
  metric: Metric | undefined;
  metricAt: number;
}

interface Want {
  edgeId: string;
  parent: Node;
  child: Node;
  meta: Metadata;
}

const keyOf = (nsKey: string, index: number) => `${nsKey}/${index}`;

export interface TopologyCounters {
  nodesAdded: number;
  nodesUpdated: number;
  nodesDeleted: number;
}

/** The graph side of the netlink probe, for every namespace. */
export class LinkTopology {
  private readonly links = new Map<string, LinkRec>();
  private readonly byNs = new Map<string, Set<string>>();
  /** Link → the link keys its edges point at (resolved), to revisit it when they change. */
  private readonly targets = new Map<string, string[]>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly linkEdges = new Map<string, Set<string>>();
  private readonly edgeOwners = new Map<string, Set<string>>();
  readonly counters: TopologyCounters = { nodesAdded: 0, nodesUpdated: 0, nodesDeleted: 0 };

  constructor(
    private readonly graph: Graph,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.links.size;
  }

  /** The node of interface `index` in namespace `nsKey`. */
  node(nsKey: string, index: number): Node | undefined {
    return this.links.get(keyOf(nsKey, index))?.node;
  }

  /** Writes the dirty interfaces of `ns`, then the edges of every interface affected. */
  flush(ns: NsView, all: ReadonlyMap<string, NsView>): void {
    const st = ns.state;
    if (st.dirty.size === 0) return;
    const affected = new Set<string>();
    const routes = st.routesByInterface();
    const parentTid = ns.ownerTID();
    for (const index of st.dirty) {
      const key = keyOf(ns.key, index);
      const link = st.links.get(index);
      if (!link) {
        if (this.links.has(key)) this.deleteLink(key, affected);
        continue;
      }
      const md = linkMetadata(
        link,
        {
          addrs: st.addrs.get(index)?.values(),
          routes: routes.get(index),
          neighs: st.neighs.get(index)?.values(),
        },
        parentTid,
        link.linkNetnsid === undefined ? undefined : ns.netnsName(link.linkNetnsid),
      );
      this.upsert(ns, key, index, md, link.stats, affected);
      affected.add(key);
    }
    st.dirty.clear();
    for (const key of affected) this.relate(key, all);
  }

  private upsert(
    ns: NsView,
    key: string,
    index: number,
    md: Metadata,
    stats: LinkStats | undefined,
    affected: Set<string>,
  ): void {
    const rec = this.links.get(key);
    if (!rec) {
      const now = this.now();
      const metric = stats ? metricOf(stats, now) : undefined;
      const node = this.graph.newNode(metric ? { ...md, Metric: metric } : { ...md });
      this.graph.newEdge(
        ns.owner.id,
        node.id,
        { RelationType: 'ownership' },
        { id: linkID(ns.owner.id, node.id, 'ownership') },
      );
      this.links.set(key, { key, nsKey: ns.key, index, node, managed: md, metric, metricAt: now });
      let set = this.byNs.get(ns.key);
      if (!set) this.byNs.set(ns.key, (set = new Set()));
      set.add(key);
      this.counters.nodesAdded++;
      this.dependents.get(key)?.forEach((k) => affected.add(k));
      return;
    }
    const ops: PartialOp[] = [];
    for (const k of Object.keys(md))
      if (!deepEqual(rec.managed[k], md[k])) ops.push({ Type: OP_SET, Key: k, Value: md[k] });
    for (const k of Object.keys(rec.managed)) if (!(k in md)) ops.push({ Type: OP_DEL, Key: k });
    rec.managed = md;
    if (ops.length === 0 || !this.graph.getNode(rec.node.id)) return;
    this.graph.updateMetadata(rec.node, ops);
    this.counters.nodesUpdated++;
  }

  private deleteLink(key: string, affected: Set<string>): void {
    const rec = this.links.get(key)!;
    this.links.delete(key);
    this.byNs.get(rec.nsKey)?.delete(key);
    if (this.graph.delNode(rec.node.id)) this.counters.nodesDeleted++;
    this.dependents.get(key)?.forEach((k) => affected.add(k));
    this.forgetEdges(key);
  }

  private forgetEdges(key: string): void {
    for (const t of this.targets.get(key) ?? []) this.dependents.get(t)?.delete(key);
    this.targets.delete(key);
    for (const e of this.linkEdges.get(key) ?? []) this.release(e, key);
    this.linkEdges.delete(key);
  }

  private release(edgeId: string, owner: string): void {
    const owners = this.edgeOwners.get(edgeId);
    owners?.delete(owner);
    if (owners && owners.size > 0) return;
    this.edgeOwners.delete(edgeId);
    this.graph.delEdge(edgeId);
  }

  /** Removes every interface of a namespace (it went away). */
  removeNamespace(nsKey: string, all: ReadonlyMap<string, NsView>): void {
    const keys = this.byNs.get(nsKey);
    if (!keys) return;
    const affected = new Set<string>();
    for (const key of [...keys]) this.deleteLink(key, affected);
    this.byNs.delete(nsKey);
    for (const key of affected) if (this.links.has(key)) this.relate(key, all);
  }

  /** Removes everything this writer added. */
  clear(): void {
    for (const rec of this.links.values()) this.graph.delNode(rec.node.id);
    this.links.clear();
    this.byNs.clear();
    this.targets.clear();
    this.dependents.clear();
    this.linkEdges.clear();
    this.edgeOwners.clear();
  }

  /** Brings the edges `key` asks for in line with its current link message. */
  private relate(key: string, all: ReadonlyMap<string, NsView>): void {
    const rec = this.links.get(key);
    if (!rec) return;
    const ns = all.get(rec.nsKey);
    const link = ns?.state.links.get(rec.index);
    const { wants, targets } = link && ns ? this.wanted(rec, link, ns) : { wants: [], targets: [] };
    for (const t of this.targets.get(key) ?? []) this.dependents.get(t)?.delete(key);
    for (const t of targets) {
      let d = this.dependents.get(t);
      if (!d) this.dependents.set(t, (d = new Set()));
      d.add(key);
    }
    this.targets.set(key, targets);
    const before = this.linkEdges.get(key) ?? new Set<string>();
    const after = new Set(wants.map((w) => w.edgeId));
    for (const e of before) if (!after.has(e)) this.release(e, key);
    for (const w of wants) {
      let owners = this.edgeOwners.get(w.edgeId);
      if (!owners) this.edgeOwners.set(w.edgeId, (owners = new Set()));
      owners.add(key);
      if (!this.graph.getEdge(w.edgeId))
        this.graph.newEdge(w.parent.id, w.child.id, w.meta, { id: w.edgeId });
    }
    if (after.size) this.linkEdges.set(key, after);
    else this.linkEdges.delete(key);
  }

  private wanted(rec: LinkRec, link: LinkMsg, ns: NsView): { wants: Want[]; targets: string[] } {
    const wants: Want[] = [];
    const targets: string[] = [];
    const target = (index: number, nsid: number | undefined): LinkRec | undefined => {
      const nsKey = nsid === undefined ? ns.key : ns.namespaceOf(nsid);
      if (nsKey === undefined) return undefined;
      const k = keyOf(nsKey, index);
      targets.push(k);
      const t = this.links.get(k);
      return t && this.graph.getNode(t.node.id) ? t : undefined;
    };
    const layer2 = (parent: Node, child: Node, extra: Metadata) =>
      wants.push({
        edgeId: linkID(parent.id, child.id, 'layer2'),
        parent,
        child,
        meta: { RelationType: 'layer2', ...extra },
      });
    if (link.kind === 'veth' && link.link) {
      const peer = target(link.link, link.linkNetnsid);
      if (peer && peer.node.metadata['Type'] === 'veth') {
        // Both ends name the same edge: the end with the higher index (then namespace) is parent.
        const peerFirst =
          peer.index !== rec.index ? peer.index > rec.index : peer.nsKey > rec.nsKey;
        const [p, c] = peerFirst ? [peer.node, rec.node] : [rec.node, peer.node];
        layer2(p, c, { Type: 'veth' });
      }
    }
    if (link.master) {
      const master = target(link.master, undefined);
      if (master && master.node.metadata['Name'] !== 'ovs-system')
        layer2(master.node, rec.node, {});
    }
    const lower = parentIndex(link);
    if (lower) {
      const parent = target(lower, link.linkNetnsid);
      if (parent) layer2(parent.node, rec.node, { Type: linkType(link) });
    }
    return { wants, targets };
  }

  /**
   * Applies one round of counters (RTM_GETSTATS of every namespace): Metric gets the totals,
   * LastUpdateMetric the change since the previous round. Nodes whose counters did not move
   * are left alone.
   */
  updateMetrics(nsKey: string, stats: ReadonlyMap<number, LinkStats>, now: number): number {
    let updated = 0;
    for (const key of this.byNs.get(nsKey) ?? []) {
      const rec = this.links.get(key)!;
      const s = stats.get(rec.index);
      if (!s || !this.graph.getNode(rec.node.id)) continue;
      const cur = metricOf(s, now);
      if (!cur) continue;
      const ops: PartialOp[] = [];
      if (rec.metric) {
        const delta = metricDelta(cur, rec.metric, rec.metricAt, now);
        if (!delta) continue;
        ops.push({ Type: OP_SET, Key: 'Metric', Value: cur });
        ops.push({ Type: OP_SET, Key: 'LastUpdateMetric', Value: delta });
      } else ops.push({ Type: OP_SET, Key: 'Metric', Value: cur });
      rec.metric = cur;
      rec.metricAt = now;
      this.graph.updateMetadata(rec.node, ops);
      updated++;
    }
    return updated;
  }
}
