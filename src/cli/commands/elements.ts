// SPDX-License-Identifier: Apache-2.0
// `client node …` and `client edge …` (skydive-compat §8): create with a client-side v4 ID and
// origin `cli.<host>`, list, get, delete (IDs or, with --gremlin, queries), update by JSON Patch.

import type { Command } from 'commander';
import type { EdgeJSON, NodeJSON } from '../../client/index.js';
import type { CliContext } from '../context.js';
import { printJSON } from '../io.js';
import { metadataPatch, parseMetadataDef } from '../metadata.js';
import { CommandError, UsageError, describeError } from '../errors.js';

type Kind = 'node' | 'edge';

const collect = (value: string, previous: string[]) => [...previous, value];

interface CreateOpts {
  metadata?: string;
  host: string;
}

/** The element header of Skydive's CLI: v4 ID, origin `cli.<host>`, times now, revision 1. */
function element(host: string, metadata: Record<string, unknown>): NodeJSON {
  const now = Date.now();
  return {
    ID: globalThis.crypto.randomUUID(),
    Metadata: metadata,
    Host: host,
    Origin: `cli.${host}`,
    CreatedAt: now,
    UpdatedAt: now,
    DeletedAt: null,
    Revision: 1,
  };
}

/** Builds the node `node create` sends. */
export function newNode(opts: CreateOpts & { nodeName?: string; nodeType?: string }): NodeJSON {
  const metadata = parseMetadataDef(opts.metadata);
  if (opts.nodeName) metadata.Name = opts.nodeName;
  if (opts.nodeType) metadata.Type = opts.nodeType;
  return element(opts.host, metadata);
}

async function deleteAll(ctx: CliContext, kind: Kind, args: string[], gremlin: boolean) {
  const client = ctx.client();
  let ids = args;
  if (gremlin) {
    ids = [];
    for (const q of args) {
      const found = kind === 'node' ? await client.nodes(q) : await client.edges(q);
      ids.push(...found.map((e) => e.ID));
    }
  }
  const failures: string[] = [];
  for (const id of ids) {
    try {
      await client.delete(kind, id);
    } catch (err) {
      failures.push(describeError(err));
    }
  }
  if (failures.length > 0) throw new CommandError(failures.join('\n'));
}

function registerCommon(cmd: Command, ctx: CliContext, kind: Kind): void {
  cmd
    .command('list')
    .description(`List ${kind}s`)
    .action(async () => printJSON(ctx.io, await ctx.client().list(kind)));
  cmd
    .command('get')
    .description(`Display ${kind}`)
    .argument('<id>', `${kind} identifier`)
    .action(async (id: string) => printJSON(ctx.io, await ctx.client().get(kind, id)));
  cmd
    .command('delete')
    .description(`Delete ${kind}`)
    .argument('<id...>', `${kind} identifiers (Gremlin queries with --gremlin)`)
    .option('--gremlin', `use Gremlin expressions instead of ${kind} identifiers`)
    .action(async (ids: string[], opts: { gremlin?: boolean }) =>
      deleteAll(ctx, kind, ids, Boolean(opts.gremlin)),
    );
  cmd
    .command('update')
    .description(`Update ${kind}`)
    .argument('<id...>', `${kind} identifiers`)
    .option('-a, --add <k=v>', `${kind} metadata to add, key value pair. 'k1=v1'`, collect, [])
    .option('-r, --remove <k>', `${kind} metadata keys to remove`, collect, [])
    .action(async (ids: string[], opts: { add: string[]; remove: string[] }) => {
      const patch = metadataPatch(opts.add, opts.remove);
      if (patch.length === 0) throw new UsageError('nothing to update: use -a k=v or -r k');
      let result: unknown;
      for (const id of ids) result = await ctx.client().patch(kind, id, patch);
      if (result === undefined) ctx.io.stdout.write('Not modified\n');
      else printJSON(ctx.io, result);
    });
}

/** Registers `node` and `edge` under `client`. */
export function registerElementCommands(client: Command, ctx: CliContext): void {
  const node = client.command('node').description('node');
  node
    .command('create')
    .description('create')
    .option('--node-name <name>', 'node name')
    .option('--node-type <type>', 'node type')
    .option('--metadata <def>', "node metadata, key value pairs. 'k1=v1, k2=v2'")
    .option('--host <host>', 'host', ctx.io.hostname)
    .action(async (opts: CreateOpts & { nodeName?: string; nodeType?: string }) => {
      printJSON(ctx.io, await ctx.client().create('node', newNode(opts)));
    });
  registerCommon(node, ctx, 'node');

  const edge = client.command('edge').description('edge');
  edge
    .command('create')
    .description('create')
    .requiredOption('--parent <id>', 'parent node identifier')
    .requiredOption('--child <id>', 'child node identifier')
    .option('--edge-type <type>', 'edge type (RelationType)')
    .option('--metadata <def>', "edge metadata, key value pairs. 'k1=v1, k2=v2'")
    .option('--host <host>', 'host', ctx.io.hostname)
    .action(async (opts: CreateOpts & { parent: string; child: string; edgeType?: string }) => {
      const client = ctx.client();
      const metadata = parseMetadataDef(opts.metadata);
      if (opts.edgeType) metadata.RelationType = opts.edgeType;
      for (const [role, id] of [
        ['parent', opts.parent],
        ['child', opts.child],
      ] as const) {
        try {
          await client.get('node', id);
        } catch (err) {
          throw new CommandError(`Could not find ${role} node: ${describeError(err)}`);
        }
      }
      const body: EdgeJSON = {
        ...element(opts.host, metadata),
        Parent: opts.parent,
        Child: opts.child,
      };
      printJSON(ctx.io, await client.create('edge', body));
    });
  registerCommon(edge, ctx, 'edge');
}
