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
// back in the same instant.
import type { Logger } from 'pino';
import {
  ApiError,
  ClientError,
  WsClient,
  backoffDelay,
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

export type LinkState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed';

/** The connection to one analyzer, reconnecting until closed. */
export class AnalyzerLink {
  private state: LinkState = 'idle';
  private readonly client: WsClient;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private inFlight = 0;
  private connectTime: Date | undefined;
  private remote: HandshakeInfo | undefined;
  /** Connection attempts since start. */
  attempts = 0;
  /** Attempts given up because the analyzer did not answer the handshake in time. */
  handshakeTimeouts = 0;
  /** Why the last attempt failed or the last connection ended. */
  lastError = '';

  constructor(
    readonly opts: LinkOptions,
    private readonly events: LinkEvents,
  ) {
    this.client = new WsClient({
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
    });
    this.client.on('message', (msg) => this.events.message(this, msg));
    this.client.on('error', (err) => {
      this.lastError = err.message;
    });
    this.client.on('close', (code, reason) => this.closed(code, reason));
  }

  get address(): string {
    return this.opts.address;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Messages handed to the socket and not yet written out. */
  get pendingWrites(): number {
    return this.inFlight;
  }

  /** Starts connecting (at once; retries follow the backoff). */
  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  private connect(): void {
    this.state = 'connecting';
    this.attempts++;
    this.client.connect().then(
      (info) => {
        if (this.state !== 'connecting') {
          void this.client.close();
          return;
        }
        this.state = 'connected';
        this.failures = 0;
        this.remote = info;
        this.connectTime = new Date();
        this.lastError = '';
        this.opts.logger.info({ analyzer: this.address, remote: info.remoteHost }, 'connected');
        this.events.open(this);
      },
      (err: Error) => {
        if (this.state !== 'connecting') return;
        if (err instanceof ClientError && err.code === 'SKY_ERR_CLIENT_TIMEOUT')
          this.handshakeTimeouts++;
        this.lastError =
          err instanceof ApiError ? `HTTP ${err.status}: ${err.message}` : err.message;
        this.retry();
      },
    );
  }

  private closed(code: number, reason: string): void {
    if (this.state !== 'connected') return;
    this.lastError = `connection closed (${code}${reason ? ` ${reason}` : ''})`;
    this.opts.logger.warn({ analyzer: this.address, code, reason }, 'connection to analyzer lost');
    this.events.lost(this);
    this.retry();
  }

  private retry(): void {
    this.state = 'waiting';
    this.failures++;
    const { minDelayMs, maxDelayMs, random } = this.opts.tuning;
    const delay = backoffDelay(this.failures, { minDelayMs, maxDelayMs, jitter: 1 }, random);
    // The first failure of a streak is worth a warning; the retries that follow are not.
    const log = this.failures === 1 ? this.opts.logger.warn : this.opts.logger.debug;
    log.call(
      this.opts.logger,
      { analyzer: this.address, attempt: this.failures, delayMs: delay, err: this.lastError },
      'analyzer unreachable; retrying',
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'waiting') this.connect();
    }, delay);
  }

  /**
   * Hands a message to the socket (encoded now, so later graph changes do not leak into it).
   * Returns false when not connected. `written` runs once the message left (or failed to).
   */
  send(msg: StructMessage, written?: () => void): boolean {
    if (this.state !== 'connected') return false;
    this.inFlight++;
    this.client.send(msg).then(
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
    const was = this.state;
    this.state = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (was === 'connected' || was === 'connecting') await this.client.close();
  }

  /** Skydive's ConnStatus of this connection, seen from the agent. */
  status(): ConnStatus {
    const { host, port } = splitAddress(this.address);
    return {
      ServiceType: ServiceType.Agent,
      ClientProtocol: ClientProtocol.Protobuf,
      Addr: host,
      Port: port,
      IsConnected: this.state === 'connected',
      // Go's zero time, as Skydive reports a connection that never opened.
      ConnectTime: this.connectTime?.toISOString() ?? '0001-01-01T00:00:00Z',
      RemoteHost: this.remote?.remoteHost ?? '',
      RemoteServiceType: this.remote?.remoteServiceType ?? '',
    };
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  if (i < 0) return { host: address, port: 0 };
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}
