// SPDX-License-Identifier: Apache-2.0
// A CliIO for tests: captured stdout/stderr, stdin from a string, a private home directory, and a
// way to wait until some output appears (e.g. the address an analyzer printed).

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';

export interface CapturedIO extends CliIO {
  out(): string;
  err(): string;
  /** Resolves with the first match of `re` in stderr, now or when it gets written. */
  waitForErr(re: RegExp): Promise<RegExpExecArray>;
}

export function testIO(
  opts: { stdin?: string; env?: Record<string, string>; signal?: AbortSignal } = {},
): CapturedIO {
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = w.re.exec(err);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  return {
    stdout: { write: (s: string | Uint8Array) => (out += String(s)) },
    stderr: {
      write: (s: string | Uint8Array) => {
        err += String(s);
        check();
      },
    },
    stdin: Readable.from([opts.stdin ?? '']),
    env: opts.env ?? {},
    homedir: mkdtempSync(path.join(os.tmpdir(), 'skydive-cli-')),
    hostname: 'testhost',
    signal: opts.signal,
    out: () => out,
    err: () => err,
    waitForErr: (re) =>
      new Promise((resolve) => {
        waiters.push({ re, resolve });
        check();
      }),
  };
}
