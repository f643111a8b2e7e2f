// SPDX-License-Identifier: Apache-2.0
// One analyzer of an agent: a protobuf WebSocket to /ws/agent/topology (§2.7), kept open. Lifecycle:
//
//   idle ──start──▶ connecting ──handshake ok──▶ connected ──lost──▶ waiting ──delay──▶ connecting
//                       │ refused, unreachable, or no handshake answer  ▲
//                       └───────────────────────────────────────────────┘
//   any ──close()──▶ closed
//
// The delay before attempt n after a failure or a loss is exponential with full jitter, uniform in
// [0, 2·min·2^(n-1)] capped at 2·max, so that many agents losing the same analyzer do not all come
// back in the same instant. The cycle itself is the client's ReconnectingLink; this file adds the
// agent's part: handshake-timeout count, pending writes, logging and ConnStatus.
import type { Logger } from 'pino';
import {
  ClientError,
  ReconnectingLink,
  splitHostPort,
  type AuthOptions,
  type HandshakeInfo,
  type TlsOptions,
} from '../../client/index.js';
import {
  ClientProtocol,
  PersistencePolicy,
  ServiceType,
  WsPath,
  type StructMessage,
} from '../../protocol/index.js';
import type { ConnStatus } from '../../api/status.js';

/**
 * Default of `LinkTuning.handshakeTimeoutMs`. Skydive has no such setting (its dialer waits as long
 * as the kernel lets it); ours matches Skydive's other WebSocket deadlines (write, request reply).
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Reconnection and liveness tuning of a link. */
export interface LinkTuning {
  /** Base delay of the first retry (default 1000 ms, Skydive's reconnect period). */
  minDelayMs: number;
  /** Ceiling of the base delay (default 30 000 ms). */
  maxDelayMs: number;
  /**
   * Drop the connection when the analyzer sends nothing (not even its pings) for this long
   * (default http.ws.ping_delay + pong_timeout: 7 s).
   */
  heartbeatMs: number;
  /**
   * Give up a connection attempt whose opening handshake (TCP, TLS, the WebSocket upgrade answer)
   * takes longer than this (default 10 000 ms), then retry with the backoff: an analyzer that
   * accepts TCP but never answers the upgrade must not hold the agent forever.
   */
  handshakeTimeoutMs: number;
  /** Random source in [0, 1) for the jitter (tests pin it). */
  random: () => number;
}

export interface LinkOptions extends AuthOptions {
  /** `host:port` of the analyzer. */
  address: string;
  /** This agent's host_id (X-Host-ID). */
  hostID: string;
  tls?: TlsOptions | undefined;
  logger: Logger;
  tuning: LinkTuning;
}

/** What a link tells its owner. */
export interface LinkEvents {
  open(link: AnalyzerLink): void;
  lost(link: AnalyzerLink): void;
  message(link: AnalyzerLink, msg: StructMessage): void;
}

/** The connection to one analyzer, reconnecting until closed. */
export class AnalyzerLink {
  private readonly link: ReconnectingLink;
  private inFlight = 0;
  private connectTime: Date | undefined;
  private remote: HandshakeInfo | undefined;
  /** Attempts given up because the analyzer did not answer the handshake in time. */
  handshakeTimeouts = 0;

  constructor(
    readonly opts: LinkOptions,
    private readonly events: LinkEvents,
  ) {
    const { minDelayMs, maxDelayMs, random } = opts.tuning;
    this.link = new ReconnectingLink(
      {
        client: {
          analyzer: opts.address,
          path: WsPath.AgentTopology,
          hostId: opts.hostID,
          clientType: ServiceType.Agent,
          protocol: ClientProtocol.Protobuf,
          persistencePolicy: PersistencePolicy.DeleteOnDisconnect,
          username: opts.username,
          password: opts.password,
          token: opts.token,
          cookies: opts.cookies,
          tls: opts.tls,
          heartbeatTimeoutMs: opts.tuning.heartbeatMs,
          handshakeTimeoutMs: opts.tuning.handshakeTimeoutMs,
        },
        backoff: { minDelayMs, maxDelayMs, jitter: 1 },
        random,
      },
      {
        onOpen: (info) => this.opened(info),
        onMessage: (msg) => this.events.message(this, msg),
        onLost: (code, reason) => this.lost(code, reason),
        onFailure: (err) => {
          if (err instanceof ClientError && err.code === 'SKY_ERR_CLIENT_TIMEOUT')
            this.handshakeTimeouts++;
        },
        onRetry: (attempt, delayMs) => this.retrying(attempt, delayMs),
      },
    );
  }

  get address(): string {
    return this.opts.address;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  /** Connection attempts since start. */
  get attempts(): number {
    return this.link.attempts;
  }

  /** Why the last attempt failed or the last connection ended. */
  get lastError(): string {
    return this.link.lastError;
  }

  /** Messages handed to the socket and not yet written out. */
  get pendingWrites(): number {
    return this.inFlight;
  }

  /** Starts connecting (at once; retries follow the backoff). */
  start(): void {
    this.link.start();
  }

  private opened(info: HandshakeInfo): void {
    this.remote = info;
    this.connectTime = new Date();
    this.opts.logger.info({ analyzer: this.address, remote: info.remoteHost }, 'connected');
    this.events.open(this);
  }

  private lost(code: number, reason: string): void {
    if (!this.link.connected) return; // close() ended it
    this.opts.logger.warn({ analyzer: this.address, code, reason }, 'connection to analyzer lost');
    this.events.lost(this);
  }

  private retrying(attempt: number, delayMs: number): void {
    // The first failure of a streak is worth a warning; the retries that follow are not.
    const log = attempt === 1 ? this.opts.logger.warn : this.opts.logger.debug;
    log.call(
      this.opts.logger,
      { analyzer: this.address, attempt, delayMs, err: this.link.lastError },
      'analyzer unreachable; retrying',
    );
  }

  /**
   * Hands a message to the socket (encoded now, so later graph changes do not leak into it).
   * Returns false when not connected. `written` runs once the message left (or failed to).
   */
  send(msg: StructMessage, written?: () => void): boolean {
    if (!this.link.connected) return false;
    this.inFlight++;
    this.link.send(msg).then(
      () => this.settled(written),
      () => this.settled(written),
    );
    return true;
  }

  private settled(written: (() => void) | undefined): void {
    this.inFlight--;
    written?.();
  }

  /** Stops reconnecting and closes the connection (code 1000). */
  async close(): Promise<void> {
    await this.link.close();
  }

  /** Skydive's ConnStatus of this connection, seen from the agent. */
  status(): ConnStatus {
    const { host, port } = splitHostPort(this.address);
    return {
      ServiceType: ServiceType.Agent,
      ClientProtocol: ClientProtocol.Protobuf,
      Addr: host,
      Port: port,
      IsConnected: this.link.connected,
      // Go's zero time, as Skydive reports a connection that never opened.
      ConnectTime: this.connectTime?.toISOString() ?? '0001-01-01T00:00:00Z',
      RemoteHost: this.remote?.remoteHost ?? '',
      RemoteServiceType: this.remote?.remoteServiceType ?? '',
    };
  }
}
