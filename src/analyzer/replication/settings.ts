// SPDX-License-Identifier: Apache-2.0
// What replication runs on (skydive-compat §2.10, §7): the `analyzers` to dial, the cluster
// credentials and cookies sent to them, TLS toward them, `analyzer.replication.debug`, and tuning.
import { clusterClientTls } from '../../api/settings.js';
import type { AuthOptions, TlsOptions } from '../../client/index.js';
import type { SkydiveConfig } from '../../config/index.js';

/** Reconnection and flow-control tuning; every field has a default. */
export interface ReplicationTuning {
  /** Base delay of the first redial (default 1000 ms, Skydive's reconnect period). */
  minDelayMs: number;
  /** Ceiling of the redial delay (default 30 000 ms). */
  maxDelayMs: number;
  /** Drop an outgoing link that hears nothing (not even pings) this long (default 7000 ms). */
  heartbeatMs: number;
  /**
   * Longest wait for a peer to answer the dial (TCP, TLS and the WebSocket upgrade) before it is
   * closed and redialled with the backoff (default 10 000 ms, as the agent uplink).
   */
  handshakeTimeoutMs: number;
  /** Messages written to an outgoing link and not yet flushed before it is closed as overloaded. */
  maxPendingWrites: number;
}

/** Skydive's 1 s reconnect period as the first step, its 7 s liveness window, http.ws.queue_size. */
export const DEFAULT_REPLICATION_TUNING: ReplicationTuning = {
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  heartbeatMs: 7000,
  handshakeTimeoutMs: 10_000,
  maxPendingWrites: 10_000,
};

export interface ReplicationSettings {
  /** `host:port` of every analyzer to dial (`analyzers`, this one included), duplicates removed. */
  peers: string[];
  /** analyzer.auth.cluster.username/password and http.cookie. */
  auth: AuthOptions;
  /** wss:// with these options when set. */
  tls: TlsOptions | undefined;
  /** `analyzer.replication.debug`: log every replication message. */
  debug: boolean;
  /**
   * Largest message a peer accepts (`analyzer.max_body_size`, assumed the same on every analyzer):
   * a Sync larger than that goes in parts.
   */
  maxMessageBytes: number;
  tuning: ReplicationTuning;
}

/**
 * Settings of replication from a loaded configuration. Peers are dialed over TLS when this
 * analyzer serves TLS itself, or a CA or client certificate is configured (clusterClientTls).
 * @throws InvalidArgumentError SKY_ERR_TLS_CONFIG when a configured PEM file cannot be read.
 */
export function replicationSettingsFromConfig(
  config: SkydiveConfig,
  tuning: Partial<ReplicationTuning> = {},
): ReplicationSettings {
  const tls: TlsOptions | undefined = clusterClientTls(config);
  const cluster = config.analyzer.auth.cluster;
  const cookies = config.http.cookie ?? {};
  return {
    peers: [...new Set(config.analyzers)],
    auth: {
      username: cluster.username,
      password: cluster.password,
      ...(Object.keys(cookies).length > 0 ? { cookies: { ...cookies } } : {}),
    },
    tls,
    debug: config.analyzer.replication.debug,
    maxMessageBytes: config.analyzer.max_body_size,
    tuning: {
      ...DEFAULT_REPLICATION_TUNING,
      heartbeatMs: (config.http.ws.ping_delay + config.http.ws.pong_timeout) * 1000,
      handshakeTimeoutMs: DEFAULT_REPLICATION_TUNING.handshakeTimeoutMs,
      maxPendingWrites: config.http.ws.queue_size,
      ...tuning,
    },
  };
}
