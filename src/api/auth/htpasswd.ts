// SPDX-License-Identifier: Apache-2.0
// htpasswd entries as Apache and go-http-auth write them: bcrypt (`$2a$`, `$2b$`, `$2y$`), `{SHA}`
// base64 SHA-1, or a plain password. Parsing is pure; checking bcrypt is slow by design.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Parses htpasswd text into user → hash. Blank lines and `#` comments are skipped. */
export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    users.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return users;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `hash` is a bcrypt hash (the expensive kind worth caching). */
export function isBcrypt(hash: string): boolean {
  return /^\$2[aby]\$\d\d\$/.test(hash);
}

/**
 * Checks a password against an htpasswd hash. MD5 (`$apr1$`) and crypt(3) entries are not
 * supported and never match.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (isBcrypt(hash)) {
    // loaded with the first bcrypt check: most servers never see one
    const { default: bcrypt } = await import('bcryptjs');
    return bcrypt.compare(password, hash);
  }
  if (hash.startsWith('{SHA}')) {
    const digest = createHash('sha1').update(password, 'utf8').digest('base64');
    return same(hash.slice(5), digest);
  }
  if (
    hash.startsWith('$apr1$') ||
    hash.startsWith('$1$') ||
    hash.startsWith('$5$') ||
    hash.startsWith('$6$')
  )
    return false;
  return same(hash, password);
}
