// SPDX-License-Identifier: Apache-2.0
// The one REST client of the page (same origin; the authtoken cookie or the login token).
import { BrowserClient } from '../../src/client/browser.js';

/** The page's client. */
export const client = new BrowserClient({
  token: sessionStorage.getItem('skydive-token') ?? undefined,
});

/** Keeps the login token for reloads of this tab. */
export function rememberToken(token: string): void {
  if (token) sessionStorage.setItem('skydive-token', token);
  client.token = token || undefined;
}

/** The message of an error for the user. */
export function errorText(err: unknown): string {
  const e = err as { describe?: () => string; message?: string };
  return typeof e.describe === 'function' ? e.describe() : (e.message ?? String(err));
}
