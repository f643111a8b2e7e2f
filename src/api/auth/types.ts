// SPDX-License-Identifier: Apache-2.0
// Contracts of authentication and role-based access (skydive-compat §3.6), shared by REST and WS.
import type { IncomingMessage } from 'node:http';

/** Who is calling, once authenticated. */
export interface Identity {
  user: string;
  /** Roles bound to the user (e.g. `admin`, `guest`). */
  roles: readonly string[];
  /** The token a client can replay (cookie `authtoken` / `X-Auth-Token`). */
  token: string;
}

/** Objects and actions of Skydive's RBAC: `capture` × `read|write`, `websocket` × `/ws/subscriber`… */
export interface Permission {
  Object: string;
  Action: string;
  Allowed: boolean;
}

/** One authentication backend (noauth, basic). */
export interface AuthBackend {
  /** The section name (`auth.<name>`). */
  readonly name: string;
  readonly type: 'noauth' | 'basic';
  /** Role of users without a `g` binding (`auth.<name>.role`, default `admin`). */
  readonly defaultRole: string;
  /** Checks a user name and password; returns the identity or null. */
  login(user: string, password: string): Promise<Identity | null>;
  /**
   * Authenticates a request from its cookie `authtoken`, `Authorization: Basic`, `X-Auth-Token`
   * header or `x-auth-token` query parameter, in that order. Null when absent or wrong.
   */
  authenticate(req: IncomingMessage): Promise<Identity | null>;
}

/** Answers whether an identity may do an action on an object. */
export interface Rbac {
  enforce(id: Identity, object: string, action: string): boolean;
  /** The permission list returned by /login and stored in the `permissions` cookie. */
  permissions(id: Identity): Permission[];
  /** Roles bound to a user by policy `g` lines; empty when the backend's default role applies. */
  rolesOf(user: string): string[];
}

/** What createAuth builds: the API and cluster backends and the shared RBAC. */
export interface AuthSet {
  api: AuthBackend;
  cluster: AuthBackend;
  rbac: Rbac;
}
