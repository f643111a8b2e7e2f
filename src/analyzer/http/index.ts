// SPDX-License-Identifier: Apache-2.0
// The analyzer's REST API: the shared surface of src/api/http (errors, auth, /login, /api,
// /api/topology…) with the analyzer's status, config, element and rule routes, and the rule engine.
import type { FastifyInstance } from 'fastify';
import { registerApi } from '../../api/http/index.js';
import { InvalidArgumentError, type Node } from '../../graph/index.js';
import { AnalyzerStatusSchema, type AnalyzerStatus } from '../../protocol/index.js';
import { MemoryResourceStore } from '../../storage/memory/resource-store.js';
import type { ResourceStore } from '../../storage/resource-store.js';
import type { AnalyzerContext } from '../context.js';
import { RuleEngine } from '../rules/engine.js';
import type { RuleQueries } from '../rules/types.js';
import { captureChecks, captureRoutes } from './routes/capture.js';
import { metricsRoute } from '../../api/metrics.js';
import { historyRoutes } from '../history/routes.js';
import { configRoutes } from './routes/config.js';
import { elementChecks, elementRoutes } from './routes/elements.js';
import { ruleChecks, ruleRoutes } from './routes/rules.js';

export {
  STATUS_BY_KIND,
  HttpErrorCode,
  mapError,
  errorBody,
  type ErrorBody,
} from '../../api/http/index.js';
export { applyPatch } from './json-patch.js';

/** Options of registerHttp; everything has a default. */
export interface HttpOptions {
  /** Where rules (and later captures, alerts…) live; default an in-memory store owned by the app. */
  resources?: ResourceStore;
  /** Debounce of rule re-evaluation after graph changes (default 100 ms). */
  rulesDebounceMs?: number;
  /** The `Flows` section of /api/status (the flow server's counters). */
  flowStatus?: () => Record<string, unknown>;
  /** More routes in the authenticated scope (the flow side's /api/pcap). */
  extraRoutes?: (api: FastifyInstance) => void;
}

/** What registerHttp started, for the composition root and tests. */
export interface HttpServices {
  resources: ResourceStore;
  rules: RuleEngine;
}

/** Rules read the live graph through the context's Gremlin engine, under the query limits. */
function ruleQueries(ctx: AnalyzerContext): RuleQueries {
  return {
    check: (q) => void ctx.gremlin.parse(q),
    nodes: async (q): Promise<readonly Node[]> => {
      const r = await ctx.gremlin.execute(q, ctx.graph, { limits: ctx.settings.query });
      if (r.kind !== 'nodes')
        throw new InvalidArgumentError(
          'SKY_ERR_INVALID_RULE',
          `query '${q}' returns ${r.kind}, not nodes`,
        );
      return r.nodes;
    },
  };
}

/**
 * Registers the REST API on the root instance (see registerApi for what applies where). Stops the rule engine (and closes a store it created) when the app closes.
 * @example
 * const app = Fastify({ bodyLimit: ctx.settings.maxBodySize });
 * await registerHttp(app, ctx);
 */
export async function registerHttp(
  app: FastifyInstance,
  ctx: AnalyzerContext,
  opts: HttpOptions = {},
): Promise<HttpServices> {
  const resources = opts.resources ?? new MemoryResourceStore();
  const queries = ruleQueries(ctx);
  const captureValidation = {
    checkGremlin: (q: string) => void ctx.gremlin.parse(q),
    defaultLayerKeyMode:
      ctx.settings.configValue('flow.default_layer_key_mode') === 'L3'
        ? ('L3' as const)
        : ('L2' as const),
  };
  const rules = new RuleEngine({
    graph: ctx.graph,
    store: resources,
    queries,
    logger: ctx.logger.child({ component: 'rules' }),
    origin: ctx.origin,
    host: ctx.settings.hostID,
    ...(opts.rulesDebounceMs === undefined ? {} : { debounceMs: opts.rulesDebounceMs }),
  });

  await registerApi(app, ctx, {
    service: 'analyzer',
    title: 'Skydive API (skydive-ts)',
    description:
      'Skydive-compatible REST API of the analyzer; see docs/api.md for the differences.',
    statusSchema: AnalyzerStatusSchema,
    statusSummary: 'Connected agents, publishers and subscribers',
    status: async (): Promise<AnalyzerStatus> => ({
      Agents: ctx.status.snapshot('Agents'),
      Peers: ctx.replication?.peers() ?? { Incomers: {}, Outgoers: {} },
      Publishers: ctx.status.snapshot('Publishers'),
      Subscribers: ctx.status.snapshot('Subscribers'),
      Alerts: { IsMaster: true },
      Captures: { IsMaster: true },
      Probes: {},
      ...(ctx.historyService ? { Storage: await ctx.historyService.status() } : {}),
      ...(opts.flowStatus ? { Flows: opts.flowStatus() } : {}),
    }),
    checks: new Map([
      ...elementChecks,
      ...ruleChecks(queries),
      ...captureChecks(captureValidation),
    ]),
    routes(api) {
      configRoutes(api, ctx);
      historyRoutes(api, ctx, ctx.history);
      if (ctx.metrics) metricsRoute(api, ctx.metrics);
      elementRoutes(api, ctx);
      ruleRoutes(api, resources, queries);
      captureRoutes(api, { ctx, store: resources, validation: captureValidation });
      opts.extraRoutes?.(api);
    },
  });

  rules.start();
  app.addHook('onClose', async () => {
    rules.stop();
    if (!opts.resources) await resources.close();
  });
  return { resources, rules };
}
