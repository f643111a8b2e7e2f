// SPDX-License-Identifier: Apache-2.0
// Applies what a peer analyzer sends on /ws/replication to the hub graph (skydive-compat §2.6,
// §2.10): its Sync replaces everything that peer contributed before, then incremental events
// follow the receiving rules (an add of a known ID is ignored, updates need a newer Revision, an
// edge needs both ends). Each received element's Origin is recorded as the peer's in the ledger
// before the graph changes, so the history writer's skip predicate already sees it.
import {
  InvalidArgumentError,
  decodeEdge,
  decodeNode,
  type DecodedEdge,
  type DecodedElement,
  type Edge,
  type Graph,
  type GraphElement,
  type Node,
} from '../../graph/index.js';
import { GraphMessageType as T, Namespace, type StructMessage } from '../../protocol/index.js';
import { ERR_WS_UNKNOWN_MESSAGE } from '../../api/ws/endpoint.js';
import {
  ERR_WS_INVALID_PAYLOAD,
  decodePartialUpdate,
  decodeSyncLists,
} from '../../api/ws/payloads.js';
import type { OriginLedger } from './ledger.js';

/**
 * What a message did: `applied`; `ignored` (already known, not newer: normal in a mesh);
 * `dropped` counts elements that could not be applied (unknown element or edge end, an ID or an
 * Origin owned here).
 */
export interface ApplyOutcome {
  applied: number;
  ignored: number;
  dropped: number;
  /** Up to a few reasons for the dropped ones, for the log. */
  reasons: string[];
}

const MAX_REASONS = 5;

/** A Sync sent in parts, being gathered. */
interface PartialSync {
  parts: number;
  next: number;
  nodes: unknown[];
  edges: unknown[];
}

/** Applies one peer's Graph messages to the hub graph. */
export class PeerApplier {
  /** By peer: the parts of a Sync received so far. */
  private readonly gathering = new Map<string, PartialSync>();

  constructor(
    private readonly graph: Graph,
    private readonly ledger: OriginLedger,
  ) {}

  /**
   * Applies `msg` from `peer` (its host ID).
   * @throws InvalidArgumentError SKY_ERR_WS_UNKNOWN_MESSAGE (namespace or type), SKY_ERR_WS_INVALID_PAYLOAD
   *   or SKY_ERR_INVALID_NODE/EDGE (payload shape).
   */
  apply(peer: string, msg: StructMessage): ApplyOutcome {
    if (msg.Namespace !== Namespace.Graph)
      throw new InvalidArgumentError(
        ERR_WS_UNKNOWN_MESSAGE,
        `unknown namespace '${msg.Namespace}' on /ws/replication`,
      );
    const out: ApplyOutcome = { applied: 0, ignored: 0, dropped: 0, reasons: [] };
    const g = this.graph;
    switch (msg.Type) {
      case T.Sync:
      case T.SyncReply:
        this.sync(peer, msg.Type, msg.Obj, out);
        break;
      case T.NodeAdded:
        this.addNode(peer, decodeNode(msg.Obj), out);
        break;
      case T.EdgeAdded:
        this.addEdge(peer, decodeEdge(msg.Obj), out);
        break;
      case T.NodeUpdated: {
        const d = decodeNode(msg.Obj);
        this.update(g.getNode(d.id), d, out);
        break;
      }
      case T.EdgeUpdated: {
        const d = decodeEdge(msg.Obj);
        this.update(g.getEdge(d.id), d, out);
        break;
      }
      case T.NodeDeleted: {
        const d = decodeNode(msg.Obj);
        count(out, g.delNode(d.id, d.deletedAt));
        break;
      }
      case T.EdgeDeleted: {
        // Its node may have taken it along already (§2.6).
        const d = decodeEdge(msg.Obj);
        count(out, g.delEdge(d.id, d.deletedAt));
        break;
      }
      case T.NodePartiallyUpdated:
      case T.EdgePartiallyUpdated: {
        const p = decodePartialUpdate(msg.Type, msg.Obj);
        const el = msg.Type === T.NodePartiallyUpdated ? g.getNode(p.id) : g.getEdge(p.id);
        if (el === undefined) drop(out, `${msg.Type} of unknown ${p.id}`);
        else if (p.revision !== undefined && p.revision <= el.revision) out.ignored++;
        else {
          g.updateMetadata(el, p.ops, { revision: p.revision, updatedAt: p.updatedAt });
          out.applied++;
        }
        break;
      }
      default:
        throw new InvalidArgumentError(
          ERR_WS_UNKNOWN_MESSAGE,
          `unknown message type '${msg.Type}' in namespace Graph on /ws/replication`,
        );
    }
    return out;
  }

  /** Everything `peer` contributed: deleted when its link is lost. Returns the deleted count. */
  removePeer(peer: string): { nodes: number; edges: number } {
    const res = { nodes: 0, edges: 0 };
    for (const origin of this.ledger.originsOf(peer)) {
      const r = this.graph.deleteByOrigin(origin);
      res.nodes += r.nodes;
      res.edges += r.edges;
    }
    this.ledger.release(peer);
    this.gathering.delete(peer);
    return res;
  }

  /**
   * The lists of a whole Sync: at once for a plain one; for one in parts (`Part` 1..`Parts` in its
   * body, skydive-ts), undefined until the last part, in order, has arrived.
   */
  private gather(
    peer: string,
    type: string,
    obj: unknown,
  ): { nodes: unknown[]; edges: unknown[] } | undefined {
    const lists = decodeSyncLists(type, obj);
    const o = obj as Record<string, unknown>;
    const parts = o['Parts'];
    const part = o['Part'];
    if (parts === undefined || parts === null) return lists;
    if (!Number.isInteger(parts) || !Number.isInteger(part) || (part as number) < 1)
      throw new InvalidArgumentError(
        ERR_WS_INVALID_PAYLOAD,
        `${type}: Part and Parts must be positive integers`,
      );
    let g = this.gathering.get(peer);
    if (part === 1)
      this.gathering.set(peer, (g = { parts: parts as number, next: 1, nodes: [], edges: [] }));
    if (g === undefined || part !== g.next || parts !== g.parts) {
      this.gathering.delete(peer);
      throw new InvalidArgumentError(
        ERR_WS_INVALID_PAYLOAD,
        `${type}: part ${String(part)} of ${String(parts)} out of order`,
      );
    }
    for (const n of lists.nodes) g.nodes.push(n);
    for (const e of lists.edges) g.edges.push(e);
    g.next++;
    if (g.next <= g.parts) return undefined;
    this.gathering.delete(peer);
    return { nodes: g.nodes, edges: g.edges };
  }

  /** The origin an element of `peer` is recorded under (Skydive's client origin by default). */
  private originOf(peer: string, d: DecodedElement): string {
    if (d.origin === undefined || d.origin === '') d.origin = `analyzer.${peer}`;
    return d.origin;
  }

  private addNode(peer: string, d: DecodedElement, out: ApplyOutcome): void {
    const origin = this.originOf(peer, d);
    if (this.graph.getNode(d.id) !== undefined) out.ignored++;
    else if (!this.ledger.claim(origin, peer)) drop(out, `${d.id}: origin ${origin} is local`);
    else {
      this.graph.addDecodedNode(d);
      out.applied++;
    }
  }

  private addEdge(peer: string, d: DecodedEdge, out: ApplyOutcome): void {
    const origin = this.originOf(peer, d);
    const g = this.graph;
    if (g.getEdge(d.id) !== undefined) out.ignored++;
    else if (g.getNode(d.parent) === undefined || g.getNode(d.child) === undefined)
      drop(out, `${d.id}: edge end unknown`);
    else if (!this.ledger.claim(origin, peer)) drop(out, `${d.id}: origin ${origin} is local`);
    else {
      g.addDecodedEdge(d);
      out.applied++;
    }
  }

  private update(el: GraphElement | undefined, d: DecodedElement, out: ApplyOutcome): void {
    if (el === undefined) drop(out, `update of unknown ${d.id}`);
    else if (d.revision !== undefined && d.revision <= el.revision) out.ignored++;
    else {
      this.graph.setMetadata(el, d.metadata, { revision: d.revision, updatedAt: d.updatedAt });
      out.applied++;
    }
  }

  /**
   * Makes what `peer` contributed equal to the Sync: its origins (before and now) lose the
   * elements the Sync does not carry, then received elements are added or updated. Elements of a
   * local origin, or whose ID a local element holds, are dropped.
   */
  private sync(peer: string, type: string, obj: unknown, out: ApplyOutcome): void {
    const lists = this.gather(peer, type, obj);
    if (lists === undefined) return;
    const nodes = new Map<string, DecodedElement>();
    const edges = new Map<string, DecodedEdge>();
    const origins = new Set<string>();
    const take = <D extends DecodedElement>(
      raw: unknown[],
      dec: (j: unknown) => D,
      into: Map<string, D>,
    ) => {
      for (const j of raw) {
        let d: D;
        try {
          d = dec(j);
        } catch (err) {
          drop(out, (err as Error).message);
          continue;
        }
        const origin = this.originOf(peer, d);
        if (!this.ledger.claim(origin, peer)) drop(out, `${d.id}: origin ${origin} is local`);
        else {
          origins.add(origin);
          into.set(d.id, d);
        }
      }
    };
    const scope = new Set(this.ledger.originsOf(peer));
    take(lists.nodes, decodeNode, nodes);
    take(lists.edges, decodeEdge, edges);
    for (const o of origins) scope.add(o);
    const g = this.graph;
    const goneEdges: Edge[] = [];
    for (const e of g.edges()) {
      if (!scope.has(e.origin)) continue;
      const r = edges.get(e.id);
      if (r === undefined || r.parent !== e.parent || r.child !== e.child) goneEdges.push(e);
    }
    const goneNodes: Node[] = [];
    for (const n of g.nodes()) if (scope.has(n.origin) && !nodes.has(n.id)) goneNodes.push(n);
    for (const e of goneEdges) g.delEdge(e.id);
    for (const n of goneNodes) g.delNode(n.id);
    // deleted while still the peer's, so history skipped them; now forget what it no longer writes
    this.ledger.release(peer, origins);
    for (const d of nodes.values()) {
      const cur = g.getNode(d.id);
      if (cur === undefined) {
        g.addDecodedNode(d);
        out.applied++;
      } else if (cur.origin !== d.origin) drop(out, `${d.id}: ID held by origin ${cur.origin}`);
      else this.refresh(cur, d, out);
    }
    for (const d of edges.values()) {
      const cur = g.getEdge(d.id);
      if (cur === undefined) {
        if (g.getNode(d.parent) === undefined || g.getNode(d.child) === undefined)
          drop(out, `${d.id}: edge end unknown`);
        else {
          g.addDecodedEdge(d);
          out.applied++;
        }
      } else if (cur.origin !== d.origin) drop(out, `${d.id}: ID held by origin ${cur.origin}`);
      else this.refresh(cur, d, out);
    }
  }

  private refresh(cur: GraphElement, d: DecodedElement, out: ApplyOutcome): void {
    const ops = this.graph.setMetadata(cur, d.metadata, {
      revision: d.revision,
      updatedAt: d.updatedAt,
    });
    if (ops.length > 0) out.applied++;
    else out.ignored++;
  }
}

function count(out: ApplyOutcome, applied: boolean): void {
  if (applied) out.applied++;
  else out.ignored++;
}

function drop(out: ApplyOutcome, reason: string): void {
  out.dropped++;
  if (out.reasons.length < MAX_REASONS) out.reasons.push(reason);
}
