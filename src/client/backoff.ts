// SPDX-License-Identifier: Apache-2.0
// Reconnection delays: exponential backoff with a ceiling and random jitter, so that many clients
// losing the same analyzer do not all come back in the same instant.

/** How a WsClient retries after losing its connection. */
export interface ReconnectOptions {
  /** First delay (default 1000 ms, Skydive's reconnect period). */
  minDelayMs?: number;
  /** Ceiling of the delay (default 30 000 ms). */
  maxDelayMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Spread as a fraction of the delay, 0..1 (default 0.2: ±20 %). */
  jitter?: number;
  /** Give up after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
}

/**
 * The delay before reconnection attempt `attempt` (1-based); `random` returns a value in [0, 1).
 *
 * @example
 * backoffDelay(3, { minDelayMs: 100 }, () => 0.5) // 400
 */
export function backoffDelay(
  attempt: number,
  opts: ReconnectOptions = {},
  random: () => number = Math.random,
): number {
  const min = opts.minDelayMs ?? 1000;
  const max = opts.maxDelayMs ?? 30_000;
  const factor = opts.factor ?? 2;
  const jitter = Math.min(Math.max(opts.jitter ?? 0.2, 0), 1);
  const base = Math.min(max, min * factor ** Math.max(0, attempt - 1));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}
