// SPDX-License-Identifier: Apache-2.0
// Authenticates every request of the REST API and enforces the route's RBAC object/action. Runs
// at onRequest, before the body is read, so an unauthenticated upload costs nothing.
import type { FastifyInstance } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../auth/errors.js';
import type { AuthBackend, Rbac } from '../auth/types.js';
import './types.js';

/** Adds the hook to `app` (an encapsulated context: only its routes are guarded). */
export function installAuthHook(app: FastifyInstance, backend: AuthBackend, rbac: Rbac): void {
  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    if (config.public) return;
    const id = await backend.authenticate(req.raw);
    if (!id) throw new UnauthorizedError();
    req.identity = id;
    const need = config.rbac;
    if (need && !rbac.enforce(id, need[0], need[1]))
      throw new ForbiddenError(id.user, need[0], need[1]);
  });
}
