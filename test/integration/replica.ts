// SPDX-License-Identifier: Apache-2.0
// A subscriber's copy of the graph, built the way a UI builds it: the SyncReply, then every event
// applied strictly. An event that does not fit the copy (an add of a known element, an update or
// delete of an unknown one, a node deleted before its edges) is recorded as a violation.

import { WsClient, type WsClientOptions } from '../../src/client/index.js';
import {
  GraphMessageType as T,
  Namespace,
  WsPath,
  newStructMessage,
  type EdgeJSON,
  type GraphJSON,
  type NodeJSON,
  type PartiallyUpdatedMsg,
  type StructMessage,
} from '../../src/protocol/index.js';

type Metadata = Record<string, unknown>;

/** Applies partial-update ops (Type 1 set at a dotted key, 2 delete and prune empty parents). */
export function applyOps(md: Metadata, ops: PartiallyUpdatedMsg['Ops']): void {
  for (const op of ops ?? []) {
    const parts = op.Key.split('.');
    const last = parts.pop() as string;
    const chain: Metadata[] = [md];
    let cur = md;
    for (const p of parts) {
      let next = cur[p];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        if (op.Type !== 1) break;
        next = cur[p] = {};
      }
      cur = next as Metadata;
      chain.push(cur);
    }
    if (op.Type === 1) {
      cur[last] = structuredClone((op as { Value: unknown }).Value);
      continue;
    }
    if (chain.length !== parts.length + 1) continue;
    delete cur[last];
    for (let i = parts.length; i > 0; i--) {
      const obj = chain[i] as Metadata;
      if (Object.keys(obj).length > 0) break;
      delete (chain[i - 1] as Metadata)[parts[i - 1] as string];
    }
  }
}

/** A comparable form of a graph: sorted IDs with metadata (and ends for edges). */
export interface GraphShape {
  nodes: [string, Metadata][];
  edges: [string, string, string, Metadata][];
}

/** The shape of graph JSON. */
export function shapeOf(g: Partial<GraphJSON> | undefined): GraphShape {
  const nodes = [...(g?.Nodes ?? [])].sort((a, b) => a.ID.localeCompare(b.ID));
  const edges = [...(g?.Edges ?? [])].sort((a, b) => a.ID.localeCompare(b.ID));
  return {
    nodes: nodes.map((n) => [n.ID, n.Metadata]),
    edges: edges.map((e) => [e.ID, e.Parent, e.Child, e.Metadata]),
  };
}

/** A graph copy fed by events. */
export class Replica {
  readonly nodes = new Map<string, NodeJSON>();
  readonly edges = new Map<string, EdgeJSON>();
  readonly violations: string[] = [];
  /** Messages applied, by Type. */
  readonly counts = new Map<string, number>();
  /** Every message applied, in order. */
  readonly log: StructMessage[] = [];

  constructor(graph: Partial<GraphJSON>) {
    for (const n of graph.Nodes ?? []) this.nodes.set(n.ID, structuredClone(n));
    for (const e of graph.Edges ?? []) this.edges.set(e.ID, structuredClone(e));
  }

  private bad(msg: StructMessage, why: string): void {
    const id = (msg.Obj as { ID?: string } | null)?.ID;
    this.violations.push(`${msg.Type} ${id}: ${why}`);
  }

  /** Applies one message of the Graph namespace (others are only counted). */
  apply(msg: StructMessage): void {
    this.log.push(msg);
    this.counts.set(msg.Type, (this.counts.get(msg.Type) ?? 0) + 1);
    if (msg.Namespace !== Namespace.Graph) return;
    const obj = structuredClone(msg.Obj) as NodeJSON & EdgeJSON & PartiallyUpdatedMsg;
    switch (msg.Type) {
      case T.NodeAdded:
        if (this.nodes.has(obj.ID)) this.bad(msg, 'already known');
        this.nodes.set(obj.ID, obj);
        break;
      case T.EdgeAdded:
        if (this.edges.has(obj.ID)) this.bad(msg, 'already known');
        if (!this.nodes.has(obj.Parent) || !this.nodes.has(obj.Child))
          this.bad(msg, 'an end is unknown');
        this.edges.set(obj.ID, obj);
        break;
      case T.NodeUpdated:
        if (!this.nodes.has(obj.ID)) this.bad(msg, 'unknown');
        this.nodes.set(obj.ID, obj);
        break;
      case T.EdgeUpdated:
        if (!this.edges.has(obj.ID)) this.bad(msg, 'unknown');
        this.edges.set(obj.ID, obj);
        break;
      case T.NodeDeleted:
        if (!this.nodes.delete(obj.ID)) this.bad(msg, 'unknown');
        for (const e of this.edges.values())
          if (e.Parent === obj.ID || e.Child === obj.ID) this.bad(msg, `edge ${e.ID} still there`);
        break;
      case T.EdgeDeleted:
        if (!this.edges.delete(obj.ID)) this.bad(msg, 'unknown');
        break;
      case T.NodePartiallyUpdated:
      case T.EdgePartiallyUpdated: {
        const el =
          msg.Type === T.NodePartiallyUpdated ? this.nodes.get(obj.ID) : this.edges.get(obj.ID);
        if (!el) {
          this.bad(msg, 'unknown');
          break;
        }
        if (!Array.isArray(obj.Ops) || obj.Ops.length === 0) this.bad(msg, 'no Ops');
        if (obj.Revision <= el.Revision) this.bad(msg, `revision ${obj.Revision} not newer`);
        applyOps(el.Metadata, obj.Ops);
        el.Revision = obj.Revision;
        el.UpdatedAt = obj.UpdatedAt;
        break;
      }
      default:
        this.bad(msg, 'unexpected type');
    }
  }

  /** The copy as graph JSON. */
  graph(): GraphJSON {
    return { Nodes: [...this.nodes.values()], Edges: [...this.edges.values()] };
  }

  shape(): GraphShape {
    return shapeOf(this.graph());
  }
}

/** A subscriber connection feeding a Replica. */
export interface Follower {
  client: WsClient;
  /** Undefined until the SyncReply arrived. */
  replica(): Replica;
  /** Messages outside the Graph namespace, or replies with an error status. */
  others: StructMessage[];
  close(): Promise<void>;
}

/**
 * Connects a subscriber (`/ws/subscriber` unless `opts.path` says otherwise) and feeds a Replica.
 * The SyncRequest carries `syncFilter` when given (§2.6), and is sent with send() so that its
 * reply is seen in stream order: events before it are in the reply, events after it apply to it.
 */
export async function follow(opts: WsClientOptions, syncFilter?: string): Promise<Follower> {
  const client = new WsClient({ path: WsPath.Subscriber, ...opts });
  const uuid = globalThis.crypto.randomUUID();
  let replica: Replica | undefined;
  const others: StructMessage[] = [];
  let synced!: () => void;
  let failed!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    synced = resolve;
    failed = reject;
  });
  client.on('message', (m: StructMessage) => {
    if (m.UUID === uuid) {
      if (m.Status !== 200) failed(new Error(`SyncReply ${m.Status}: ${JSON.stringify(m.Obj)}`));
      else {
        replica = new Replica(m.Obj as GraphJSON);
        synced();
      }
    } else if (m.Namespace !== Namespace.Graph || m.Status >= 400) others.push(m);
    else replica?.apply(m);
  });
  await client.connect();
  const req = syncFilter === undefined ? {} : { GremlinFilter: syncFilter };
  await client.send(newStructMessage(Namespace.Graph, T.SyncRequest, req, uuid));
  await ready;
  return {
    client,
    replica: () => replica as Replica,
    others,
    close: () => client.close(),
  };
}
