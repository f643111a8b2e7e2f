// SPDX-License-Identifier: Apache-2.0
// `client topology diff --from T1 [--to T2] [--gremlin Q] [--ignore k,…] [--output json|table]`:
// what appeared, disappeared and changed between two times, from GET /api/topology/diff.

import { Option, type Command } from 'commander';
import type { ChangedElement, TopologyDiff } from '../../client/index.js';
import type { CliContext } from '../context.js';
import { printJSON } from '../io.js';

const HEADER = ['CHANGE', 'KIND', 'ID', 'NAME', 'TYPE', 'KEY', 'OLD', 'NEW'];

function text(v: unknown): string {
  if (v === undefined) return '-';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** One row per appeared/disappeared element and per changed metadata key. */
export function diffRows(d: TopologyDiff): string[][] {
  const rows: string[][] = [];
  const sides = [
    ['node', d.Nodes],
    ['edge', d.Edges],
  ] as const;
  for (const [kind, side] of sides) {
    for (const [change, list] of [
      ['appeared', side.Appeared],
      ['disappeared', side.Disappeared],
    ] as const) {
      for (const el of list as { ID?: unknown; Metadata?: Record<string, unknown> }[]) {
        const md = el.Metadata ?? {};
        rows.push([change, kind, str(el.ID), str(md['Name']), str(md['Type']), '', '', '']);
      }
    }
    for (const c of side.Changed as ChangedElement[]) {
      for (const k of c.Changes)
        rows.push([
          'changed',
          kind,
          c.ID,
          c.Name ?? '',
          c.Type ?? '',
          k.Key,
          text(k.Old),
          text(k.New),
        ]);
    }
  }
  return rows;
}

/** Aligned columns separated by two spaces; long cells are cut at 60 characters. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const cut = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
  const all = [header.map(cut), ...rows.map((r) => r.map(cut))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .map((l) => l.trimEnd())
    .join('\n');
}

/** The table form of a diff, with a one-line summary first. */
export function renderDiffTable(d: TopologyDiff): string {
  const to = d.Live ? 'now (live)' : new Date(d.To).toISOString();
  const count = (s: TopologyDiff['Nodes']) =>
    `${s.Appeared.length} appeared, ${s.Disappeared.length} disappeared, ${s.Changed.length} changed`;
  const summary =
    `from ${new Date(d.From).toISOString()} to ${to}: ` +
    `nodes ${count(d.Nodes)}; edges ${count(d.Edges)}`;
  const rows = diffRows(d);
  return rows.length === 0 ? `${summary}\n` : `${summary}\n${formatTable(HEADER, rows)}\n`;
}

/** Registers `diff` under `client topology`. */
export function registerTopologyDiff(topology: Command, ctx: CliContext): void {
  topology
    .command('diff')
    .description('what appeared, disappeared and changed between two times')
    .requiredOption(
      '--from <time>',
      "start time: Go duration relative to now ('-10m'), Unix s or ms, RFC 3339 or RFC1123",
    )
    .option('--to <time>', 'end time, same forms (default: the live graph)')
    .option(
      '--gremlin <query>',
      "compare only what this query selects, e.g. G.V().Has('Type','veth')",
    )
    .option(
      '--ignore <keys>',
      'comma-separated metadata key prefixes to leave out (e.g. Statistics)',
    )
    .addOption(
      new Option('--output <format>', 'output format').choices(['json', 'table']).default('table'),
    )
    .action(
      async (opts: {
        from: string;
        to?: string;
        gremlin?: string;
        ignore?: string;
        output: 'json' | 'table';
      }) => {
        const diff = await ctx.client().topologyDiff({
          from: opts.from,
          to: opts.to,
          gremlin: opts.gremlin,
          ignore: opts.ignore?.split(',').map((k) => k.trim()),
        });
        if (opts.output === 'json') printJSON(ctx.io, diff);
        else ctx.io.stdout.write(renderDiffTable(diff));
      },
    );
}
