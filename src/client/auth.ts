// SPDX-License-Identifier: Apache-2.0
// Authentication headers the way Skydive's clients send them (§3.6): a token goes in the
// `authtoken` cookie, else a username gives `Authorization: Basic`; configured cookies are added.

/** Credentials and extra cookies (Skydive's `http.cookie.<name>` settings, for proxies). */
export interface AuthOptions {
  username?: string | undefined;
  password?: string | undefined;
  /** A token from `POST /login`; preferred over username/password when set. */
  token?: string | undefined;
  cookies?: Record<string, string> | undefined;
}

/**
 * The headers carrying `auth`: `Cookie` and/or `Authorization`. Empty when there is nothing to send.
 *
 * @example
 * authHeaders({ username: 'admin', password: 'pw' }) // { Authorization: 'Basic YWRtaW46cHc=' }
 */
export function authHeaders(auth: AuthOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  if (auth.token) {
    cookies.push(`authtoken=${auth.token}`);
  } else if (auth.username) {
    const basic = Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64');
    headers.Authorization = `Basic ${basic}`;
  }
  for (const [name, value] of Object.entries(auth.cookies ?? {})) cookies.push(`${name}=${value}`);
  if (cookies.length > 0) headers.Cookie = cookies.join('; ');
  return headers;
}
