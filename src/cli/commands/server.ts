// SPDX-License-Identifier: Apache-2.0
// `analyzer` and `allinone`: load the configuration (files, SKYDIVE_* environment, flags), start
// the analyzer and run until SIGINT/SIGTERM (or the run's abort signal), then close it.

import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import type { CliIO } from '../io.js';
import { stopSignal } from '../io.js';
import { configFiles } from '../context.js';
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

/** Starts an analyzer from the command line and waits for the stop signal. */
export async function runAnalyzer(io: CliIO, root: RootGlobals, flags: ServerFlags): Promise<void> {
  if (root.configBackend !== 'file') {
    throw new UsageError(`config backend '${root.configBackend}' is not supported (only 'file')`);
  }
  const env = { ...io.env };
  if (root.verbose) env.SKYDIVE_LOGGING_LEVEL = 'debug';
  const overrides: Record<string, unknown> = {
    'analyzer.listen': flags.listen,
    host_id: flags.hostId,
  };
  const config = loadConfig({
    files: configFiles(root.conf),
    env,
    overrides,
    hostname: io.hostname,
    onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
  });
  // loaded lazily: client commands never pay for the server side
  const { startAnalyzer } = await import('../../analyzer/main.js');

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
