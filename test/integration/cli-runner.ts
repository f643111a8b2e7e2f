// SPDX-License-Identifier: Apache-2.0
// Runs `skydive …` the two ways users meet it: in process through the CLI's run(argv, io) (fast,
// most tests) and as the real `bin/skydive` child process (exit codes, stdout, stderr).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/run.js';
import { testIO } from '../fakes/cli-io.js';

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** The launcher users run. */
export const SKYDIVE_BIN = fileURLToPath(new URL('../../bin/skydive', import.meta.url));

/**
 * `skydive <argv…>` in process, with an empty environment plus `env`.
 * @example
 * const r = await skydive(['client', 'status', '--analyzer', address]);
 */
export async function skydive(
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const io = testIO({ env });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/**
 * `bin/skydive <argv…>` as a child process. The environment is the parent's without any
 * SKYDIVE_* variable, plus `env`.
 */
export function skydiveProcess(
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SKYDIVE_')),
  );
  return new Promise((resolve, reject) => {
    execFile(
      SKYDIVE_BIN,
      [...argv],
      { env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, out: stdout, err: stderr });
      },
    );
  });
}

/** Parses a CLI's JSON output, failing with the output in the message when it is not JSON. */
export function parseOut<T>(r: CliResult): T {
  try {
    return JSON.parse(r.out) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.out}\nstderr: ${r.err}`);
  }
}
