// SPDX-License-Identifier: Apache-2.0
// Runs ethtool for a batch of interfaces of one network namespace in a single child process:
// `nsenter --net=<path> sh -c <script> …names` (no nsenter for the agent's own namespace).
import { execFile } from 'node:child_process';
import { MARKER, parseBatch, type EthtoolInfo } from './parse.js';

/** Queries interfaces of one namespace (`nsPath` undefined: the agent's own). */
export interface EthtoolRunner {
  query(
    nsPath: string | undefined,
    names: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, EthtoolInfo>>;
}

export interface RunnerOptions {
  ethtoolPath: string;
  nsenterPath: string;
  /** Kills a batch that takes longer (ms). */
  timeoutMs: number;
}

// Names are passed as arguments, never spliced into the script. Each command's output is
// captured first so that its marker can carry its exit status.
const SCRIPT = `E=$1; shift
for i do
  for c in driver features settings; do
    case $c in
      driver) o=$("$E" -i "$i" 2>/dev/null) ;;
      features) o=$("$E" -k "$i" 2>/dev/null) ;;
      settings) o=$("$E" "$i" 2>/dev/null) ;;
    esac
    rc=$?
    printf '%s %s %s %s\\n%s\\n' '${MARKER}' "$i" "$c" "$rc" "$o"
  done
done`;

/** The command line of one batch. */
export function batchCommand(
  opts: Pick<RunnerOptions, 'ethtoolPath' | 'nsenterPath'>,
  nsPath: string | undefined,
  names: readonly string[],
): [string, string[]] {
  const sh = ['sh', '-c', SCRIPT, 'sh', opts.ethtoolPath, ...names];
  if (nsPath === undefined) return ['sh', sh.slice(1)];
  return [opts.nsenterPath, [`--net=${nsPath}`, ...sh]];
}

/** The live runner. */
export function ethtoolRunner(opts: RunnerOptions): EthtoolRunner {
  return {
    query(nsPath, names, signal) {
      const [file, args] = batchCommand(opts, nsPath, names);
      return new Promise((resolve, reject) => {
        execFile(
          file,
          args,
          { timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) },
          (err, stdout) => {
            // A failed command still prints its marker; only a batch that never ran is an error.
            if (err && !stdout.includes(MARKER)) reject(err);
            else resolve(parseBatch(stdout));
          },
        );
      });
    },
  };
}
