// SPDX-License-Identifier: Apache-2.0
// Finds the credentials a request carries, in Skydive's order (§3.6): cookie `authtoken`, then the
// Authorization header, then X-Auth-Token, then the `x-auth-token` query parameter.
import type { IncomingMessage } from 'node:http';

/** Parses a Cookie header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The token of a request with any `Basic ` scheme prefix removed, or undefined. For the basic
 * backend the token is base64(`user:password`); an `Authorization: Bearer …` is passed through.
 */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
  const cookie = parseCookies(header(req, 'cookie')).get('authtoken');
  let token: string | undefined =
    cookie || header(req, 'authorization') || header(req, 'x-auth-token');
  if (!token && req.url) {
    const q = req.url.indexOf('?');
    if (q >= 0) token = new URLSearchParams(req.url.slice(q + 1)).get('x-auth-token') ?? undefined;
  }
  if (!token) return undefined;
  const sp = token.indexOf(' ');
  if (sp > 0 && /^(basic|bearer)$/i.test(token.slice(0, sp))) token = token.slice(sp + 1).trim();
  return token || undefined;
}

/** Decodes a basic token into user and password; undefined when it is not base64 `user:pw`. */
export function decodeBasicToken(token: string): { user: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** base64(`user:password`), the token Skydive's basic backend hands out. */
export function basicToken(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}
