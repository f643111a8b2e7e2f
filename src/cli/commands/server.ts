// SPDX-License-Identifier: Apache-2.0
// `analyzer`, `agent` and `allinone`: load the configuration (files, SKYDIVE_* environment, flags),
// start the service(s) and run until SIGINT/SIGTERM (or the run's abort signal), then close them.
// allinone runs an analyzer and an agent whose only analyzer is that one, over loopback.

import type { Command } from 'commander';
import { loadConfig, type SkydiveConfig } from '../../config/index.js';
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
  agentListen?: string;
  hostId?: string;
}

/** Something started that must be closed on the way out. */
interface Closable {
  close(): Promise<void>;
}

function readConfig(
  io: CliIO,
  root: RootGlobals,
  overrides: Record<string, unknown>,
): SkydiveConfig {
  if (root.configBackend !== 'file') {
    throw new UsageError(`config backend '${root.configBackend}' is not supported (only 'file')`);
  }
  const env = { ...io.env };
  if (root.verbose) env.SKYDIVE_LOGGING_LEVEL = 'debug';
  return loadConfig({
    files: configFiles(root.conf),
    env,
    overrides,
    hostname: io.hostname,
    onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
  });
}

/** Runs `start` and waits for the stop signal, then closes what it started (last first). */
async function serve(io: CliIO, start: (started: Closable[]) => Promise<void>): Promise<void> {
  const stop = stopSignal(io);
  const started: Closable[] = [];
  try {
    await start(started);
    if (!stop.signal.aborted) {
      await new Promise<void>((resolve) => {
        stop.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  } finally {
    for (const s of started.reverse()) await s.close();
    stop.dispose();
  }
}

/**
 * The address an in-process agent dials to reach an analyzer bound to `address`: a wildcard
 * bind (0.0.0.0, [::]) is reached over loopback.
 */
export function loopbackOf(address: string): string {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  const port = address.slice(i + 1);
  if (host === '0.0.0.0' || host === '') return `127.0.0.1:${port}`;
  if (host === '[::]' || host === '::') return `[::1]:${port}`;
  return address;
}

/** Starts an analyzer from the command line and waits for the stop signal. */
export async function runAnalyzer(io: CliIO, root: RootGlobals, flags: ServerFlags): Promise<void> {
  const config = readConfig(io, root, {
    'analyzer.listen': flags.listen,
    host_id: flags.hostId,
  });
  // loaded lazily: client commands never pay for the server side
  const { startAnalyzer } = await import('../../analyzer/main.js');
  await serve(io, async (started) => {
    const handle = await startAnalyzer(config);
    started.push(handle);
    io.stderr.write(`skydive analyzer listening on ${handle.address}\n`);
  });
}

/** Starts an agent from the command line and waits for the stop signal. */
export async function runAgent(io: CliIO, root: RootGlobals, flags: ServerFlags): Promise<void> {
  const config = readConfig(io, root, {
    'agent.listen': flags.listen,
    host_id: flags.hostId,
  });
  const { startAgent } = await import('../../agent/main.js');
  await serve(io, async (started) => {
    const handle = await startAgent(config);
    started.push(handle);
    io.stderr.write(`skydive agent listening on ${handle.address}\n`);
    if (config.analyzers.length === 0)
      io.stderr.write('skydive agent: no analyzer configured (analyzers:), running standalone\n');
  });
}

/** Starts an analyzer and an agent reporting to it, and waits for the stop signal. */
export async function runAllInOne(io: CliIO, root: RootGlobals, flags: ServerFlags): Promise<void> {
  const config = readConfig(io, root, {
    'analyzer.listen': flags.listen,
    'agent.listen': flags.agentListen,
    host_id: flags.hostId,
  });
  const [{ startAnalyzer }, { startAgent }] = await Promise.all([
    import('../../analyzer/main.js'),
    import('../../agent/main.js'),
  ]);
  await serve(io, async (started) => {
    const analyzer = await startAnalyzer(config);
    started.push(analyzer);
    io.stderr.write(`skydive analyzer listening on ${analyzer.address}\n`);
    const agent = await startAgent({ ...config, analyzers: [loopbackOf(analyzer.address)] });
    started.push(agent);
    io.stderr.write(`skydive agent listening on ${agent.address}\n`);
  });
}

/** Registers `analyzer`, `agent` and `allinone` on the root program. */
export function registerServerCommands(program: Command, io: CliIO): void {
  const hostId = ['--host-id <id>', 'identifier of this host (host_id)'] as const;
  program
    .command('analyzer')
    .description('Skydive analyzer')
    .option('--listen <address>', 'address and port for the analyzer API (analyzer.listen)')
    .option(...hostId)
    .action(async (flags: ServerFlags, cmd: Command) => {
      await runAnalyzer(io, cmd.optsWithGlobals<RootGlobals & ServerFlags>(), flags);
    });
  program
    .command('agent')
    .description('Skydive agent: this host’s topology, sent to the analyzers')
    .option('--listen <address>', 'address and port for the agent API (agent.listen)')
    .option(...hostId)
    .action(async (flags: ServerFlags, cmd: Command) => {
      await runAgent(io, cmd.optsWithGlobals<RootGlobals & ServerFlags>(), flags);
    });
  program
    .command('allinone')
    .description('Skydive All-In-One (analyzer and agent in one process)')
    .option('--listen <address>', 'address and port for the analyzer API (analyzer.listen)')
    .option('--agent-listen <address>', 'address and port for the agent API (agent.listen)')
    .option(...hostId)
    .action(async (flags: ServerFlags, cmd: Command) => {
      await runAllInOne(io, cmd.optsWithGlobals<RootGlobals & ServerFlags>(), flags);
    });
}
