// SPDX-License-Identifier: Apache-2.0
// What a CLI run talks to: output streams, input, environment, home directory and a stop signal.
// Tests pass their own; bin/skydive uses the process's.

import os from 'node:os';

/** A sink for text (or bytes, for pcap output). */
export interface Writer {
  write(chunk: string | Uint8Array): unknown;
}

/** The world of one CLI run. */
export interface CliIO {
  stdout: Writer;
  stderr: Writer;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** For `~/.skydive_history`. */
  homedir: string;
  /** Default `--host` of created nodes and `X-Host-ID` of WebSocket clients. */
  hostname: string;
  /**
   * Long-running commands (analyzer, shell) stop when it aborts. Left out, they stop on SIGINT or
   * SIGTERM of the process.
   */
  signal?: AbortSignal | undefined;
}

/** The process's IO. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    homedir: os.homedir(),
    hostname: os.hostname(),
  };
}

/** Prints a value as JSON indented by two spaces, as Skydive's CLI `printJSON`. */
export function printJSON(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A signal that aborts on `io.signal`, or on SIGINT/SIGTERM when there is none; `dispose` removes
 * the process handlers.
 */
export function stopSignal(io: CliIO): { signal: AbortSignal; dispose: () => void } {
  if (io.signal) return { signal: io.signal, dispose: () => {} };
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: ctrl.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
