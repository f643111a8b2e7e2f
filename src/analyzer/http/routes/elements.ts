// SPDX-License-Identifier: Apache-2.0
// `/api/node` and `/api/edge`: list, get, create (client-chosen ID, schema-checked, stamped with
// Origin `api.<host>`), JSON Patch of Metadata (200 or 304) and delete, on the live hub graph.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  InvalidArgumentError,
  NotFoundError,
  deepEqual,
  type Edge,
  type GraphElement,
  type Node,
} from '../../../graph/index.js';
import {
  EdgeSchema,
  ErrorBodySchema,
  JsonPatchSchema,
  edgeToJSON,
  nodeToJSON,
  validateEdge,
  validateNode,
  type EdgeJSON,
  type NodeJSON,
} from '../../../protocol/index.js';
import { NodeSchema } from '../../../protocol/index.js';
import type { AnalyzerContext } from '../../context.js';
import { applyPatch } from '../json-patch.js';
import { ErrorResponses, JSON_TYPE, sendEmpty, sendJSON } from '../../../api/http/reply.js';

type Kind = 'node' | 'edge';

const Title = { node: 'Node', edge: 'Edge' } as const;
const IdParams = Type.Object({ id: Type.String() });

/** Metadata keys a node PATCH may not change (Skydive keeps them; we refuse, see docs/api.md). */
const LOCKED_NODE_KEYS = ['Name', 'Type', 'TID'] as const;

function notFound(kind: Kind, id: string): NotFoundError {
  return new NotFoundError(
    `SKY_ERR_${kind.toUpperCase()}_NOT_FOUND`,
    `${Title[kind]} '${id}' not found`,
  );
}

function requireID(id: string): string {
  if (id === '') throw new InvalidArgumentError('SKY_ERR_BAD_REQUEST', 'empty id');
  return id;
}

const nul = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** Registers the CRUD routes of `/api/node` and `/api/edge`. */
export function elementRoutes(app: FastifyInstance, ctx: AnalyzerContext): void {
  const g = ctx.graph;
  const apiOrigin = `api.${ctx.settings.hostID}`;

  const get = (kind: Kind, id: string): GraphElement => {
    const el = kind === 'node' ? g.getNode(requireID(id)) : g.getEdge(requireID(id));
    if (!el) throw notFound(kind, id);
    return el;
  };
  const toJSON = (el: GraphElement): NodeJSON | EdgeJSON =>
    el.kind === 'node' ? nodeToJSON(el) : edgeToJSON(el);

  for (const kind of ['node', 'edge'] as const) {
    const base = `/api/${kind}`;
    const tags = [kind];
    const read = { rbac: [kind, 'read'] as const };
    const write = { rbac: [kind, 'write'] as const };
    const Element = kind === 'node' ? NodeSchema : EdgeSchema;

    app.get(
      base,
      {
        config: read,
        schema: {
          summary: `Every ${kind}, by ID`,
          tags,
          response: { 200: Type.Record(Type.String(), Element), ...ErrorResponses },
        },
      },
      async (_req, reply) => {
        const out: Record<string, NodeJSON | EdgeJSON> = {};
        for (const el of kind === 'node' ? g.nodes() : g.edges()) out[el.id] = toJSON(el);
        return reply.type(JSON_TYPE).send(JSON.stringify(out));
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: read,
        schema: {
          summary: `One ${kind}`,
          tags,
          params: IdParams,
          response: { 200: Element, 404: ErrorBodySchema, ...ErrorResponses },
        },
      },
      async (req, reply) => sendJSON(reply, toJSON(get(kind, (req.params as { id: string }).id))),
    );

    app.post(
      base,
      {
        config: write,
        schema: {
          summary: `Create a ${kind} (the client chooses its ID)`,
          tags,
          body: Element,
          response: {
            201: Element,
            400: ErrorBodySchema,
            409: { ...ErrorBodySchema, description: 'the ID exists' },
            ...ErrorResponses,
          },
        },
      },
      async (req, reply) => {
        const j = req.body as NodeJSON | EdgeJSON;
        const opts = {
          id: j.ID,
          metadata: j.Metadata,
          host: j.Host || ctx.settings.hostID,
          origin: j.Origin || apiOrigin,
          createdAt: nul(j.CreatedAt),
          updatedAt: nul(j.UpdatedAt) ?? nul(j.CreatedAt),
          deletedAt: undefined,
          revision: j.Revision || undefined,
        };
        let el: Node | Edge;
        if (kind === 'node') el = g.addDecodedNode(opts);
        else {
          const e = j as EdgeJSON;
          for (const [end, id] of [
            ['parent', e.Parent],
            ['child', e.Child],
          ] as const)
            if (!g.getNode(id))
              throw new InvalidArgumentError(
                'SKY_ERR_EDGE_UNKNOWN_NODE',
                `Edge '${e.ID}': ${end} node '${id}' does not exist`,
              );
          el = g.addDecodedEdge({ ...opts, parent: e.Parent, child: e.Child });
        }
        return sendJSON(reply, toJSON(el), 201);
      },
    );

    app.patch(
      `${base}/:id`,
      {
        config: write,
        schema: {
          summary: `Change the Metadata of a ${kind} with an RFC 6902 JSON Patch`,
          tags,
          params: IdParams,
          body: JsonPatchSchema,
          response: {
            200: Element,
            304: Type.Null({ description: 'the patch changed nothing' }),
            400: ErrorBodySchema,
            404: ErrorBodySchema,
            ...ErrorResponses,
          },
        },
      },
      async (req, reply) => {
        const el = get(kind, (req.params as { id: string }).id);
        const before = toJSON(el);
        const after = applyPatch(before, req.body);
        const checked = kind === 'node' ? validateNode(after) : validateEdge(after);
        for (const k of Object.keys(before) as Array<keyof typeof before>)
          if (k !== 'Metadata' && !deepEqual(before[k], (after as typeof before)[k]))
            throw new InvalidArgumentError('SKY_ERR_IMMUTABLE_FIELD', `${k} can not be changed`);
        if (kind === 'node')
          for (const k of LOCKED_NODE_KEYS)
            if (!deepEqual(before.Metadata[k], checked.Metadata[k]))
              throw new InvalidArgumentError(
                'SKY_ERR_IMMUTABLE_FIELD',
                `Metadata.${k} can not be changed`,
              );
        const ops = g.setMetadata(el, checked.Metadata);
        if (ops.length === 0) return reply.code(304).send();
        return sendJSON(reply, toJSON(el));
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: write,
        schema: {
          summary: `Delete a ${kind}${kind === 'node' ? ' and its edges' : ''}`,
          tags,
          params: IdParams,
          response: {
            200: Type.String({ description: 'empty' }),
            404: ErrorBodySchema,
            ...ErrorResponses,
          },
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        requireID(id);
        const done = kind === 'node' ? g.delNode(id) : g.delEdge(id);
        if (!done) throw notFound(kind, id);
        return sendEmpty(reply);
      },
    );
  }
}

/** Custom body checks for the element schemas (better messages than the generic compiler). */
export const elementChecks = new Map<unknown, (v: unknown) => unknown>([
  [NodeSchema, (v) => validateNode(v)],
  [EdgeSchema, (v) => validateEdge(v)],
]);
