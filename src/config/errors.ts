// SPDX-License-Identifier: Apache-2.0
// The one error of the configuration layer. config imports nothing of ours, so it does not extend
// the graph error family; callers recognise it by `code` (SKY_ERR_CONFIG).

/** Error code of every configuration problem. */
export const ERR_CONFIG = 'SKY_ERR_CONFIG';

/** A configuration that cannot be loaded: unknown key, wrong type, unreadable file, bad address. */
export class ConfigError extends Error {
  readonly code = ERR_CONFIG;
  /** Dotted key path at fault, when there is one. */
  readonly key: string | undefined;
  /** Where the value came from: a file path, `stdin`, `environment variable X`, `overrides`. */
  readonly source: string | undefined;

  constructor(message: string, opts: { key?: string; source?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConfigError';
    this.key = opts.key;
    this.source = opts.source;
  }
}
