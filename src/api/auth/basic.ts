// SPDX-License-Identifier: Apache-2.0
// The `basic` backend: users from an htpasswd file and/or an inline map; the token is
// base64(user:password) as in Skydive. Successful checks are cached by token digest so a bcrypt
// entry costs one slow compare per token, not one per request; a changed file clears the cache.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { InvalidArgumentError } from '../../graph/errors.js';
import { parseHtpasswd, verifyPassword } from './htpasswd.js';
import type { RoleResolver } from './noauth.js';
import { basicToken, decodeBasicToken, tokenFromRequest } from './token.js';
import type { AuthBackend, Identity } from './types.js';

export interface BasicBackendOptions {
  name: string;
  defaultRole: string;
  /** htpasswd file; read at creation (a missing file fails boot) and reloaded when it changes. */
  file?: string | undefined;
  /** Inline users: name → plain password or bcrypt hash. The file wins on a name in both. */
  users?: Readonly<Record<string, string>> | undefined;
  roles: RoleResolver;
  /** Most tokens remembered as verified (default 10 000). */
  cacheSize?: number;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('base64');

/** An htpasswd / inline-users backend. */
export class BasicBackend implements AuthBackend {
  readonly name: string;
  readonly type = 'basic' as const;
  readonly defaultRole: string;
  private readonly file: string | undefined;
  private readonly inline: Map<string, string>;
  private entries: Map<string, string>;
  private fileStamp = '';
  private readonly verified = new Map<string, string>();
  private readonly cacheSize: number;
  private readonly roles: RoleResolver;

  constructor(opts: BasicBackendOptions) {
    this.name = opts.name;
    this.defaultRole = opts.defaultRole;
    this.file = opts.file;
    this.roles = opts.roles;
    this.cacheSize = opts.cacheSize ?? 10_000;
    this.inline = new Map(Object.entries(opts.users ?? {}));
    let text = '';
    if (this.file !== undefined) {
      try {
        text = readFileSync(this.file, 'utf8');
      } catch (err) {
        throw new InvalidArgumentError(
          'SKY_ERR_AUTH_CONFIG',
          `auth.${opts.name}.file: cannot read '${this.file}': ${(err as Error).message}`,
        );
      }
    }
    this.entries = this.merge(text);
  }

  private merge(fileText: string): Map<string, string> {
    return new Map([...this.inline, ...parseHtpasswd(fileText)]);
  }

  /** Reloads the htpasswd file when its size or mtime changed; keeps the old entries on error. */
  private async refresh(): Promise<void> {
    if (this.file === undefined) return;
    try {
      const st = await stat(this.file);
      const stamp = `${st.mtimeMs}/${st.size}`;
      if (stamp === this.fileStamp) return;
      const text = await readFile(this.file, 'utf8');
      const first = this.fileStamp === '';
      this.fileStamp = stamp;
      this.entries = this.merge(text);
      if (!first) this.verified.clear();
    } catch {
      // The file went away or is unreadable: keep serving the users we know.
    }
  }

  private identity(user: string, token: string): Identity {
    return { user, roles: this.roles(user), token };
  }

  private async check(user: string, password: string): Promise<boolean> {
    await this.refresh();
    const hash = this.entries.get(user);
    return hash !== undefined && verifyPassword(hash, password);
  }

  async login(user: string, password: string): Promise<Identity | null> {
    if (!(await this.check(user, password))) return null;
    const token = basicToken(user, password);
    this.remember(token, user);
    return this.identity(user, token);
  }

  async authenticate(req: IncomingMessage): Promise<Identity | null> {
    const token = tokenFromRequest(req);
    if (token === undefined) return null;
    await this.refresh();
    const key = digest(token);
    const known = this.verified.get(key);
    if (known !== undefined) return this.identity(known, token);
    const creds = decodeBasicToken(token);
    if (!creds || !(await this.check(creds.user, creds.password))) return null;
    this.remember(token, creds.user);
    return this.identity(creds.user, token);
  }

  private remember(token: string, user: string): void {
    if (this.verified.size >= this.cacheSize) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(digest(token), user);
  }
}
