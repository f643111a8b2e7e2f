// SPDX-License-Identifier: Apache-2.0
// What our routes declare to the auth hook (RBAC object/action, public, plain-text errors) and
// what the hook leaves on the request, as fastify type augmentations.
import type { Identity } from '../auth/types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skydive RBAC object and action the route needs, e.g. `['node', 'write']`. */
    rbac?: readonly [object: string, action: string];
    /** No authentication (`/login`, `/api/openapi.json`). */
    public?: boolean;
    /** Errors as text/plain messages instead of the JSON error body (Skydive's `/login`). */
    plainErrors?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller, set by the auth hook. */
    identity?: Identity;
  }
}

export {};
