// SPDX-License-Identifier: Apache-2.0
// `client node-rule …` and `client edge-rule …` (aliases `noderule`, `edgerule`), skydive-compat
// §3.3 and §8: create (checked as Skydive's validator does), get, list, delete.

import type { Command } from 'commander';
import type { EdgeRule, NodeRule } from '../../client/index.js';
import type { CliContext } from '../context.js';
import { CommandError, UsageError, describeError } from '../errors.js';
import { printJSON } from '../io.js';
import { parseMetadataDef } from '../metadata.js';

type RuleKind = 'noderule' | 'edgerule';

interface NodeRuleOpts {
  name?: string;
  description?: string;
  nodeName?: string;
  nodeType?: string;
  metadata?: string;
  query?: string;
  action?: string;
}

interface EdgeRuleOpts {
  name?: string;
  description?: string;
  src?: string;
  dst?: string;
  relationtype?: string;
  metadata?: string;
}

/** The node rule `node-rule create` sends; throws UsageError for what the API would refuse. */
export function newNodeRule(opts: NodeRuleOpts): NodeRule {
  const metadata = parseMetadataDef(opts.metadata);
  const action = opts.action ?? '';
  if (action !== 'create' && action !== 'update') {
    throw new UsageError("--action must be 'create' or 'update'");
  }
  if (action === 'create') {
    if (!opts.nodeName || !opts.nodeType) {
      throw new UsageError("Both --node-name and --node-type are required for 'create' node rules");
    }
    metadata.Name = opts.nodeName;
    metadata.Type = opts.nodeType;
  } else if (!opts.query) {
    throw new UsageError("--query is required for 'update' node rules");
  }
  return {
    Name: opts.name ?? '',
    Description: opts.description ?? '',
    Metadata: metadata,
    Action: action,
    Query: opts.query ?? '',
  };
}

/** The edge rule `edge-rule create` sends. */
export function newEdgeRule(opts: EdgeRuleOpts): EdgeRule {
  if (!opts.relationtype) throw new UsageError('--relationtype is a required parameter');
  if (!opts.src || !opts.dst) throw new UsageError('--src and --dst are required');
  const metadata = parseMetadataDef(opts.metadata);
  return {
    Name: opts.name ?? '',
    Description: opts.description ?? '',
    Src: opts.src,
    Dst: opts.dst,
    Metadata: { ...metadata, RelationType: opts.relationtype },
  };
}

function registerCommon(cmd: Command, ctx: CliContext, kind: RuleKind): void {
  cmd
    .command('get')
    .description('get')
    .argument('<id>', 'rule UUID')
    .action(async (id: string) => printJSON(ctx.io, await ctx.client().get(kind, id)));
  cmd
    .command('list')
    .description('list')
    .action(async () => printJSON(ctx.io, await ctx.client().list(kind)));
  cmd
    .command('delete')
    .description('delete')
    .argument('<id...>', 'rule UUIDs')
    .action(async (ids: string[]) => {
      const failures: string[] = [];
      for (const id of ids) {
        await ctx
          .client()
          .delete(kind, id)
          .catch((err: unknown) => failures.push(describeError(err)));
      }
      if (failures.length > 0) throw new CommandError(failures.join('\n'));
    });
}

/** Registers `node-rule` and `edge-rule` under `client`. */
export function registerRuleCommands(client: Command, ctx: CliContext): void {
  const nodeRule = client.command('node-rule').alias('noderule').description('node-rule');
  nodeRule
    .command('create')
    .description('create')
    .option('--name <name>', 'rule name')
    .option('--description <text>', 'rule description')
    .option('--node-name <name>', 'node name')
    .option('--node-type <type>', 'node type')
    .option('--metadata <def>', "node metadata, key value pairs. 'k1=v1, k2=v2'")
    .option('--query <gremlin>', 'gremlin query of the nodes to update')
    .option('--action <action>', 'action: create or update')
    .action(async (opts: NodeRuleOpts) => {
      printJSON(ctx.io, await ctx.client().create('noderule', newNodeRule(opts)));
    });
  registerCommon(nodeRule, ctx, 'noderule');

  const edgeRule = client.command('edge-rule').alias('edgerule').description('edge-rule');
  edgeRule
    .command('create')
    .description('create')
    .option('--name <name>', 'rule name')
    .option('--description <text>', 'rule description')
    .option('--src <gremlin>', 'src node gremlin expression')
    .option('--dst <gremlin>', 'dst node gremlin expression')
    .option('--relationtype <type>', 'relation type of the link')
    .option('--metadata <def>', 'edge metadata')
    .action(async (opts: EdgeRuleOpts) => {
      printJSON(ctx.io, await ctx.client().create('edgerule', newEdgeRule(opts)));
    });
  registerCommon(edgeRule, ctx, 'edgerule');
}
