// SPDX-License-Identifier: Apache-2.0
// The root logger of a service: pino JSON lines on stderr at the configured level (Skydive's level
// names), bound to the service name and host ID. Composition roots create it; everything else gets
// it or a child passed down.
import pino, { type Logger } from 'pino';
import type { SkydiveConfig } from '../config/index.js';

const LEVELS: Record<string, pino.Level> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
};

/** A pino logger at `logging.level`, writing JSON lines to stderr. */
export function createLogger(config: SkydiveConfig, service: string): Logger {
  const level = LEVELS[config.logging.level.toUpperCase()] ?? 'info';
  return pino({ level, base: { service, host: config.host_id } }, pino.destination(2));
}
