// SPDX-License-Identifier: Apache-2.0
// `GET /api/topology/diff?from=T1[&to=T2][&gremlin=Q][&ignore=k1,k2]`: what appeared, disappeared
// and changed between two times (history snapshots; without `to`, the live graph).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorResponses } from '../../api/http/index.js';
import { ERR_NO_HISTORY } from '../../api/ws/index.js';
import { InvalidArgumentError } from '../../graph/errors.js';
import type { GraphView } from '../../graph/types.js';
import type { HistoryProvider } from '../../gremlin/index.js';
import { ErrorBodySchema, TopologyDiffSchema, type TopologyDiff } from '../../protocol/index.js';
import type { AnalyzerContext } from '../context.js';
import { diffElements, selectElements, viewElements, type ElementSets } from './diff.js';
import { parseTimeArg } from './time-arg.js';

/** Code of a diff whose From is after its To. */
export const ERR_TIME_RANGE = 'SKY_ERR_TIME_RANGE';

const TIME_HELP =
  "Go duration relative to now ('-1m'), Unix seconds or ms, RFC 3339, RFC1123 or 'now'";

const DiffQuery = Type.Object({
  from: Type.String({ description: `start time: ${TIME_HELP}` }),
  to: Type.Optional(
    Type.String({ description: `end time (default: the live graph): ${TIME_HELP}` }),
  ),
  gremlin: Type.Optional(
    Type.String({
      description:
        "compare only what this query selects at each time, e.g. G.V().Has('Type','veth')",
    }),
  ),
  ignore: Type.Optional(
    Type.String({
      description: 'comma-separated metadata key prefixes to leave out, e.g. Statistics',
    }),
  ),
});

interface DiffArgs {
  from: string;
  to?: string;
  gremlin?: string;
  ignore?: string;
}

/** Computes a diff for parsed arguments (shared by the route and tests). */
export async function topologyDiff(
  ctx: AnalyzerContext,
  history: HistoryProvider | undefined,
  args: DiffArgs,
  now = Date.now(),
): Promise<TopologyDiff> {
  if (history === undefined)
    throw new InvalidArgumentError(ERR_NO_HISTORY, 'Backend does not support history');
  const from = parseTimeArg('from', args.from, now);
  const live = args.to === undefined || args.to.trim() === '';
  const to = live ? now : parseTimeArg('to', args.to ?? '', now);
  if (from > to)
    throw new InvalidArgumentError(
      ERR_TIME_RANGE,
      `from (${new Date(from).toISOString()}) is after to (${new Date(to).toISOString()})`,
    );
  const ignore = (args.ignore ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const text = args.gremlin?.trim() ?? '';
  // a query that does not parse fails before any snapshot is read
  const query = text === '' ? undefined : ctx.gremlin.parse(text);
  const limits = ctx.settings.query;
  const select = (view: GraphView): Promise<ElementSets> | ElementSets =>
    query === undefined ? viewElements(view) : selectElements(ctx.gremlin, query, view, limits);
  const before = await select(await history.at(from));
  const after = await select(live ? ctx.graph : await history.at(to));
  return diffElements(before, after, { from, to, live }, ignore);
}

/** Registers the diff route (inside the authenticated API scope). */
export function historyRoutes(
  app: FastifyInstance,
  ctx: AnalyzerContext,
  history: HistoryProvider | undefined,
): void {
  app.get(
    '/api/topology/diff',
    {
      config: { rbac: ['topology', 'read'] },
      schema: {
        summary: 'What appeared, disappeared and changed between two times',
        description:
          'Compares the graph at `from` with the graph at `to` (or the live graph). Changed ' +
          'elements list each metadata key that differs, with its old and new value. A time ' +
          'before the start of recorded history answers 400 SKY_ERR_HISTORY_HORIZON with that start.',
        tags: ['topology'],
        querystring: DiffQuery,
        response: {
          200: TopologyDiffSchema,
          400: { ...ErrorBodySchema, description: 'bad time, range, filter, or before history' },
          ...ErrorResponses,
        },
      },
    },
    async (req) => topologyDiff(ctx, history, req.query as DiffArgs),
  );
}
