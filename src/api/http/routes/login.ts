// SPDX-License-Identifier: Apache-2.0
// `POST /login` (form fields username, password) → `{Token, Permissions}` plus the `authtoken` and
// `permissions` cookies Skydive's UI reads; failures are 401 with a plain-text reason. `GET /login`
// redirects to `/`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { LoginReplySchema } from '../../../protocol/index.js';
import { UnauthorizedError } from '../../auth/errors.js';
import type { ApiContext } from '../../context.js';
import { sendJSON } from '../reply.js';

const LoginForm = Type.Object(
  { username: Type.Optional(Type.String()), password: Type.Optional(Type.String()) },
  { additionalProperties: true },
);

const field = (body: unknown, k: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[k];
  return Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
};

export function loginRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const config = { public: true, plainErrors: true };

  app.post(
    '/login',
    {
      config,
      schema: {
        summary: 'Log in; sets the authtoken and permissions cookies',
        tags: ['login'],
        consumes: ['application/x-www-form-urlencoded'],
        body: LoginForm,
        response: {
          200: LoginReplySchema,
          401: Type.String({ description: 'plain-text reason' }),
        },
        security: [],
      },
    },
    async (req, reply) => {
      const user = field(req.body, 'username');
      const password = field(req.body, 'password');
      if (user === undefined || password === undefined)
        throw new UnauthorizedError('No credentials provided');
      const id = await ctx.auth.api.login(user, password);
      if (!id) throw new UnauthorizedError();
      const permissions = ctx.auth.rbac.permissions(id);
      const cookies = [
        `permissions=${Buffer.from(JSON.stringify(permissions)).toString('base64')}; Path=/`,
      ];
      if (id.token !== '') cookies.unshift(`authtoken=${id.token}; Path=/`);
      reply.header('set-cookie', cookies);
      const origin = req.headers.origin;
      if (origin) {
        reply.header('access-control-allow-origin', origin);
        reply.header('access-control-allow-credentials', 'true');
      }
      req.log.info(
        { user: id.user, roles: id.roles, backend: ctx.auth.api.name },
        'user logged in',
      );
      return sendJSON(reply, { Token: id.token, Permissions: permissions });
    },
  );

  app.get('/login', { config, schema: { hide: true } }, async (_req, reply) =>
    reply.redirect('/', 302),
  );
}
