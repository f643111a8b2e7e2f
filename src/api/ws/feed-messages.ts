// SPDX-License-Identifier: Apache-2.0
// The messages a filtered subscriber receives after an evaluation: deletions (edges first), then
// additions (nodes first), then updates of elements kept in its subgraph, each tagged with the
// publisher that caused it so pubsub peers are not sent their own writes.
import type { Edge, GraphElement, Node, PartialOp } from '../../graph/types.js';
import {
  GraphMessageType as T,
  Namespace,
  newStructMessage,
  type PartiallyUpdatedMsg,
} from '../../protocol/index.js';
import { ElementOutgoing, Outgoing } from './codec.js';
import type { WsConnection } from './connection.js';
import { diffSubgraphs, type Subgraph } from './filter.js';

/** Marks an element touched by several publishers in one tick. */
export const MIXED = Symbol('mixed');

/** Who caused a change: a publisher, the analyzer itself (null), or several (MIXED). */
export type Source = WsConnection | null | typeof MIXED;

/** What happened to one element since the last evaluation. */
export interface TickEntry {
  ops: PartialOp[];
  updated: boolean;
  source: Source;
}

/** A Graph namespace message with a fresh UUID. */
export function graphMsg(type: string, obj: unknown): Outgoing {
  return new Outgoing(newStructMessage(Namespace.Graph, type, obj));
}

/** An update message in both policies, each built on first use. */
export class UpdateOut {
  private fullOut: Outgoing | undefined;
  private partialOut: Outgoing | undefined;
  constructor(
    private readonly el: GraphElement,
    private readonly ops: readonly PartialOp[],
  ) {}

  /** The message for a subscriber of the given policy. */
  get(partial: boolean): Outgoing {
    const el = this.el;
    // Never a partial update without ops (Skydive's §10 bug): those go out in full.
    if (partial && this.ops.length > 0) {
      const type = el.kind === 'node' ? T.NodePartiallyUpdated : T.EdgePartiallyUpdated;
      const body: PartiallyUpdatedMsg = {
        ID: el.id,
        UpdatedAt: el.updatedAt,
        Revision: el.revision,
        Ops: [...this.ops],
      };
      return (this.partialOut ??= graphMsg(type, body));
    }
    return (this.fullOut ??= new ElementOutgoing(
      el.kind === 'node' ? T.NodeUpdated : T.EdgeUpdated,
      el,
    ));
  }
}

/** A message to send and the publisher it must not be sent to. */
export type Tagged = [Outgoing | UpdateOut, Source | undefined];

function updates<E extends Node | Edge>(
  log: ReadonlyMap<string, TickEntry>,
  prev: ReadonlyMap<string, E>,
  next: ReadonlyMap<string, E>,
  out: Tagged[],
): void {
  for (const [id, entry] of log) {
    if (!entry.updated) continue;
    const el = next.get(id);
    // Only elements kept from the previous run: new ones went out whole as *Added.
    if (el !== undefined && prev.get(id) === el)
      out.push([new UpdateOut(el, entry.ops), entry.source]);
  }
}

/** The messages that take a subscriber from `prev` to `next`, given what was logged between. */
export function diffMessages(
  prev: Subgraph,
  next: Subgraph,
  nodeLog: ReadonlyMap<string, TickEntry>,
  edgeLog: ReadonlyMap<string, TickEntry>,
): Tagged[] {
  const d = diffSubgraphs(prev, next);
  const msgs: Tagged[] = [];
  for (const e of d.removedEdges)
    msgs.push([new ElementOutgoing(T.EdgeDeleted, e), edgeLog.get(e.id)?.source]);
  for (const n of d.removedNodes)
    msgs.push([new ElementOutgoing(T.NodeDeleted, n), nodeLog.get(n.id)?.source]);
  for (const n of d.addedNodes)
    msgs.push([new ElementOutgoing(T.NodeAdded, n), nodeLog.get(n.id)?.source]);
  for (const e of d.addedEdges)
    msgs.push([new ElementOutgoing(T.EdgeAdded, e), edgeLog.get(e.id)?.source]);
  updates(nodeLog, prev.nodes, next.nodes, msgs);
  updates(edgeLog, prev.edges, next.edges, msgs);
  return msgs;
}
