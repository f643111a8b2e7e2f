// SPDX-License-Identifier: Apache-2.0
// The `noauth` backend: every caller is user `admin`, with the backend's role (default admin), and
// no token. Used when no authentication is configured.
import type { AuthBackend, Identity } from './types.js';

/** Resolves the roles of a user: policy bindings, else the backend's default role. */
export type RoleResolver = (user: string) => readonly string[];

/** Builds a noauth backend. */
export function noAuthBackend(name: string, defaultRole: string, roles: RoleResolver): AuthBackend {
  const identity = (): Identity => ({ user: 'admin', roles: roles('admin'), token: '' });
  return {
    name,
    type: 'noauth',
    defaultRole,
    login: async () => identity(),
    authenticate: async () => identity(),
  };
}
