// SPDX-License-Identifier: Apache-2.0
// The slice of configuration an agent runs on, resolved once at boot from the Skydive-style config:
// its API (agent.listen, agent.auth.api.backend), its analyzers and how to reach them (cluster
// credentials, TLS), its probes and the host node's extra metadata.
import {
  VERSION,
  authBackendSettings,
  clusterClientTls,
  tlsSettings,
  wsSettings,
  type ApiSettings,
} from '../api/settings.js';
import type { AuthOptions, TlsOptions } from '../client/index.js';
import { parseListen, type SkydiveConfig } from '../config/index.js';
import { InvalidArgumentError, type Metadata } from '../graph/index.js';

/** Topology probes every agent runs, whatever agent.topology.probes says (Skydive's rule). */
export const ALWAYS_ON_PROBES = ['hardware', 'netlink', 'netns'] as const;

export interface AgentSettings extends ApiSettings {
  /** `host:port` of each analyzer (`analyzers`, or SKYDIVE_ANALYZERS), duplicates removed. */
  analyzers: string[];
  /** Credentials and cookies sent to analyzers. */
  cluster: AuthOptions;
  /** TLS toward analyzers (wss://), when configured. */
  clientTls: TlsOptions | undefined;
  /** Probe names to run: agent.topology.probes plus the always-on ones, in that order. */
  probes: string[];
  /** `agent.topology.<name>` sections, by probe name. */
  probeOptions: Readonly<Record<string, unknown>>;
  /** `agent.metadata`, merged into the host node. */
  metadata: Metadata;
}

function metadata(value: unknown): Metadata {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InvalidArgumentError(
      'SKY_ERR_AGENT_CONFIG',
      'agent.metadata must be a map of keys to values',
    );
  return structuredClone(value) as Metadata;
}

/**
 * Settings of an agent built from a loaded configuration.
 * @throws InvalidArgumentError on an auth backend that is not defined, unreadable TLS files or an
 *   agent.metadata that is not a map.
 */
export function agentSettingsFromConfig(config: SkydiveConfig): AgentSettings {
  const a = config.agent;
  const cookies = config.http.cookie ?? {};
  return {
    hostID: config.host_id,
    version: VERSION,
    listen: parseListen(a.listen),
    // The agent's API takes small bodies only (Gremlin queries); the analyzer's limits apply.
    maxBodySize: config.analyzer.max_body_size,
    query: {
      timeoutMs: config.analyzer.query.timeout * 1000,
      maxResults: config.analyzer.query.max_results,
    },
    ws: wsSettings(config),
    auth: {
      api: authBackendSettings(config, a.auth.api.backend),
      // Nobody dials the agent with cluster credentials; its cluster endpoints do not exist.
      cluster: { name: 'noauth', type: 'noauth', role: 'admin' },
    },
    rbacPolicy: config.rbac.policy,
    tls: tlsSettings(config),
    analyzers: [...new Set(config.analyzers)],
    cluster: {
      username: a.auth.cluster.username,
      password: a.auth.cluster.password,
      ...(Object.keys(cookies).length > 0 ? { cookies: { ...cookies } } : {}),
    },
    clientTls: clusterClientTls(config),
    probes: [...new Set([...a.topology.probes, ...ALWAYS_ON_PROBES])],
    probeOptions: a.topology as Readonly<Record<string, unknown>>,
    metadata: metadata(a.metadata),
  };
}
