// SPDX-License-Identifier: Apache-2.0
// `GET /api` (service info) and `GET /api/status` (§3.5), whose document each service builds: the
// analyzer lists agents, publishers and subscribers; an agent its analyzers, clients and probes.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { APIInfoSchema } from '../../../protocol/index.js';
import type { ApiContext } from '../../context.js';
import { ErrorResponses } from '../reply.js';

/** How a service answers `/api` and `/api/status`. */
export interface InfoOptions {
  /** `Service` of `GET /api`: `analyzer` or `agent`. */
  service: string;
  /** The status document's schema (for the OpenAPI document) and its builder. */
  statusSchema: TSchema;
  status: () => unknown;
  /** OpenAPI summary of `/api/status`. */
  statusSummary: string;
}

export function infoRoutes(app: FastifyInstance, ctx: ApiContext, opts: InfoOptions): void {
  app.get(
    '/api',
    {
      schema: {
        summary: 'Service info',
        tags: ['info'],
        response: { 200: APIInfoSchema, ...ErrorResponses },
      },
    },
    async () => ({
      Host: ctx.settings.hostID,
      Version: ctx.settings.version,
      Service: opts.service,
    }),
  );

  app.get(
    '/api/status',
    {
      config: { rbac: ['status', 'read'] },
      schema: {
        summary: opts.statusSummary,
        tags: ['info'],
        response: { 200: opts.statusSchema, ...ErrorResponses },
      },
    },
    async () => opts.status(),
  );
}
