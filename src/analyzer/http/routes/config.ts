// SPDX-License-Identifier: Apache-2.0
// `GET /api/config/{key}` (analyzer only, §3.2): the value of a configuration key, secrets redacted.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sendJSON, ErrorResponses } from '../../../api/http/reply.js';
import { NotFoundError } from '../../../graph/errors.js';
import type { AnalyzerContext } from '../../context.js';

export function configRoutes(app: FastifyInstance, ctx: AnalyzerContext): void {
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
