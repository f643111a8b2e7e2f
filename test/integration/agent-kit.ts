// SPDX-License-Identifier: Apache-2.0
// Agents for integration tests: startAgent on 127.0.0.1:0 with fast reconnection, fake probes where
// a real one is not the point, and helpers to read an analyzer's copy of an agent's subgraph.

import assert from 'node:assert/strict';
import pino from 'pino';
import { startAgent, type AgentHandle, type StartAgentOptions } from '../../src/agent/main.js';
import type { UplinkTuning } from '../../src/agent/uplink/index.js';
import type { AnalyzerContext } from '../../src/analyzer/context.js';
import { loadConfig } from '../../src/config/index.js';
import type { Node } from '../../src/graph/index.js';
import type { Probe } from '../../src/probes/sdk.js';
import { WsClient } from '../../src/client/index.js';
import { WsPath } from '../../src/protocol/index.js';
import {
  captureLogger,
  eventually,
  type LogCapture,
  type Teardown,
  type TestAnalyzer,
} from './helpers.js';

/**
 * Retries `check` until it passes (eventually() with a 30 s deadline: this machine is shared, and a
 * deadline that fails a correct run is worse than a slow failure). Not a speed requirement. Give
 * every `assert.ok` in `check` a message: without one, each failure makes node:assert parse the
 * test's source to print the expression, which under `node --test` costs enough CPU per retry to
 * starve the servers the test waits for.
 */
export function settle<T>(check: () => T | Promise<T>): Promise<T> {
  return eventually(check, { timeoutMs: 30_000 });
}

/** A generous limit for a whole agent test suite, so a hang fails instead of blocking the run. */
export const SUITE = { timeout: 180_000 } as const;

/** Reconnection fast enough for tests (the jitter stays on). */
export const FAST_UPLINK: Partial<UplinkTuning> = { minDelayMs: 20, maxDelayMs: 200 };

/** A probe that does nothing but wait to be stopped (or runs `body`). */
export function fakeProbe(
  name: string,
  body?: (ctx: Parameters<Probe<never>['create']>[0], signal: AbortSignal) => Promise<void>,
): Probe<never> {
  return {
    name,
    description: `fake ${name}`,
    defaults: {} as never,
    create: (ctx) => ({
      run: (signal) =>
        body
          ? body(ctx, signal)
          : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    }),
  };
}

/** The always-on probes as fakes: tests that are not about probes run no real one. */
export const FAKE_PROBES = ['hardware', 'netlink', 'netns'].map((n) => fakeProbe(n));

export interface TestAgentOptions {
  hostId?: string;
  analyzers?: string[];
  /** Dotted config keys, applied last. */
  overrides?: Record<string, unknown>;
  probes?: readonly Probe<never>[];
  uplink?: Partial<UplinkTuning>;
  /** Keep logs (capture) or drop them (default). */
  logs?: 'capture' | 'silent';
  hostname?: string;
  /** The capture backend (default: the agent's own, liveCaptureBackend). */
  captureBackend?: StartAgentOptions['captureBackend'];
}

export interface TestAgent extends AgentHandle {
  logs: LogCapture | undefined;
}

/** Starts an agent (API on 127.0.0.1:0, no real probe by default) and registers its close. */
export async function startTestAgent(t: Teardown, opts: TestAgentOptions = {}): Promise<TestAgent> {
  const overrides: Record<string, unknown> = {
    'agent.listen': '127.0.0.1:0',
    host_id: opts.hostId ?? 'it-agent',
    analyzers: opts.analyzers ?? [],
    'agent.topology.probes': [],
    ...opts.overrides,
  };
  const config = loadConfig({ overrides, env: {}, hostname: 'it-machine' });
  const logs = opts.logs === 'capture' ? captureLogger() : undefined;
  const start: StartAgentOptions = {
    logger: logs?.logger ?? pino({ level: 'silent' }),
    probes: opts.probes ?? FAKE_PROBES,
    uplink: { ...FAST_UPLINK, ...opts.uplink },
    hostname: opts.hostname ?? 'it-machine',
    ...(opts.captureBackend ? { captureBackend: opts.captureBackend } : {}),
  };
  const agent = await startAgent(config, start);
  t.after(() => agent.close());
  return Object.assign(agent, { logs });
}

/** The analyzer's nodes of one origin, by ID. */
export function nodesOf(an: AnalyzerContext, origin: string): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const n of an.graph.nodes()) if (n.origin === origin) out.set(n.id, n);
  return out;
}

/** IDs of the agent's local nodes and edges, sorted, for comparing with an analyzer's copy. */
export function localIDs(agent: AgentHandle): { nodes: string[]; edges: string[] } {
  const g = agent.context.graph;
  return {
    nodes: [...g.nodes()].map((n) => n.id).sort(),
    edges: [...g.edges()].map((e) => e.id).sort(),
  };
}

/** The same IDs, as the analyzer holds them under the agent's origin. */
export function remoteIDs(
  an: AnalyzerContext,
  origin: string,
): { nodes: string[]; edges: string[] } {
  return {
    nodes: [...an.graph.nodes()]
      .filter((n) => n.origin === origin)
      .map((n) => n.id)
      .sort(),
    edges: [...an.graph.edges()]
      .filter((e) => e.origin === origin)
      .map((e) => e.id)
      .sort(),
  };
}

/**
 * An agent-like client on `an`'s /ws/agent/topology that answers nothing (a Flow/TableQuery goes
 * unanswered), listed among the analyzer's agents once this resolves. Close it when done.
 */
export async function connectSilentAgent(an: TestAnalyzer, hostId: string): Promise<WsClient> {
  const silent = new WsClient(
    an.ws({
      path: WsPath.AgentTopology,
      hostId,
      clientType: 'agent',
      protocol: 'protobuf',
      persistencePolicy: 'DeleteOnDisconnect',
    }),
  );
  await silent.connect();
  await settle(() => assert.ok(hostId in an.context.status.snapshot('Agents'), 'agent listed'));
  return silent;
}
