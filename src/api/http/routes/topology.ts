// SPDX-License-Identifier: Apache-2.0
// `GET /api/topology` (the whole graph) and `POST /api/topology` (a Gremlin query, §3.4/§4.6):
// 204 for an empty query, 400 with the position for a bad one, DOT when Accept asks for Graphviz.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InvalidArgumentError } from '../../../graph/errors.js';
import { toDot, toJSON } from '../../../gremlin/index.js';
import { ErrorBodySchema, edgeToJSON, nodeToJSON } from '../../../protocol/index.js';
import type { ApiContext } from '../../context.js';
import { HttpErrorCode } from '../errors.js';
import { ErrorResponses, JSON_TYPE } from '../reply.js';

const DOT = 'text/vnd.graphviz';
const PCAP = 'application/vnd.tcpdump.pcap';

/** The output the client asked for: the first media type of Accept that we know, else JSON. */
function outputOf(accept: string | undefined): 'json' | 'dot' | 'pcap' {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === DOT) return 'dot';
    if (type === PCAP) return 'pcap';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
  }
  return 'json';
}

const QueryBody = Type.Union([
  Type.Object(
    {
      GremlinQuery: Type.Optional(Type.String({ description: "e.g. G.V().Has('Type', 'netns')" })),
    },
    { additionalProperties: true },
  ),
  Type.Null(),
]);

/** Response header listing why a query's answer is incomplete (docs/api.md). */
export const WARNING_HEADER = 'X-Skydive-Warning';

/** The warnings as one header value: printable ASCII, `; `-separated, at most 4 KiB. */
function warningHeader(warnings: readonly string[]): string {
  const text = warnings.join('; ').replace(/[^\x20-\x7e]/g, '?');
  return text.length > 4096 ? `${text.slice(0, 4093)}...` : text;
}

export function topologyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/topology',
    {
      config: { rbac: ['topology', 'read'] },
      schema: {
        summary: 'The whole topology',
        tags: ['topology'],
        response: {
          200: Type.Object({
            Nodes: Type.Array(Type.Unknown()),
            Edges: Type.Array(Type.Unknown()),
          }),
          ...ErrorResponses,
        },
      },
    },
    async (_req, reply: FastifyReply) => {
      const body = {
        Nodes: [...ctx.graph.nodes()].map(nodeToJSON),
        Edges: [...ctx.graph.edges()].map(edgeToJSON),
      };
      return reply.type(JSON_TYPE).send(JSON.stringify(body));
    },
  );

  app.post(
    '/api/topology',
    {
      config: { rbac: ['topology', 'read'] },
      schema: {
        summary: 'Run a Gremlin query',
        description:
          'Result shapes: a graph is [{Nodes, Edges}], nodes and edges are arrays, Count() a bare ' +
          'number, Values() null when empty. Accept: text/vnd.graphviz gives DOT for graph results.',
        tags: ['topology'],
        body: QueryBody,
        response: {
          200: Type.Unknown({ description: 'the query result' }),
          204: Type.Null({ description: 'empty query' }),
          400: {
            ...ErrorBodySchema,
            description: 'syntax error (with position) or execution error',
          },
          ...ErrorResponses,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { GremlinQuery?: string } | null | undefined;
      const text = body?.GremlinQuery ?? '';
      if (text.trim() === '') return reply.code(204).send();
      const output = outputOf(req.headers.accept);
      const query = ctx.gremlin.parse(text);
      const warnings: string[] = [];
      const result = await ctx.gremlin.execute(query, ctx.graph, {
        limits: ctx.settings.query,
        warnings,
      });
      // an answer known to be incomplete (an agent that did not answer or cut its reply) says so
      if (warnings.length > 0) void reply.header(WARNING_HEADER, warningHeader(warnings));
      if (output === 'pcap') {
        // RawPackets() results (flow/query) know how to write themselves as a pcap file.
        const pcap = (result as { toPcap?: () => Uint8Array }).toPcap;
        if (result.kind !== 'custom' || typeof pcap !== 'function')
          throw new InvalidArgumentError(
            HttpErrorCode.UnsupportedOutput,
            'pcap output (application/vnd.tcpdump.pcap) needs a RawPackets() query',
          );
        return reply.type(PCAP).send(Buffer.from(pcap.call(result)));
      }
      if (output === 'dot') return reply.type(`${DOT}; charset=UTF-8`).send(toDot(result));
      return reply.type(JSON_TYPE).send(JSON.stringify(toJSON(result)) ?? 'null');
    },
  );
}
