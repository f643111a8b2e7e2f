// SPDX-License-Identifier: Apache-2.0
// Applies Graph messages from a publisher or an agent to the hub graph, with the receiving rules
// of §2.6 (revisions, cascade deletes). Every refusal is a typed error the endpoint answers with.
import {
  InvalidArgumentError,
  NotFoundError,
  decodeEdge,
  decodeNode,
  type DecodedEdge,
  type DecodedElement,
  type Graph,
} from '../../graph/index.js';
import type { GraphElement } from '../../graph/types.js';
import {
  GraphMessageType as T,
  Namespace,
  checkEdge,
  checkNode,
  type StructMessage,
} from '../../protocol/index.js';
import { ERR_WS_UNKNOWN_MESSAGE } from '../../api/ws/endpoint.js';
import { decodePartialUpdate, decodeSyncLists } from '../../api/ws/payloads.js';
import { replaceOrigin, type ReplaceResult } from './sync-replace.js';

/** Code of a Sync whose elements were partly refused (the rest is applied). */
export const ERR_WS_SYNC_PARTIAL = 'SKY_ERR_WS_SYNC_PARTIAL';

/** How a writer treats what it receives. */
export interface GraphWriterOptions {
  /** `<X-Client-Type>.<X-Host-ID>` of the peer. */
  origin: string;
  /**
   * Publisher mode: Origin is forced to `origin` and added/updated elements must pass the node
   * and edge schemas. Agent mode keeps the Origin the agent sent (it matches) and trusts shapes.
   */
  strict: boolean;
}

/** What a message did to the graph, for logs and Sync accounting. */
export type ApplyResult = { kind: 'applied' | 'ignored' } | ({ kind: 'sync' } & ReplaceResult);

/** The result of most messages, shared rather than allocated per message. */
const APPLIED: ApplyResult = Object.freeze({ kind: 'applied' });
const NO_PATH = Object.freeze({});

/** Applies one peer's Graph messages to the hub graph. */
export class GraphWriter {
  constructor(
    private readonly graph: Graph,
    private readonly opts: GraphWriterOptions,
  ) {}

  /**
   * Applies a Graph message (SyncRequest excluded: endpoints answer it).
   * @throws InvalidArgumentError (bad payload, schema, unknown type), NotFoundError (unknown element
   *   or edge end), ConflictError (an ID that exists).
   */
  apply(msg: StructMessage): ApplyResult {
    if (msg.Namespace !== Namespace.Graph)
      throw new InvalidArgumentError(
        ERR_WS_UNKNOWN_MESSAGE,
        `unknown namespace '${msg.Namespace}'`,
      );
    const g = this.graph;
    switch (msg.Type) {
      case T.NodeAdded:
        g.addDecodedNode(this.node(msg.Obj, true));
        return APPLIED;
      case T.EdgeAdded:
        g.addDecodedEdge(this.edge(msg.Obj, true));
        return APPLIED;
      case T.NodeUpdated: {
        const d = this.node(msg.Obj, true);
        return this.update(g.getNode(d.id) ?? notFound('Node', d.id), d);
      }
      case T.EdgeUpdated: {
        const d = this.edge(msg.Obj, true);
        return this.update(g.getEdge(d.id) ?? notFound('Edge', d.id), d);
      }
      case T.NodeDeleted: {
        const d = this.node(msg.Obj, false);
        if (!g.delNode(d.id, d.deletedAt)) notFound('Node', d.id);
        return APPLIED;
      }
      case T.EdgeDeleted: {
        // An unknown edge is silently ignored (§2.6): its node may have taken it along already.
        const d = this.edge(msg.Obj, false);
        return { kind: g.delEdge(d.id, d.deletedAt) ? 'applied' : 'ignored' };
      }
      case T.NodePartiallyUpdated:
      case T.EdgePartiallyUpdated: {
        const p = decodePartialUpdate(msg.Type, msg.Obj);
        const el =
          msg.Type === T.NodePartiallyUpdated
            ? (g.getNode(p.id) ?? notFound('Node', p.id))
            : (g.getEdge(p.id) ?? notFound('Edge', p.id));
        if (p.revision !== undefined && p.revision <= el.revision) return { kind: 'ignored' };
        g.updateMetadata(el, p.ops, { revision: p.revision, updatedAt: p.updatedAt });
        return APPLIED;
      }
      case T.Sync:
      case T.SyncReply:
        return this.sync(msg.Type, msg.Obj);
      default:
        throw new InvalidArgumentError(
          ERR_WS_UNKNOWN_MESSAGE,
          `unknown message type '${msg.Type}' in namespace Graph`,
        );
    }
  }

  /** Full update: applied only when newer than what is stored (or when no Revision is sent). */
  private update(el: GraphElement, d: DecodedElement): ApplyResult {
    if (d.revision !== undefined && d.revision <= el.revision) return { kind: 'ignored' };
    this.graph.setMetadata(el, d.metadata, { revision: d.revision, updatedAt: d.updatedAt });
    return APPLIED;
  }

  private withOrigin<D extends DecodedElement>(d: D): D {
    if (this.opts.strict || d.origin === undefined || d.origin === '') d.origin = this.opts.origin;
    return d;
  }

  /** Decodes a node; `full` asks for the schema check in strict mode (deletions need only an ID). */
  private node(json: unknown, full: boolean, path?: string): DecodedElement {
    if (this.opts.strict && full) checkNode(json, path === undefined ? NO_PATH : { path });
    return this.withOrigin(decodeNode(json));
  }

  private edge(json: unknown, full: boolean, path?: string): DecodedEdge {
    if (this.opts.strict && full) checkEdge(json, path === undefined ? NO_PATH : { path });
    return this.withOrigin(decodeEdge(json));
  }

  private sync(type: string, obj: unknown): ApplyResult {
    const lists = decodeSyncLists(type, obj);
    const problems: string[] = [];
    const decode = <D>(raw: unknown[], key: string, fn: (j: unknown, path: string) => D): D[] => {
      const out: D[] = [];
      raw.forEach((j, i) => {
        try {
          out.push(fn(j, `${key}[${i}]`));
        } catch (err) {
          problems.push((err as Error).message);
        }
      });
      return out;
    };
    const nodes = decode(lists.nodes, 'Nodes', (j, p) => this.node(j, true, p));
    const edges = decode(lists.edges, 'Edges', (j, p) => this.edge(j, true, p));
    const res = replaceOrigin(this.graph, this.opts.origin, nodes, edges);
    const left = problems.length + res.skipped.length;
    if (res.skipped.length > 0)
      problems.push(
        `skipped (ID owned by another origin, or edge end unknown): ${res.skipped.slice(0, 5).join(', ')}`,
      );
    if (left > 0)
      throw new InvalidArgumentError(
        ERR_WS_SYNC_PARTIAL,
        `${type} applied without ${left} element(s): ${problems.slice(0, 6).join('; ')}`,
      );
    return { kind: 'sync', ...res };
  }
}

function notFound(what: 'Node' | 'Edge', id: string): never {
  throw new NotFoundError(
    `SKY_ERR_${what.toUpperCase()}_NOT_FOUND`,
    `${what} '${id}' does not exist`,
  );
}
