// SPDX-License-Identifier: Apache-2.0
// Runs the CLI once: parse, dispatch, and turn every failure into a message on stderr and an exit
// code (1), with no stack trace unless --verbose and the error is not one of ours.

import { CommanderError } from 'commander';
import { describeError } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { buildProgram } from './program.js';

/** Errors that explain themselves: ours (with a SKY_ERR_ code) and the client's. */
function isExpected(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SKY_ERR_');
}

/**
 * Runs `skydive <argv…>` and resolves to its exit code.
 *
 * @example
 * const code = await run(['client', 'query', 'G.V().Count()', '--analyzer', '127.0.0.1:8082'])
 */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed help or the usage error
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return err.exitCode === 0 ? 0 : 1;
    }
    io.stderr.write(`Error: ${describeError(err)}\n`);
    if (program.opts<{ verbose?: boolean }>().verbose && !isExpected(err) && err instanceof Error) {
      io.stderr.write(`${err.stack ?? ''}\n`);
    }
    return 1;
  }
}
