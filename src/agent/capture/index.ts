// SPDX-License-Identifier: Apache-2.0
// The agent's capture side, assembled by the composition root: the flow sender to the analyzers,
// the capture manager answering OnDemandCapture, and the backend that runs captures.
import type { Logger } from 'pino';
import type { SkydiveConfig } from '../../config/index.js';
import type { Graph } from '../../graph/index.js';
import { FlowMessageType, Namespace } from '../../protocol/index.js';
import { encodeFlowSet, encodeTableReply } from '../../protocol/flow.js';
import type { Uplink } from '../uplink/index.js';
import type { AgentSettings } from '../settings.js';
import { FlowSender } from './flow-sender.js';
import { UdpFlowSender } from './udp-sender.js';
import { CaptureManager, type CaptureBackend } from './manager.js';

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

/** The running capture side of an agent. */
export interface AgentCaptures {
  manager: CaptureManager;
  sender: FlowTransport;
  backend: CaptureBackend;
  close(): Promise<void>;
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
  // Live flow queries (§2.12): every flow of every running capture as one FlowSet; the analyzer
  // filters, sorts and merges.
  opts.uplink.onRequest(Namespace.Flow, (msg, reply) => {
    if (msg.Type !== FlowMessageType.TableQuery) {
      reply(FlowMessageType.TableResult, new Uint8Array(), 400);
      return;
    }
    const now = Date.now();
    const set = encodeFlowSet({ Flows: manager.flows(), Start: now, End: now });
    reply(FlowMessageType.TableResult, encodeTableReply({ Status: 200, FlowSetBytes: [set] }));
  });
  sender.start();
  return {
    manager,
    sender,
    backend,
    async close() {
      await manager.close();
      sender.close();
    },
  };
}
