// SPDX-License-Identifier: Apache-2.0
// Builds a server's authentication from settings: the API and cluster backends (noauth or
// basic) and the RBAC evaluator, wired so a user's roles are its `g` bindings or the default role.
import type { ApiSettings, AuthBackendSettings } from '../settings.js';
import { BasicBackend } from './basic.js';
import { noAuthBackend, type RoleResolver } from './noauth.js';
import { PolicyRbac } from './rbac.js';
import type { AuthBackend, AuthSet } from './types.js';

export type { AuthBackend, AuthSet, Identity, Permission, Rbac } from './types.js';
export { UnauthorizedError, ForbiddenError } from './errors.js';
export { PolicyRbac } from './rbac.js';
export { DEFAULT_POLICY } from './policy.js';
export { tokenFromRequest, parseCookies, basicToken } from './token.js';

function backend(s: AuthBackendSettings, roles: RoleResolver): AuthBackend {
  if (s.type === 'basic')
    return new BasicBackend({
      name: s.name,
      defaultRole: s.role,
      file: s.file,
      users: s.users,
      roles,
    });
  return noAuthBackend(s.name, s.role, roles);
}

/**
 * Creates the auth set the context carries. Reads the htpasswd files now, so a missing file fails
 * at boot (InvalidArgumentError SKY_ERR_AUTH_CONFIG); a malformed `rbac.policy` line fails too.
 * The cluster backend always grants role admin (Skydive §3.6).
 * @example
 * const auth = createAuth(settings);
 * const who = await auth.api.authenticate(req); // null → 401
 */
export function createAuth(settings: Pick<ApiSettings, 'auth' | 'rbacPolicy'>): AuthSet {
  const rbac = new PolicyRbac(settings.rbacPolicy);
  const rolesFor =
    (defaultRole: string): RoleResolver =>
    (user) => {
      const bound = rbac.rolesOf(user);
      return bound.length > 0 ? bound : [defaultRole];
    };
  return {
    api: backend(settings.auth.api, rolesFor(settings.auth.api.role)),
    cluster: backend(settings.auth.cluster, () => ['admin']),
    rbac,
  };
}
