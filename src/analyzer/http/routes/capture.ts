// SPDX-License-Identifier: Apache-2.0
// `/api/capture` (skydive-compat §3.1, §3.3): list, get (with Count = nodes where the capture is
// active), create (validated, server UUID, 201, 409 duplicates, X-Resource-TTL), delete; PATCH 400.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  uuidV4,
  type Node,
} from '../../../graph/index.js';
import { parseGoDuration } from '../../../gremlin/index.js';
import { ErrorBodySchema } from '../../../protocol/index.js';
import { captureToJSON, type Capture } from '../../../protocol/capture.js';
import type { ResourceStore } from '../../../storage/resource-store.js';
import { ErrorResponses, sendEmpty, sendJSON } from '../../../api/http/reply.js';
import type { AnalyzerContext } from '../../context.js';
import {
  sameCapture,
  validateCapture,
  type CaptureValidation,
} from '../../ondemand/capture-validate.js';

const opt = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(t);

/** The capture resource (§3.3), for the OpenAPI document; bodies are checked by validateCapture. */
export const CaptureSchema = Type.Object(
  {
    UUID: opt(Type.String({ description: 'assigned by the server' })),
    GremlinQuery: Type.String({ description: 'Gremlin query of the nodes to capture on' }),
    BPFFilter: opt(Type.String({ description: 'BPF filter (compiled by libpcap)' })),
    Name: opt(Type.String()),
    Description: opt(Type.String()),
    Type: Type.Optional(
      Type.String({ description: 'afpacket, pcap, pcapsocket, sflow…; empty: per node default' }),
    ),
    Count: Type.Optional(Type.Integer({ description: 'nodes where the capture is active' })),
    Port: Type.Optional(Type.Integer()),
    SamplingRate: Type.Optional(Type.Integer()),
    PollingInterval: Type.Optional(Type.Integer()),
    RawPacketLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    HeaderSize: Type.Optional(Type.Integer()),
    ExtraTCPMetric: Type.Optional(Type.Boolean()),
    IPDefrag: Type.Optional(Type.Boolean()),
    ReassembleTCP: Type.Optional(Type.Boolean()),
    LayerKeyMode: Type.Optional(Type.String({ description: 'L2 or L3' })),
    ExtraLayers: Type.Optional(Type.Integer({ description: 'bits: VRRP=1, DNS=2, DHCPv4=4' })),
    Target: opt(Type.String()),
    TargetType: opt(Type.String()),
  },
  { additionalProperties: true },
);

/** What the capture routes need. */
export interface CaptureRouteDeps {
  ctx: AnalyzerContext;
  store: ResourceStore;
  validation: CaptureValidation;
}

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

/** Nodes of the live graph where capture `id` is active (the query's nodes, as Skydive counts). */
export async function activeCount(ctx: AnalyzerContext, c: Capture): Promise<number> {
  let nodes: readonly Node[];
  try {
    const r = await ctx.gremlin.execute(c.GremlinQuery, ctx.graph, { limits: ctx.settings.query });
    if (r.kind !== 'nodes') return 0;
    nodes = r.nodes;
  } catch {
    return 0;
  }
  let n = 0;
  for (const node of nodes) {
    const caps = node.metadata.Captures;
    if (!Array.isArray(caps)) continue;
    for (const m of caps as { ID?: unknown; State?: unknown }[])
      if (m?.ID === c.UUID && m.State === 'active') n++;
  }
  return n;
}

/** Body check of CaptureSchema for the validator compiler (install before the routes). */
export function captureChecks(v: CaptureValidation): Map<unknown, (b: unknown) => unknown> {
  return new Map([[CaptureSchema, (b: unknown) => validateCapture(b, v)]]);
}

/** Registers `/api/capture`. */
export function captureRoutes(app: FastifyInstance, deps: CaptureRouteDeps): void {
  const { store, ctx } = deps;
  const base = '/api/capture';
  const tags = ['capture'];
  const read = { rbac: ['capture', 'read'] as const };
  const write = { rbac: ['capture', 'write'] as const };
  const params = Type.Object({ id: Type.String() });
  const notFound = (id: string) =>
    new NotFoundError('SKY_ERR_RESOURCE_NOT_FOUND', `Capture '${id}' not found`);
  const find = async (id: string): Promise<Capture> => {
    if (id === '') throw new InvalidArgumentError('SKY_ERR_BAD_REQUEST', 'empty id');
    const r = await store.get('capture', id);
    if (!r) throw notFound(id);
    return r as unknown as Capture;
  };
  const show = async (c: Capture) => captureToJSON({ ...c, Count: await activeCount(ctx, c) });

  app.get(
    base,
    {
      config: read,
      schema: {
        summary: 'Every capture, by UUID',
        tags,
        response: { 200: Type.Record(Type.String(), CaptureSchema), ...ErrorResponses },
      },
    },
    async (_req, reply) => {
      const out: Record<string, Capture> = {};
      for (const r of await store.list('capture'))
        out[r.UUID] = await show(r as unknown as Capture);
      return sendJSON(reply, out);
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: read,
      schema: {
        summary: 'One capture',
        tags,
        params,
        response: { 200: CaptureSchema, 404: ErrorBodySchema, ...ErrorResponses },
      },
    },
    async (req, reply) =>
      sendJSON(reply, await show(await find((req.params as { id: string }).id))),
  );

  app.post(
    base,
    {
      config: write,
      schema: {
        summary: 'Create a capture (JSON or YAML body; the server assigns UUID)',
        tags,
        body: CaptureSchema,
        headers: Type.Object({
          'x-resource-ttl': Type.Optional(Type.String({ description: 'Go duration, e.g. 30s' })),
        }),
        response: {
          201: CaptureSchema,
          400: ErrorBodySchema,
          409: { ...ErrorBodySchema, description: 'an equivalent capture exists' },
          ...ErrorResponses,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as Omit<Capture, 'UUID'>;
      const ttlMs = ttlOf(req.headers['x-resource-ttl']);
      for (const other of await store.list('capture'))
        if (sameCapture(other as unknown as Capture, body))
          throw new ConflictError(
            'SKY_ERR_CAPTURE_EXISTS',
            `Capture '${other.UUID}' already captures '${body.GremlinQuery}'`,
          );
      const capture = captureToJSON({ ...body, UUID: uuidV4() });
      const created = await store.create('capture', { ...capture }, { ttlMs });
      return sendJSON(reply, captureToJSON(created as unknown as Capture), 201);
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: write,
      schema: {
        summary: 'Not supported: a capture can not be updated',
        tags,
        params,
        response: { 400: ErrorBodySchema, 404: ErrorBodySchema, ...ErrorResponses },
      },
    },
    async (req) => {
      await find((req.params as { id: string }).id);
      throw new InvalidArgumentError('SKY_ERR_NOT_UPDATABLE', 'Capture can not be updated');
    },
  );

  app.delete(
    `${base}/:id`,
    {
      config: write,
      schema: {
        summary: 'Delete a capture (its agents stop capturing)',
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
      if (!(await store.delete('capture', id))) throw notFound(id);
      return sendEmpty(reply);
    },
  );
}
