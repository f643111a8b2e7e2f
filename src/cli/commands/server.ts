// SPDX-License-Identifier: Apache-2.0
// `analyzer` and `allinone`: load the configuration (files, SKYDIVE_* environment, flags), start
// the analyzer and run until SIGINT/SIGTERM (or the run's abort signal), then close it.

import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { stopSignal } from '../io.js';
import { UsageError } from '../errors.js';

/** The root globals every server command reads. */
export interface RootGlobals {
  conf: string[];
  configBackend: string;
  verbose?: boolean;
}

interface ServerFlags {
  listen?: string;
  hostId?: string;
}

/** The configuration module's entry, loaded when a server command runs. */
interface ConfigModule {
  loadConfig(opts: {
    files: string[];
    env: Record<string, string | undefined>;
    overrides?: Record<string, unknown>;
  }): unknown;
}

/** The analyzer's entry point, loaded when a server command runs. */
interface AnalyzerModule {
  startAnalyzer(config: unknown): Promise<{ address: string; close(): Promise<void> }>;
}

// Loaded lazily: client commands never pay for the server side, and `skydive client` works in a
// checkout where only the client is built.
const configEntry = '../../config/index.js';
const analyzerEntry = '../../analyzer/main.js';

/** Starts an analyzer from the command line and waits for the stop signal. */
export async function runAnalyzer(io: CliIO, root: RootGlobals, flags: ServerFlags): Promise<void> {
  if (root.configBackend !== 'file') {
    throw new UsageError(`config backend '${root.configBackend}' is not supported (only 'file')`);
  }
  const env = { ...io.env };
  if (root.verbose) env.SKYDIVE_LOGGING_LEVEL = 'debug';
  const overrides: Record<string, unknown> = {};
  if (flags.listen !== undefined) overrides.analyzer = { listen: flags.listen };
  if (flags.hostId !== undefined) overrides.host_id = flags.hostId;

  const { loadConfig } = (await import(configEntry)) as ConfigModule;
  const config = await loadConfig({ files: root.conf, env, overrides });
  const { startAnalyzer } = (await import(analyzerEntry)) as AnalyzerModule;

  const stop = stopSignal(io);
  try {
    const handle = await startAnalyzer(config);
    io.stderr.write(`skydive analyzer listening on ${handle.address}\n`);
    if (!stop.signal.aborted) {
      await new Promise<void>((resolve) => {
        stop.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    await handle.close();
  } finally {
    stop.dispose();
  }
}

/** Registers `analyzer` and `allinone` on the root program. */
export function registerServerCommands(program: Command, io: CliIO): void {
  for (const [name, description] of [
    ['analyzer', 'Skydive analyzer'],
    ['allinone', 'Skydive All-In-One (analyzer and agent in one process)'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .option('--listen <address>', 'address and port for the analyzer API (analyzer.listen)')
      .option('--host-id <id>', 'identifier of this host (host_id)')
      .action(async (flags: ServerFlags, cmd: Command) => {
        await runAnalyzer(io, cmd.optsWithGlobals<RootGlobals & ServerFlags>(), flags);
      });
  }
}
