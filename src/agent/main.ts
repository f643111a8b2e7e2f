// SPDX-License-Identifier: Apache-2.0
// Composition root of an agent: resolves settings, builds the local graph and its host node, serves
// the agent API, starts the topology probes and the uplink to the analyzers. The only place of the
// agent that picks concrete implementations (the built-in probe list, the Gremlin engine).
import os from 'node:os';
import type { Logger } from 'pino';
import { createAuth } from '../api/auth/index.js';
import { createLogger } from '../api/logger.js';
import type { ApiServer } from '../api/server.js';
import { StatusRegistry } from '../api/status.js';
import type { SkydiveConfig } from '../config/index.js';
import { Graph } from '../graph/index.js';
import { GremlinEngine } from '../gremlin/index.js';
import { ProbeBundle } from '../probes/bundle.js';
import { BUILTIN_PROBES, SKYDIVE_PROBE_NAMES } from '../probes/builtin.js';
import type { Probe, SupervisorOptions } from '../probes/sdk.js';
import type { AgentStatus } from '../protocol/index.js';
import type { AgentContext } from './context.js';
import {
  startCaptures,
  type AgentCaptures,
  type BackendContext,
  type CaptureBackend,
} from './capture/index.js';
import { liveCaptureBackend } from './capture/live-backend.js';
import { registerCaptureMetrics } from './capture/metrics.js';
import { createMetricsRegistry } from '../api/metrics.js';
import { registerInterfaceMetrics } from '../api/interface-metrics.js';
import { createHostNode } from './host-node.js';
import { selectProbes, type ProbeSelection } from './probes.js';
import { createAgentServer } from './server.js';
import { agentSettingsFromConfig } from './settings.js';
import { Uplink, type UplinkTuning } from './uplink/index.js';

/** A running agent. */
export interface AgentHandle {
  /** The bound `host:port` of the agent API. */
  address: string;
  context: AgentContext;
  uplink: Uplink;
  probes: ProbeBundle;
  captures: AgentCaptures;
  /** The agent's `/api/status` document. */
  status(): AgentStatus;
  /** Closes the uplink (the analyzers drop this host's subgraph), stops probes, then the API. */
  close(): Promise<void>;
}

/** Options of startAgent beyond the configuration; for embedding and tests. */
export interface StartAgentOptions {
  logger?: Logger;
  /** The probes this agent may run (default BUILTIN_PROBES). */
  probes?: readonly Probe<never>[];
  supervisor?: SupervisorOptions;
  uplink?: Partial<UplinkTuning>;
  /** The machine's host name (default os.hostname()). */
  hostname?: string;
  /** Runs captures (default: libpcap sources feeding flow tables, liveCaptureBackend). */
  captureBackend?: (ctx: BackendContext) => CaptureBackend;
}

/**
 * Starts an agent from a loaded configuration.
 * @throws InvalidArgumentError for bad settings (auth backend, TLS files, unknown probe names).
 * @example
 * const agent = await startAgent(loadConfig({ files: ['skydive.yml'] }));
 * // …
 * await agent.close();
 */
export async function startAgent(
  config: SkydiveConfig,
  opts: StartAgentOptions = {},
): Promise<AgentHandle> {
  const settings = agentSettingsFromConfig(config);
  const logger = opts.logger ?? createLogger(config, 'agent');
  const available = opts.probes ?? BUILTIN_PROBES;
  const known = [...SKYDIVE_PROBE_NAMES, ...available.map((p) => p.name)];
  const selection: ProbeSelection = selectProbes(available, known, settings.probes, logger);

  const origin = `agent.${settings.hostID}`;
  const graph = new Graph({ host: settings.hostID, origin });
  const root = createHostNode(graph, {
    hostID: settings.hostID,
    hostname: opts.hostname ?? os.hostname(),
    metadata: settings.metadata,
  });
  const context: AgentContext = {
    settings,
    logger,
    graph,
    gremlin: new GremlinEngine(),
    auth: createAuth(settings),
    status: new StatusRegistry(),
    origin,
    root,
  };
  const uplink = new Uplink({
    graph,
    hostID: settings.hostID,
    analyzers: settings.analyzers,
    auth: settings.cluster,
    tls: settings.clientTls,
    logger,
    tuning: { heartbeatMs: settings.ws.pingDelayMs + settings.ws.pongTimeoutMs, ...opts.uplink },
  });
  const captures = startCaptures({
    config,
    settings,
    graph,
    uplink,
    logger,
    backend: opts.captureBackend ?? liveCaptureBackend,
  });
  let probes: ProbeBundle | undefined;
  const status = (): AgentStatus => ({
    Clients: context.status.snapshot('Subscribers'),
    Analyzers: uplink.status(),
    TopologyProbes: { ...selection.unavailable, ...probes?.status() },
    FlowProbes: [...captures.backend.types],
  });

  const metrics = createMetricsRegistry('agent');
  registerInterfaceMetrics(metrics, graph);
  registerCaptureMetrics(metrics, captures);
  const server: ApiServer = await createAgentServer(context, status, metrics);
  let address: string;
  try {
    address = await server.listen();
    probes = await ProbeBundle.start(available, selection.run, {
      graph,
      root,
      hostID: settings.hostID,
      logger,
      options: settings.probeOptions,
      ...(opts.supervisor ? { supervisor: opts.supervisor } : {}),
    });
  } catch (err) {
    await captures.close();
    await server.close();
    throw err;
  }
  // Everything is ready: only now announce this host to the analyzers.
  uplink.start();
  logger.info(
    { address, analyzers: settings.analyzers, probes: selection.run, tls: Boolean(settings.tls) },
    'agent listening',
  );
  const bundle = probes;
  let closing: Promise<void> | undefined;
  return {
    address,
    context,
    uplink,
    probes: bundle,
    captures,
    status,
    close: () =>
      (closing ??= (async () => {
        await captures.close();
        await uplink.close();
        await bundle.stop();
        await server.close();
      })()),
  };
}
