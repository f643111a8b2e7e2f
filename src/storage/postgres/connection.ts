// SPDX-License-Identifier: Apache-2.0
// PostgreSQL connection settings and helpers shared by the stores: pool options, turning a lost or
// refused connection into SKY_ERR_STORAGE_UNAVAILABLE, and schema creation under an advisory lock.
import type pg from 'pg';
import { SkydiveError } from '../../graph/errors.js';

/** How to reach a PostgreSQL database (`url`, or the separate keys; `host` may be a socket dir). */
export interface PostgresSettings {
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  password?: string | undefined;
  database?: string | undefined;
  /** TLS: true verifies the server certificate, 'insecure' accepts any. */
  ssl?: boolean | 'insecure' | undefined;
  /** Pool size (default 10). */
  maxConnections?: number | undefined;
  /** Seconds to wait for a connection (default 5). */
  connectTimeout?: number | undefined;
}

/** pg.Pool / pg.Client options for the settings. */
export function clientConfig(s: PostgresSettings): pg.PoolConfig {
  const cfg: pg.PoolConfig = {
    connectionTimeoutMillis: (s.connectTimeout ?? 5) * 1000,
    max: s.maxConnections ?? 10,
  };
  if (s.url) cfg.connectionString = s.url;
  if (s.host !== undefined) cfg.host = s.host;
  if (s.port !== undefined) cfg.port = s.port;
  if (s.user !== undefined) cfg.user = s.user;
  if (s.password !== undefined) cfg.password = s.password;
  if (s.database !== undefined) cfg.database = s.database;
  if (s.ssl) cfg.ssl = s.ssl === 'insecure' ? { rejectUnauthorized: false } : true;
  return cfg;
}

/** A short description of where the database is, without the password. */
export function describeTarget(s: PostgresSettings): string {
  if (s.url) return s.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return `${s.user ?? ''}@${s.host ?? 'localhost'}:${s.port ?? 5432}/${s.database ?? ''}`;
}

/** SQLSTATE classes that mean "the server is not usable right now" rather than a bad query. */
const TRANSIENT = /^(08|53|57P|58)/;

/**
 * Wraps a failed database call: connection-level failures become an `unavailable` SkydiveError
 * (HTTP 503) naming the target; anything already a SkydiveError passes unchanged.
 */
export function storageError(err: unknown, target: string): Error {
  if (err instanceof SkydiveError) return err;
  const e = err as { code?: string; message?: string };
  const code = typeof e.code === 'string' ? e.code : '';
  const transient =
    TRANSIENT.test(code) ||
    /^E[A-Z]+$/.test(code) ||
    /connect|terminat|timeout|Connection/i.test(e.message ?? '');
  if (!transient) return err instanceof Error ? err : new Error(String(err));
  return new SkydiveError(
    'unavailable',
    'SKY_ERR_STORAGE_UNAVAILABLE',
    `PostgreSQL ${target} is unavailable: ${e.message ?? String(err)}`,
    { cause: err },
  );
}

/** Runs the statements of a schema once per database, whatever the number of starting instances. */
export async function ensureSchema(pool: pg.Pool, lockKey: number, ddl: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    try {
      await client.query(ddl);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
    }
  } finally {
    client.release();
  }
}

/** A key in skydive-ts's range of advisory locks. */
function lockKey(c: string): number {
  return 0x5c7d0000 + c.charCodeAt(0);
}

/** Advisory lock keys of the stores (one per schema or serialised writer). */
export const LOCKS = {
  resourceSchema: lockKey('r'),
  resourceWrite: lockKey('w'),
  flowSchema: lockKey('f'),
} as const;
