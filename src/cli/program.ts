// SPDX-License-Identifier: Apache-2.0
// The `skydive` command tree (skydive-compat §8): root globals, `analyzer`, `allinone`, `version`
// and `client` with its globals and sub-commands. Built per run so defaults follow the run's env.

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCaptureCommands } from './commands/capture.js';
import { registerPcapCommand } from './commands/pcap.js';
import { registerElementCommands } from './commands/elements.js';
import { registerFlowsCommand } from './commands/flows.js';
import { registerQueryCommands } from './commands/query.js';
import { registerRuleCommands } from './commands/rules.js';
import { registerServerCommands } from './commands/server.js';
import { registerShellCommand } from './commands/shell.js';
import { addClientGlobals, createContext } from './context.js';
import type { CliIO } from './io.js';

/** The package version (package.json sits two levels above both src/cli and dist/cli). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return String((pkg as { version?: unknown }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Builds the program; output goes to `io`, and exits become thrown CommanderErrors. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('skydive')
    .description('Skydive: real-time network topology and protocol analyzer')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showSuggestionAfterError()
    .option(
      '-c, --conf <file>',
      'location of Skydive configuration files (repeatable), default /etc/skydive/skydive.yml if it exists',
      collect,
      [],
    )
    .option('-b, --config-backend <backend>', 'configuration backend', 'file')
    .option('--verbose', 'verbose mode');

  registerServerCommands(program, io);
  registerFlowsCommand(program, io);

  program
    .command('version')
    .description('Print the version number of Skydive')
    .action(() => {
      io.stdout.write(`skydive github.com/skydive-project/skydive-ts v${packageVersion()}\n`);
    });

  const client = addClientGlobals(program.command('client').description('Skydive client'), io.env);
  const ctx = createContext(io, program, client);
  registerQueryCommands(client, ctx);
  registerElementCommands(client, ctx);
  registerRuleCommands(client, ctx);
  registerCaptureCommands(client, ctx);
  registerPcapCommand(client, ctx);
  registerShellCommand(client, ctx);
  return program;
}
