// SPDX-License-Identifier: Apache-2.0
// `GET /api` (service info), `GET /api/status` (connections, §3.5) and `GET /api/config/{key}`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../graph/errors.js';
import {
  APIInfoSchema,
  AnalyzerStatusSchema,
  type AnalyzerStatus,
} from '../../../protocol/index.js';
import type { AnalyzerContext } from '../../context.js';
import { ErrorResponses, sendJSON } from '../reply.js';

export function infoRoutes(app: FastifyInstance, ctx: AnalyzerContext): void {
  app.get(
    '/api',
    {
      schema: {
        summary: 'Service info',
        tags: ['info'],
        response: { 200: APIInfoSchema, ...ErrorResponses },
      },
    },
    async () => ({ Host: ctx.settings.hostID, Version: ctx.settings.version, Service: 'analyzer' }),
  );

  app.get(
    '/api/status',
    {
      config: { rbac: ['status', 'read'] },
      schema: {
        summary: 'Connected agents, publishers and subscribers',
        tags: ['info'],
        response: { 200: AnalyzerStatusSchema, ...ErrorResponses },
      },
    },
    async (): Promise<AnalyzerStatus> => ({
      Agents: ctx.status.snapshot('Agents'),
      Peers: { Incomers: {}, Outgoers: {} },
      Publishers: ctx.status.snapshot('Publishers'),
      Subscribers: ctx.status.snapshot('Subscribers'),
      Alerts: { IsMaster: true },
      Captures: { IsMaster: true },
      Probes: {},
    }),
  );

  app.get(
    '/api/config/:key',
    {
      config: { rbac: ['config', 'read'] },
      schema: {
        summary: 'Value of a configuration key, e.g. analyzer.listen',
        tags: ['info'],
        params: Type.Object({ key: Type.String() }),
        response: { 200: Type.Unknown({ description: 'the JSON value' }), ...ErrorResponses },
      },
    },
    async (req, reply) => {
      const { key } = req.params as { key: string };
      const value = ctx.settings.configValue(key);
      if (value === undefined)
        throw new NotFoundError('SKY_ERR_CONFIG_NOT_FOUND', `Config key '${key}' not found`);
      return sendJSON(reply, value);
    },
  );
}
