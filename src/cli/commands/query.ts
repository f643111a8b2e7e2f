// SPDX-License-Identifier: Apache-2.0
// `client query`, `client topology export|import|query` and `client status` (skydive-compat §8):
// Gremlin over POST /api/topology, import through /ws/publisher, GET /api/status.

import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import {
  publish,
  type GraphJSON,
  type QueryFormat,
  type StructMessage,
} from '../../client/index.js';
import { GraphMessageType, Namespace, newStructMessage } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { printJSON } from '../io.js';
import { indentJSON } from '../json-indent.js';
import { CommandError, UsageError } from '../errors.js';
import { registerTopologyDiff } from './topology-diff.js';

const formatOption = () =>
  new Option('--format <format>', 'output format').choices(['json', 'dot', 'pcap']).default('json');

/** Runs a query and prints the answer: JSON re-indented with tabs (as Skydive), dot/pcap as is. */
export async function runQuery(
  ctx: CliContext,
  gremlin: string,
  format: QueryFormat,
): Promise<void> {
  const body = await ctx
    .client()
    .queryRaw(gremlin, format, (w) => ctx.io.stderr.write(`warning: incomplete answer: ${w}\n`));
  if (format === 'json') {
    const text = body.toString('utf8');
    if (text.trim() !== '') ctx.io.stdout.write(`${indentJSON(text, '\t')}\n`);
  } else {
    ctx.io.stdout.write(format === 'dot' ? body.toString('utf8') : body);
  }
}

/** Reads an exported graph: `[{"Nodes":[…],"Edges":[…]}]` (Skydive's format) or `{"Nodes":…}`. */
export function parseGraphFile(text: string, file: string): GraphJSON {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) {
    if (parsed.length !== 1) throw new UsageError('Invalid graph format');
    parsed = parsed[0];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('Invalid graph format');
  }
  const g = parsed as Partial<Record<'Nodes' | 'Edges', unknown>>;
  const nodes = g.Nodes ?? [];
  const edges = g.Edges ?? [];
  if (!Array.isArray(nodes) || !Array.isArray(edges)) throw new UsageError('Invalid graph format');
  return { Nodes: nodes as GraphJSON['Nodes'], Edges: edges as GraphJSON['Edges'] };
}

/** Registers `query`, `topology` and `status` under `client`. */
export function registerQueryCommands(client: Command, ctx: CliContext): void {
  client
    .command('query')
    .description('Issue Gremlin queries')
    .argument('<gremlin>', "Gremlin query, e.g. \"G.V().Has('Type', 'host')\"")
    .addOption(formatOption())
    .option('--delete', 'declared by Skydive, unused')
    .action(async (gremlin: string, opts: { format: QueryFormat }) => {
      if (gremlin.trim() === '') throw new UsageError('a Gremlin query is required');
      await runQuery(ctx, gremlin, opts.format);
    });

  const topology = client.command('topology').description('Request on topology');
  topology
    .command('export')
    .description('export topology')
    .action(async () => runQuery(ctx, 'G', 'json'));
  topology
    .command('query')
    .description("query topology [deprecated: use 'client query' instead]")
    .option('--gremlin <query>', 'Gremlin Query', 'G')
    .addOption(formatOption())
    .action(async (opts: { gremlin: string; format: QueryFormat }) => {
      ctx.io.stderr.write(
        "The 'client topology query' command is deprecated. Please use 'client query' instead\n",
      );
      await runQuery(ctx, opts.gremlin, opts.format);
    });
  topology
    .command('import')
    .description('import topology')
    .option('--file <file>', 'Input file', 'graph.json')
    .option('--endpoint <path>', 'Publisher WebSocket endpoint', '/ws/publisher')
    .action(async (opts: { file: string; endpoint: string }) => {
      let text: string;
      try {
        text = await readFile(opts.file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${opts.file}: ${(err as Error).message}`);
      }
      const graph = parseGraphFile(text, opts.file);
      const messages: StructMessage[] = [
        ...(graph.Nodes ?? []).map((n) =>
          newStructMessage(Namespace.Graph, GraphMessageType.NodeAdded, n),
        ),
        ...(graph.Edges ?? []).map((e) =>
          newStructMessage(Namespace.Graph, GraphMessageType.EdgeAdded, e),
        ),
      ];
      const { sent, refused } = await publish(
        { ...ctx.wsOptions(), path: opts.endpoint },
        messages,
      );
      reportRefusals(ctx, sent, refused);
    });

  registerTopologyDiff(topology, ctx);

  client
    .command('status')
    .description('Show analyzer status')
    .action(async () => printJSON(ctx.io, await ctx.client().status()));
}

/**
 * Prints what the analyzer refused during an import. Elements already present (409) are only
 * counted, as re-importing an export is common; any other refusal makes the command fail.
 */
function reportRefusals(ctx: CliContext, sent: number, refused: readonly StructMessage[]): void {
  const present = refused.filter((m) => m.Status === 409).length;
  const failed = refused.filter((m) => m.Status !== 409);
  for (const m of failed) ctx.io.stderr.write(`refused (${m.Status}): ${String(m.Obj)}\n`);
  if (present > 0) ctx.io.stderr.write(`${present} of ${sent} elements were already present\n`);
  if (failed.length > 0)
    throw new CommandError(`${failed.length} of ${sent} elements were refused by the analyzer`);
}
