// SPDX-License-Identifier: Apache-2.0
// `client shell`: an interactive Gremlin REPL on node:readline. Each line is a query whose answer
// is printed as JSON; errors are printed and the session goes on. History in ~/.skydive_history.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CommandError, UsageError, describeError } from '../errors.js';
import { stopSignal } from '../io.js';
import { runQuery } from './query.js';

const HISTORY_SIZE = 1000;
const EXIT = new Set(['exit', 'quit', '.exit']);

/** Lines worth running: not blank, not a `#` or `//` comment. */
const isQuery = (line: string) => line !== '' && !line.startsWith('#') && !line.startsWith('//');

async function readHistory(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
}

/** Runs one line; returns false when it failed (the error is printed). */
async function runLine(ctx: CliContext, line: string): Promise<boolean> {
  try {
    await runQuery(ctx, line, 'json');
    return true;
  } catch (err) {
    ctx.io.stderr.write(`Error: ${describeError(err)}\n`);
    return false;
  }
}

/** Runs every query line of a script file; throws CommandError at the end if some failed. */
export async function runScript(ctx: CliContext, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(isQuery);
  let failed = 0;
  for (const line of lines) if (!(await runLine(ctx, line))) failed += 1;
  if (failed > 0) throw new CommandError(`${failed} of ${lines.length} queries failed`);
}

/** The interactive loop: prompt and line editing on a terminal, plain lines otherwise. */
export async function runRepl(ctx: CliContext, historyFile: string): Promise<void> {
  const { io } = ctx;
  const terminal = Boolean(io.stdin.isTTY);
  const history = await readHistory(historyFile);
  const rl = readline.createInterface({
    input: io.stdin,
    ...(terminal ? { output: io.stdout as NodeJS.WritableStream } : {}),
    terminal,
    history: [...history].reverse(),
    historySize: HISTORY_SIZE,
    prompt: 'skydive> ',
  });
  const stop = stopSignal(io);
  const close = () => rl.close();
  stop.signal.addEventListener('abort', close);
  rl.on('SIGINT', close);
  try {
    if (terminal) rl.prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (EXIT.has(line)) break;
      if (isQuery(line)) {
        if (history.at(-1) !== line) history.push(line);
        await runLine(ctx, line);
      }
      if (terminal) rl.prompt();
    }
  } finally {
    stop.signal.removeEventListener('abort', close);
    stop.dispose();
    rl.close();
    await writeFile(historyFile, history.slice(-HISTORY_SIZE).join('\n') + '\n').catch(
      (err: Error) => io.stderr.write(`cannot save history to ${historyFile}: ${err.message}\n`),
    );
  }
}

/** Registers `shell` under `client`. */
export function registerShellCommand(client: Command, ctx: CliContext): void {
  client
    .command('shell')
    .description('Gremlin shell: each line is a query, answers printed as JSON')
    .option('--history <file>', 'history file (default ~/.skydive_history)')
    .option('--script <file>', 'run the queries of a file, one per line, then exit')
    .action(async (opts: { history?: string; script?: string }) => {
      if (opts.script) return runScript(ctx, opts.script);
      return runRepl(ctx, opts.history ?? path.join(ctx.io.homedir, '.skydive_history'));
    });
}
