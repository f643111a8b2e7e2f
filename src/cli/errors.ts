// SPDX-License-Identifier: Apache-2.0
// Errors of the command line: a bad invocation (UsageError) or a command that failed for reasons
// its message explains (CommandError). Both print without a stack trace and exit with code 1.

/** A bad invocation: missing flag, malformed value, unreadable file. */
export class UsageError extends Error {
  readonly code = 'SKY_ERR_CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that failed; the message says why (e.g. some of several deletions failed). */
export class CommandError extends Error {
  readonly code = 'SKY_ERR_CLI_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** One line describing any error: Skydive's style for API errors, the message otherwise. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { describe?: unknown; message?: unknown };
    if (typeof e.describe === 'function') return String((e.describe as () => string).call(err));
    if (typeof e.message === 'string') return e.message;
  }
  return String(err);
}
