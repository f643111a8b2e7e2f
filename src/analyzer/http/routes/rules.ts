// SPDX-License-Identifier: Apache-2.0
// `/api/noderule` and `/api/edgerule` (§3.1, §3.3): list, get, create (server UUID v4, 201, 409
// for a rule that duplicates another, optional X-Resource-TTL), delete; PATCH is refused (400).
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  InvalidArgumentError,
  NotFoundError,
  ConflictError,
  uuidV4,
} from '../../../graph/index.js';
import { parseGoDuration } from '../../../gremlin/index.js';
import { EdgeRuleSchema, ErrorBodySchema, NodeRuleSchema } from '../../../protocol/index.js';
import type { Resource, ResourceKind, ResourceStore } from '../../../storage/resource-store.js';
import type { EdgeRule, NodeRule, RuleQueries } from '../../rules/types.js';
import {
  sameEdgeRule,
  sameNodeRule,
  validateEdgeRule,
  validateNodeRule,
} from '../../rules/validate.js';
import { ErrorResponses, sendEmpty, sendJSON } from '../../../api/http/reply.js';

/** How one resource kind is checked, compared and shown. */
interface ResourceDef<R extends Resource> {
  kind: ResourceKind;
  /** Skydive's title in messages: `strings.Title(name)`. */
  title: string;
  schema: TSchema;
  validate(body: unknown): Omit<R, 'UUID'>;
  same(a: Omit<R, 'UUID'>, b: Omit<R, 'UUID'>): boolean;
  /** The JSON with Go's key order, every key present. */
  show(r: R): R;
}

function ruleDefs(
  queries: RuleQueries,
): [ResourceDef<NodeRule & Resource>, ResourceDef<EdgeRule & Resource>] {
  return [
    {
      kind: 'noderule',
      title: 'Noderule',
      schema: NodeRuleSchema,
      validate: (b) => validateNodeRule(b, queries),
      same: sameNodeRule,
      show: (r) => ({
        UUID: r.UUID,
        Name: r.Name,
        Description: r.Description,
        Metadata: r.Metadata,
        Action: r.Action,
        Query: r.Query,
      }),
    },
    {
      kind: 'edgerule',
      title: 'Edgerule',
      schema: EdgeRuleSchema,
      validate: (b) => validateEdgeRule(b, queries),
      same: sameEdgeRule,
      show: (r) => ({
        UUID: r.UUID,
        Name: r.Name,
        Description: r.Description,
        Src: r.Src,
        Dst: r.Dst,
        Metadata: r.Metadata,
      }),
    },
  ];
}

/** `X-Resource-TTL` (a Go duration such as `30s`) in ms, or undefined when absent. */
function ttlOf(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || v === '') return undefined;
  const ms = parseGoDuration(v);
  if (ms === undefined || ms < 0)
    throw new InvalidArgumentError(
      'SKY_ERR_INVALID_TTL',
      `invalid ttl: '${v}' is not a duration such as 30s`,
    );
  return ms;
}

function register<R extends Resource>(
  app: FastifyInstance,
  store: ResourceStore,
  def: ResourceDef<R>,
): void {
  const base = `/api/${def.kind}`;
  const tags = [def.kind];
  const read = { rbac: [def.kind, 'read'] as const };
  const write = { rbac: [def.kind, 'write'] as const };
  const params = Type.Object({ id: Type.String() });
  const notFound = (id: string) =>
    new NotFoundError('SKY_ERR_RESOURCE_NOT_FOUND', `${def.title} '${id}' not found`);
  const find = async (id: string): Promise<R> => {
    if (id === '') throw new InvalidArgumentError('SKY_ERR_BAD_REQUEST', 'empty id');
    const r = await store.get(def.kind, id);
    if (!r) throw notFound(id);
    return r as R;
  };

  app.get(
    base,
    {
      config: read,
      schema: {
        summary: `Every ${def.kind}, by UUID`,
        tags,
        response: { 200: Type.Record(Type.String(), def.schema), ...ErrorResponses },
      },
    },
    async (_req, reply) => {
      const out: Record<string, R> = {};
      for (const r of await store.list(def.kind)) out[r.UUID] = def.show(r as R);
      return sendJSON(reply, out);
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: read,
      schema: {
        summary: `One ${def.kind}`,
        tags,
        params,
        response: { 200: def.schema, 404: ErrorBodySchema, ...ErrorResponses },
      },
    },
    async (req, reply) => sendJSON(reply, def.show(await find((req.params as { id: string }).id))),
  );

  app.post(
    base,
    {
      config: write,
      schema: {
        summary: `Create a ${def.kind} (JSON or YAML body; the server assigns UUID)`,
        tags,
        body: def.schema,
        headers: Type.Object({
          'x-resource-ttl': Type.Optional(Type.String({ description: 'Go duration, e.g. 30s' })),
        }),
        response: {
          201: def.schema,
          400: ErrorBodySchema,
          409: { ...ErrorBodySchema, description: 'an equivalent rule exists' },
          ...ErrorResponses,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as Omit<R, 'UUID'>;
      const ttlMs = ttlOf(req.headers['x-resource-ttl']);
      for (const other of await store.list(def.kind))
        if (def.same(other as unknown as Omit<R, 'UUID'>, body))
          throw new ConflictError(
            'SKY_ERR_RULE_EXISTS',
            `${def.title} '${other.UUID}' already does this`,
          );
      const created = await store.create(def.kind, { ...body, UUID: uuidV4() } as R, { ttlMs });
      return sendJSON(reply, def.show(created as R), 201);
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: write,
      schema: {
        summary: `Not supported: a ${def.kind} can not be updated`,
        tags,
        params,
        response: { 400: ErrorBodySchema, 404: ErrorBodySchema, ...ErrorResponses },
      },
    },
    async (req) => {
      await find((req.params as { id: string }).id);
      throw new InvalidArgumentError('SKY_ERR_NOT_UPDATABLE', `${def.title} can not be updated`);
    },
  );

  app.delete(
    `${base}/:id`,
    {
      config: write,
      schema: {
        summary: `Delete a ${def.kind} (and what it made)`,
        tags,
        params,
        response: {
          200: Type.String({ description: 'empty' }),
          404: ErrorBodySchema,
          ...ErrorResponses,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      await find(id);
      if (!(await store.delete(def.kind, id))) throw notFound(id);
      return sendEmpty(reply);
    },
  );
}

/** Body checks of the rule schemas, for the validator compiler (install before the routes). */
export function ruleChecks(queries: RuleQueries): Map<unknown, (v: unknown) => unknown> {
  return new Map(ruleDefs(queries).map((d) => [d.schema, (v: unknown) => d.validate(v)]));
}

/** Registers `/api/noderule` and `/api/edgerule`. */
export function ruleRoutes(app: FastifyInstance, store: ResourceStore, queries: RuleQueries): void {
  const [nodeDef, edgeDef] = ruleDefs(queries);
  register(app, store, nodeDef);
  register(app, store, edgeDef);
}
