// SPDX-License-Identifier: Apache-2.0
// The analyzer's flow side, assembled: the flow server and its WebSocket endpoints, the on-demand
// capture controller, and the Flows() Gremlin steps reading live and stored flows.
import type { FastifyInstance } from 'fastify';
import { pcapRoutes } from '../http/routes/pcap.js';
import { registerInterfaceMetrics } from '../../api/interface-metrics.js';
import { registerFlowMetrics } from './metrics.js';
import { listenUdpFlows, type UdpFlowListener } from './udp.js';
import type { Endpoint, WsServices } from '../../api/ws/endpoint.js';
import { InvalidArgumentError, uuidV4, type Node } from '../../graph/index.js';
import { captureToJSON, type Capture } from '../../protocol/capture.js';
import { sameCapture, validateCapture } from '../ondemand/capture-validate.js';
import { FlowMessageType, Namespace, WsPath, newStructMessage } from '../../protocol/index.js';
import type { ResourceStore } from '../../storage/resource-store.js';
import type { AnalyzerContext } from '../context.js';
import { OnDemandController } from '../ondemand/controller.js';
import type { AnalyzerWebSocketHub } from '../ws/index.js';
import {
  flowExtensions,
  type FlowSource,
  type StoredMetric,
  type StoredPacket,
} from '../../flow/query/extension.js';
import { andFilters, anyOfFilter, widenFilter } from '../../flow/query/filter.js';
import {
  decodeFlowSet,
  decodeTableReply,
  encodeTableQuery,
  type Flow,
  type FlowFilter,
} from '../../protocol/flow.js';
import { agentFlowRoute, subscriberFlowEndpoint, type AgentFlowRoute } from './endpoints.js';
import { FlowServer, type FlowSink } from './flow-server.js';

export { FlowServer, type FlowSink, type FlowServerStats } from './flow-server.js';
export type { FlowSource } from '../../flow/query/extension.js';

/** The part of the FlowStore (src/storage/flow-store.ts) the flow side uses. */
export interface FlowStoreLike {
  insert(
    flows: readonly (Record<string, unknown> & { UUID: string; Start: number; Last: number })[],
  ): Promise<unknown>;
  search(query?: {
    filter?: unknown;
    range?: { from: number; to: number };
  }): Promise<Record<string, unknown>[]>;
  /** Per UUID, the metric rows recorded inside the range (FlowStore.metricSeries). */
  metricSeries?(
    uuids: readonly string[],
    range?: { from: number; to: number },
  ): Promise<Record<string, StoredMetric[]>>;
  /** Per UUID, the raw packets captured inside the range (FlowStore.rawPackets). */
  rawPackets?(
    uuids: readonly string[],
    range?: { from: number; to: number },
  ): Promise<Record<string, StoredPacket[]>>;
}

/** Tuning of the flow side (tests shorten the delays). */
export interface FlowServicesOptions {
  /** Where flows are stored (analyzer.flow.backend); none keeps only the live ones. */
  store?: FlowStoreLike | undefined;
  /** Debounce of capture re-evaluation (default 1 s, as Skydive). */
  ondemandDebounceMs?: number;
  /** Longest wait of a partial bulk (default 1 s). */
  bulkDelayMs?: number;
}

/** TableReply.Status of an agent that cut its reply to fit analyzer.max_body_size. */
export const TABLE_REPLY_PARTIAL = 206;

/** Why an agent's part of a live flow query is missing or incomplete. */
export type TableProblem = 'truncated' | 'no_answer' | 'refused';

/**
 * One agent's table flows matching `filter` (Flow/TableQuery with a filters.SearchQuery, §2.12),
 * and what went wrong when its answer is missing (gone, slow, refused) or cut (TableReply.Status
 * TABLE_REPLY_PARTIAL: it would not fit the analyzer's message limit).
 */
async function queryTable(
  hub: AnalyzerWebSocketHub,
  host: string,
  filter: FlowFilter | undefined,
  ctx: AnalyzerContext,
): Promise<{ flows: Flow[]; problem?: TableProblem }> {
  const conn = hub.agent(host);
  if (!conn) return { flows: [], problem: 'no_answer' };
  try {
    const msg = newStructMessage(
      Namespace.Flow,
      FlowMessageType.TableQuery,
      encodeTableQuery({ Type: 'SearchQuery', Query: filter ? { Filter: filter } : {} }),
    );
    const reply = await conn.request(msg, 2000);
    if (reply.Status !== 200 || !(reply.Obj instanceof Uint8Array))
      return { flows: [], problem: 'refused' };
    const table = decodeTableReply(reply.Obj);
    const flows = table.FlowSetBytes.flatMap((b) => decodeFlowSet(b).Flows);
    if (table.Status === TABLE_REPLY_PARTIAL) return { flows, problem: 'truncated' };
    if (table.Status !== 200 && table.Status !== 0) return { flows, problem: 'refused' };
    return { flows };
  } catch (err) {
    ctx.logger.debug({ host, err: (err as Error).message }, 'flow table query failed');
    return { flows: [], problem: 'no_answer' };
  }
}

/** What the user is told when an agent's part of a live flow query is incomplete. */
function tableProblemText(host: string, problem: TableProblem, sent: number): string {
  switch (problem) {
    case 'truncated':
      return `agent ${host} cut its flow table reply to ${sent} flows to fit analyzer.max_body_size: the flows it left out are as of their last update, or missing`;
    case 'no_answer':
      return `agent ${host} did not answer the flow table query: its flows are as of their last update`;
    case 'refused':
      return `agent ${host} refused the flow table query: its flows are as of their last update`;
  }
}

/**
 * Which agents a live flow query goes to, each with the filter it gets: with capture nodes, the
 * agents hosting them (as Skydive's LookupFlowsByNodes), each asked for its own nodes' TIDs AND the
 * pushed Has filter; a TID found on no node of the graph goes to every agent. Without nodes
 * (`G.Flows()`), every agent with the pushed filter alone.
 */
export function tableQueryPlan(
  graph: Pick<AnalyzerContext['graph'], 'lookupNodes'>,
  agents: readonly string[],
  tids: ReadonlySet<string> | undefined,
  pushed: FlowFilter | undefined,
): Map<string, FlowFilter | undefined> {
  const plan = new Map<string, FlowFilter | undefined>();
  if (tids === undefined) {
    for (const h of agents) plan.set(h, pushed);
    return plan;
  }
  const byHost = new Map<string, Set<string>>();
  const unplaced: string[] = [];
  for (const tid of tids) {
    let placed = false;
    for (const n of graph.lookupNodes('TID', tid) ?? []) {
      if (!n.host) continue;
      let set = byHost.get(n.host);
      if (!set) byHost.set(n.host, (set = new Set()));
      set.add(tid);
      placed = true;
    }
    if (!placed) unplaced.push(tid);
  }
  for (const h of agents) {
    const mine = [...(byHost.get(h) ?? []), ...unplaced];
    if (mine.length > 0) plan.set(h, andFilters([anyOfFilter('NodeTID', mine), pushed]));
  }
  return plan;
}

/** Filter members agents may not evaluate as we do (see widenFilter). */
const NOT_ON_AGENTS: ReadonlySet<keyof FlowFilter> = new Set(['TermBoolFilter']);

/** Stores flows (already in their Skydive JSON form). */
function storeSink(store: FlowStoreLike): FlowSink {
  return { insert: (flows) => store.insert(flows) };
}

function num(ctx: AnalyzerContext, key: string, dflt: number): number {
  const v = ctx.settings.configValue(key);
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

/**
 * Created before the server; `endpoints` goes to the WebSocket hub, `attach` runs once the hub
 * and the resource store exist.
 */
export class FlowServices {
  readonly server: FlowServer;
  /** Agents' parts of live flow queries that were cut, missing or refused, by cause. */
  readonly partial: Record<TableProblem, number> = { truncated: 0, no_answer: 0, refused: 0 };
  ondemand: OnDemandController | undefined;
  private agentRoute: AgentFlowRoute | undefined;
  private udp: UdpFlowListener | undefined;
  private hub: AnalyzerWebSocketHub | undefined;

  constructor(
    private readonly ctx: AnalyzerContext,
    private readonly opts: FlowServicesOptions = {},
  ) {
    this.server = new FlowServer({
      logger: ctx.logger.child({ component: 'flow-server' }),
      maxBufferSize: num(ctx, 'analyzer.flow.max_buffer_size', 100_000),
      expireMs: num(ctx, 'flow.expire', 600) * 1000,
      bulkDelayMs: opts.bulkDelayMs ?? 1000,
      sink: opts.store ? storeSink(opts.store) : undefined,
    });
    const registry = ctx.metrics;
    if (registry && !registry.getSingleMetric('skydive_flow_received_total')) {
      registerFlowMetrics(registry, this);
      registerInterfaceMetrics(registry, ctx.graph);
    }
    if (!ctx.gremlin.hasStep('Flows'))
      for (const ext of flowExtensions(this.source())) ctx.gremlin.register(ext);
  }

  /**
   * Live flows: the agents' tables now (Flow/TableQuery, §2.12), merged over the latest updates
   * received (an agent that does not answer within 2 s contributes what it last sent). The capture
   * nodes' TIDs and the pushed Has filter go down to the agents, which answer only matching flows.
   */
  private async liveFlows(
    tids?: ReadonlySet<string>,
    pushed?: FlowFilter,
    warn?: (message: string) => void,
  ): Promise<Flow[]> {
    const byUUID = new Map<string, Flow>();
    for (const f of this.server.live.all()) byUUID.set(f.UUID!, f);
    const hub = this.hub;
    if (!hub) return [...byUUID.values()];
    const agents = Object.keys(this.ctx.status.snapshot('Agents'));
    // A Skydive agent's flows never match a TermBoolFilter: leave those terms to the step.
    const live = widenFilter(pushed, NOT_ON_AGENTS);
    const plan = tableQueryPlan(this.ctx.graph, agents, tids, live);
    const hosts = [...plan.keys()];
    const replies = await Promise.all(
      [...plan].map(([h, filter]) => queryTable(hub, h, filter, this.ctx)),
    );
    replies.forEach(({ flows, problem }, i) => {
      for (const f of flows) if (f.UUID) byUUID.set(f.UUID, f);
      if (problem === undefined) return;
      this.partial[problem]++;
      const text = tableProblemText(hosts[i]!, problem, flows.length);
      this.ctx.logger.warn({ host: hosts[i], problem }, text);
      warn?.(text);
    });
    return [...byUUID.values()];
  }

  /** What Flows() reads: the latest flows received, and the store under At/Context. */
  private source(): FlowSource {
    const store = this.opts.store;
    return {
      expireMs: num(this.ctx, 'flow.expire', 600) * 1000,
      live: (tids, pushed, warn) => this.liveFlows(tids, pushed as FlowFilter | undefined, warn),
      ...(store
        ? {
            stored: async (range, tids, pushed) => {
              const filter = andFilters([
                tids === undefined ? undefined : anyOfFilter('NodeTID', tids),
                pushed as FlowFilter | undefined,
              ]);
              return (await store.search({
                range,
                ...(filter ? { filter } : {}),
              })) as unknown as Flow[];
            },
          }
        : {}),
      // Metrics()/RawPackets() under At/Context: the series the store recorded
      ...(store?.metricSeries ? { storedMetrics: store.metricSeries.bind(store) } : {}),
      ...(store?.rawPackets ? { storedRawPackets: store.rawPackets.bind(store) } : {}),
    };
  }

  /** REST routes of the flow side: POST /api/pcap. */
  routes(api: FastifyInstance): void {
    const ctx = this.ctx;
    pcapRoutes(api, {
      server: this.server,
      maxBytes: num(ctx, 'analyzer.flow.max_pcap_size', 1024) * 1024 * 1024,
      updateSeconds: num(ctx, 'flow.update', 60),
      expireSeconds: num(ctx, 'flow.expire', 600),
      layerKeyMode: ctx.settings.configValue('flow.default_layer_key_mode') === 'L3' ? 'L3' : 'L2',
    });
  }

  /** WebSocket endpoints served by the hub's front door. */
  endpoints(svc: WsServices): Endpoint[] {
    return [subscriberFlowEndpoint(this.server)(svc)];
  }

  /** Starts the agent flow endpoint and the capture controller. */
  attach(hub: AnalyzerWebSocketHub, resources: ResourceStore): void {
    const ctx = this.ctx;
    this.hub = hub;
    this.agentRoute = agentFlowRoute(ctx, this.server);
    hub.addRoute(WsPath.AgentFlow, this.agentRoute.route);
    this.ondemand = new OnDemandController({
      graph: ctx.graph,
      store: resources,
      channel: hub,
      logger: ctx.logger,
      ...(this.opts.ondemandDebounceMs === undefined
        ? {}
        : { debounceMs: this.opts.ondemandDebounceMs }),
      select: async (q): Promise<readonly Node[]> => {
        const r = await ctx.gremlin.execute(q, ctx.graph, { limits: ctx.settings.query });
        if (r.kind !== 'nodes')
          throw new InvalidArgumentError('SKY_ERR_INVALID_CAPTURE', `'${q}' does not give nodes`);
        return r.nodes;
      },
    });
    this.ondemand.start();
    void this.startupCapture(resources);
  }

  /**
   * `analyzer.startup.capture_gremlin` (with `_bpf`, `_type`): the boot capture, created unless
   * the store already holds the same one (a persistent store keeps it across restarts).
   */
  private async startupCapture(resources: ResourceStore): Promise<void> {
    const cfg = (k: string) => {
      const v = this.ctx.settings.configValue(`analyzer.startup.${k}`);
      return typeof v === 'string' ? v : '';
    };
    const gremlin = cfg('capture_gremlin');
    if (gremlin === '') return;
    try {
      const body = validateCapture(
        { GremlinQuery: gremlin, BPFFilter: cfg('capture_bpf'), Type: cfg('capture_type') },
        {
          checkGremlin: (q) => void this.ctx.gremlin.parse(q),
          defaultLayerKeyMode:
            this.ctx.settings.configValue('flow.default_layer_key_mode') === 'L3' ? 'L3' : 'L2',
        },
      );
      for (const other of await resources.list('capture'))
        if (sameCapture(other as unknown as Capture, body)) return;
      const c = captureToJSON({ ...body, Name: 'startup', UUID: uuidV4() });
      await resources.create('capture', { ...c });
      this.ctx.logger.info({ capture: c.UUID, gremlin }, 'startup capture created');
    } catch (err) {
      this.ctx.logger.error(
        { err: (err as Error).message, gremlin },
        'analyzer.startup.capture_gremlin: capture refused',
      );
    }
  }

  /**
   * Binds the UDP flow port on the HTTP server's bound address (`host:port`); a port already taken
   * is logged, not fatal (agents can still use /ws/agent/flow).
   */
  async listenUdp(bound: string): Promise<void> {
    const i = bound.lastIndexOf(':');
    const host = bound.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(bound.slice(i + 1));
    try {
      this.udp = await listenUdpFlows(this.server, host, port, this.ctx.logger);
    } catch (err) {
      this.ctx.logger.warn(
        { address: bound, err: (err as Error).message },
        'UDP flow port unavailable; agents must send flows over /ws/agent/flow',
      );
    }
  }

  /** The `Flows` section of /api/status. */
  status(): Record<string, unknown> {
    return {
      ...this.server.stats(),
      Agents: [...(this.agentRoute?.peers().keys() ?? [])],
      UDP: this.udp?.address ?? '',
      OnDemand: this.ondemand?.stats,
      // live queries answered with an agent's part cut, missing or refused, by cause
      LiveQueryPartial: { ...this.partial },
    };
  }

  async close(): Promise<void> {
    await this.ondemand?.close();
    await this.agentRoute?.close();
    await this.udp?.close();
    await this.server.close();
  }
}
