// SPDX-License-Identifier: Apache-2.0
// The agent's capture side, assembled by the composition root: the flow sender to the analyzers,
// the capture manager answering OnDemandCapture, and the backend that runs captures.
import type { Logger } from 'pino';
import type { SkydiveConfig } from '../../config/index.js';
import type { Graph } from '../../graph/index.js';
import { FlowMessageType, Namespace, type StructMessage } from '../../protocol/index.js';
import {
  decodeTableQuery,
  encodeFlowSet,
  encodeTableReply,
  type Flow,
  type TableQuery,
} from '../../protocol/flow.js';
import { checkFilter, type FilterNode } from '../../flow/query/filter.js';
import type { Uplink } from '../uplink/index.js';
import type { AgentSettings } from '../settings.js';
import { FlowSender } from './flow-sender.js';
import { UdpFlowSender } from './udp-sender.js';
import { CaptureManager, type CaptureBackend } from './manager.js';
import { applySearchQuery } from './search-query.js';
import type { SearchQuery } from '../../protocol/flow-search.js';

export { CaptureManager, netnsPathOf } from './manager.js';
export type {
  CaptureBackend,
  CaptureSpec,
  RunningCapture,
  CaptureCounters,
  TableStats,
} from './manager.js';
export { FlowSender, FLOWS_PER_MESSAGE } from './flow-sender.js';
export { UdpFlowSender } from './udp-sender.js';

/** Flow table timers and sizes every capture of the agent uses (flow.* keys), in ms. */
export interface FlowTableSettings {
  updateMs: number;
  expireMs: number;
  maxEntries: number;
  applicationTimeoutMs: Record<string, number>;
}

/** How flow updates leave the agent: WebSocket (FlowSender) or UDP (UdpFlowSender). */
export type FlowTransport = Pick<FlowSender, 'start' | 'send' | 'sendStats' | 'stats' | 'close'>;

/** What a backend factory receives. */
export interface BackendContext {
  logger: Logger;
  sender: FlowTransport;
  table: FlowTableSettings;
  config: SkydiveConfig;
}

/** Counters of the live flow queries (Flow/TableQuery, §2.12) an agent answered, cumulative. */
export interface TableQueryStats {
  /** Queries answered (status 200). */
  queries: number;
  /** Queries refused with 400: not a SearchQuery, bytes that do not decode, a malformed filter. */
  rejected: number;
  /** Table flows the filter was evaluated on one by one. */
  flowsScanned: number;
  /** Flows sent back in replies (with their raw packets). */
  flowsSent: number;
  /** Capture tables not read at all: their node TID and capture ID alone excluded them. */
  capturesSkipped: number;
  /** Replies cut to fit the analyzers' message limit (analyzer.max_body_size)… */
  repliesTruncated: number;
  /** …and the matching flows left out of them. */
  flowsTruncated: number;
}

/** The running capture side of an agent. */
export interface AgentCaptures {
  manager: CaptureManager;
  sender: FlowTransport;
  backend: CaptureBackend;
  /** What the live flow queries cost this agent (for status and metrics). */
  tableQueryStats(): TableQueryStats;
  close(): Promise<void>;
}

/** A new all-zero TableQueryStats. */
export function newTableQueryStats(): TableQueryStats {
  return {
    queries: 0,
    rejected: 0,
    flowsScanned: 0,
    flowsSent: 0,
    capturesSkipped: 0,
    repliesTruncated: 0,
    flowsTruncated: 0,
  };
}

/**
 * The SearchQuery of a TableQuery request (protobuf bytes, or its JSON in a JSON envelope) and its
 * checked filter.
 */
function tableQuery(obj: unknown): {
  filter: FilterNode | undefined;
  query: SearchQuery | undefined;
} {
  let q: TableQuery;
  if (obj instanceof Uint8Array) q = decodeTableQuery(obj);
  else if (obj !== null && typeof obj === 'object') q = obj as TableQuery;
  else throw new Error('the TableQuery is neither protobuf bytes nor an object');
  if (q.Type !== 'SearchQuery') throw new Error(`unknown TableQuery type '${String(q.Type)}'`);
  const filter = q.Query?.Filter;
  return {
    filter:
      filter === undefined || filter === null ? undefined : checkFilter(filter, 'Query.Filter'),
    query: q.Query ?? undefined,
  };
}

/** Room left in a message for the WebSocket envelope around a TableReply. */
const ENVELOPE_BYTES = 1024;

/** TableReply.Status of a reply cut to fit the analyzer's limit (a Skydive analyzer ignores it). */
const REPLY_PARTIAL = 206;

function encodeReply(flows: readonly Flow[], status = 200): Uint8Array {
  let start = 0;
  let end = 0;
  for (const f of flows) {
    if (start === 0 || f.Start < start) start = f.Start;
    if (f.Last > end) end = f.Last;
  }
  const set = encodeFlowSet({ Flows: flows as Flow[], Start: start, End: end });
  return encodeTableReply({ Status: status, FlowSetBytes: [set] });
}

/**
 * Answers an analyzer's Flow/TableQuery: the table flows of every running capture that match its
 * SearchQuery's Filter, sorted, deduplicated and paged as the query asks (applySearchQuery, as a
 * Skydive agent does), as one FlowSet in a TableReply. A reply over `maxBytes`
 * (the analyzer's WebSocket limit, analyzer.max_body_size: it would close the link) keeps only as
 * many flows as fit, with TableReply.Status 206 so that our analyzer tells the user (Skydive's
 * ignores it); the rest are counted in `flowsTruncated` and named in `error`.
 */
export function answerTableQuery(
  manager: Pick<CaptureManager, 'queryFlows'>,
  msg: Pick<StructMessage, 'Type' | 'Obj'>,
  stats: TableQueryStats,
  maxBytes = Number.POSITIVE_INFINITY,
): { status: number; reply: Uint8Array; error?: string } {
  let filter: FilterNode | undefined;
  let query: SearchQuery | undefined;
  try {
    if (msg.Type !== FlowMessageType.TableQuery)
      throw new Error(`unknown Flow message type '${msg.Type}'`);
    ({ filter, query } = tableQuery(msg.Obj));
  } catch (err) {
    stats.rejected++;
    const reply = encodeTableReply({ Status: 400, FlowSetBytes: [] });
    return { status: 400, reply, error: (err as Error).message };
  }
  const r = manager.queryFlows(filter);
  stats.queries++;
  stats.flowsScanned += r.scanned;
  stats.capturesSkipped += r.capturesSkipped;
  const matched = applySearchQuery(r.flows, query);
  let flows = matched;
  let reply = encodeReply(flows);
  const limit = maxBytes - ENVELOPE_BYTES;
  while (reply.length > limit && flows.length > 0) {
    const keep = Math.min(
      flows.length - 1,
      Math.floor((flows.length * limit * 0.95) / reply.length),
    );
    flows = flows.slice(0, Math.max(0, keep));
    reply = encodeReply(flows, REPLY_PARTIAL);
  }
  stats.flowsSent += flows.length;
  if (flows.length === matched.length) return { status: 200, reply };
  stats.repliesTruncated++;
  stats.flowsTruncated += matched.length - flows.length;
  const error =
    `flow table reply truncated to ${flows.length} of ${matched.length} matching flows ` +
    `to fit analyzer.max_body_size (${maxBytes} bytes)`;
  return { status: 200, reply, error };
}

/** flow.* of the configuration, in ms. */
export function flowTableSettings(config: SkydiveConfig): FlowTableSettings {
  const f = config.flow as unknown as {
    update: number;
    expire: number;
    max_entries: number;
    application_timeout?: Record<string, number>;
  };
  const apps: Record<string, number> = {};
  for (const [k, v] of Object.entries(f.application_timeout ?? {})) apps[k] = v * 1000;
  return {
    updateMs: f.update * 1000,
    expireMs: f.expire * 1000,
    maxEntries: f.max_entries,
    applicationTimeoutMs: apps,
  };
}

/**
 * Starts the flow sender and the capture manager and routes the analyzers' OnDemandCapture
 * requests to it.
 */
export function startCaptures(opts: {
  config: SkydiveConfig;
  settings: AgentSettings;
  graph: Graph;
  uplink: Uplink;
  logger: Logger;
  backend: (ctx: BackendContext) => CaptureBackend;
}): AgentCaptures {
  const { settings, logger } = opts;
  // flow.protocol (Skydive's default udp): datagrams to the analyzers' ports, or /ws/agent/flow.
  const protocol = (opts.config.flow as unknown as { protocol?: string }).protocol ?? 'udp';
  const senderLog = logger.child({ component: 'flow-sender', protocol });
  const sender: FlowTransport =
    protocol === 'websocket'
      ? new FlowSender({
          analyzers: settings.analyzers,
          hostID: settings.hostID,
          auth: settings.cluster,
          tls: settings.clientTls,
          logger: senderLog,
        })
      : new UdpFlowSender(settings.analyzers, senderLog);
  const backend = opts.backend({
    logger,
    sender,
    table: flowTableSettings(opts.config),
    config: opts.config,
  });
  const stats = (opts.config.agent as unknown as { capture?: { stats_update?: number } }).capture;
  const manager = new CaptureManager({
    graph: opts.graph,
    backend,
    logger,
    statsUpdateMs: (stats?.stats_update ?? 1) * 1000,
  });
  opts.uplink.onRequest(Namespace.OnDemandCapture, (msg, reply) => manager.handle(msg, reply));
  // Live flow queries (§2.12): the flows of the running captures that match the query's filter
  // (the analyzer pushes down the capture nodes' TIDs and what Has() can express).
  const queryStats = newTableQueryStats();
  opts.uplink.onRequest(Namespace.Flow, (msg, reply) => {
    const r = answerTableQuery(manager, msg, queryStats, settings.maxBodySize);
    if (r.error)
      logger.warn(
        { type: msg.Type, err: r.error },
        r.status === 200 ? 'flow table reply truncated' : 'flow table query refused',
      );
    reply(FlowMessageType.TableResult, r.reply, r.status);
  });
  sender.start();
  return {
    manager,
    sender,
    backend,
    tableQueryStats: () => ({ ...queryStats }),
    async close() {
      await manager.close();
      sender.close();
    },
  };
}
