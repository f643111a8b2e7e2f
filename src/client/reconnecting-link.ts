// SPDX-License-Identifier: Apache-2.0
// ReconnectingLink: a WsClient kept connected to one address, for the long-lived links between
// services (agent → analyzer topology, analyzer → analyzer replication). Lifecycle:
//
//   idle ──start──▶ connecting ──open──▶ connected ──lost or drop()──▶ waiting ──delay──▶ connecting
//                       │ refused, unreachable, no handshake answer                ▲
//                       └──────────────────────────────────────────────────────────┘
//   any ──stop()──▶ stopped (never dialed again)        any ──close()──▶ closed
import type { StructMessage } from '../protocol/index.js';
import { backoffDelay, type ReconnectOptions } from './backoff.js';
import { ApiError } from './errors.js';
import { WsClient, type HandshakeInfo, type WsClientOptions } from './ws-client.js';

/** Where a ReconnectingLink stands. */
export type ReconnectingLinkState =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'waiting'
  | 'stopped'
  | 'closed';

/** What a ReconnectingLink tells its owner; every hook runs synchronously. */
export interface ReconnectingLinkHooks {
  /**
   * A connection opened. Runs on the client's 'open' event, before any message of the peer is read.
   * It may call drop() or stop() to refuse the connection; otherwise the failure count and
   * lastError are reset once it returns.
   */
  onOpen(info: HandshakeInfo): void;
  /** A message that is not a reply to a request. */
  onMessage?(msg: StructMessage): void;
  /**
   * An accepted connection ended (lost, dropped without a reason, or closed by close());
   * lastError already says why. The link is still 'connected' when the connection was lost.
   */
  onLost?(code: number, reason: string): void;
  /** A dial failed (lastError already set); a retry follows. */
  onFailure?(err: Error): void;
  /** The next dial is scheduled: `attempt` failures in a row, in `delayMs`. */
  onRetry?(attempt: number, delayMs: number): void;
}

/** Options of a ReconnectingLink. */
export interface ReconnectingLinkOptions {
  /** The client dialed; its own `reconnect` is not used (the link reconnects). */
  client: Omit<WsClientOptions, 'reconnect'>;
  /** Delays between dials (see backoffDelay). */
  backoff?: ReconnectOptions | undefined;
  /** Random source in [0, 1) for the jitter (tests pin it). */
  random?: (() => number) | undefined;
}

/**
 * One WebSocket connection kept open: it dials, reports the opened connection, and after a failed
 * dial or a lost connection dials again after an exponential backoff, until closed.
 *
 * @example
 * const link = new ReconnectingLink(
 *   { client: { analyzer: '10.0.0.1:8082', path: '/ws/agent/topology' } },
 *   { onOpen: (info) => console.log('connected to', info.remoteHost) },
 * );
 * link.start();
 * await link.close();
 */
export class ReconnectingLink {
  private stateNow: ReconnectingLinkState = 'idle';
  private readonly client: WsClient;
  private timer: NodeJS.Timeout | undefined;
  /** True while an accepted connection is open (its end is reported by onLost). */
  private live = false;
  /** Failed dials and lost connections in a row. */
  failures = 0;
  /** Dials since start. */
  attempts = 0;
  /** Why the last dial failed or the last connection ended ('' while connected). */
  lastError = '';

  constructor(
    private readonly opts: ReconnectingLinkOptions,
    private readonly hooks: ReconnectingLinkHooks,
  ) {
    const { reconnect: _ignored, ...client } = opts.client as WsClientOptions;
    this.client = new WsClient(client);
    // 'open' is emitted synchronously as the socket opens, before any message is read; the
    // connect() promise settles later.
    this.client.on('open', (info) => this.opened(info));
    this.client.on('message', (msg) => this.hooks.onMessage?.(msg));
    this.client.on('error', (err) => {
      this.lastError = err.message;
    });
    this.client.on('close', (code, reason) => this.ended(code, reason));
  }

  get state(): ReconnectingLinkState {
    return this.stateNow;
  }

  get connected(): boolean {
    return this.stateNow === 'connected';
  }

  /** Starts dialing (at once; retries follow the backoff). */
  start(): void {
    if (this.stateNow === 'idle') this.connect();
  }

  /** Sends one message on the current connection; resolves once written. */
  send(msg: StructMessage): Promise<void> {
    return this.client.send(msg);
  }

  /**
   * Closes the current connection and dials again after the backoff. With a `reason` the
   * connection counts as refused: lastError says so and onLost is not called.
   */
  drop(reason?: string): void {
    if (this.stateNow !== 'connected') return;
    this.stateNow = 'waiting';
    if (reason !== undefined) {
      this.live = false;
      this.lastError = reason;
    }
    void this.client.close().then(() => {
      if (this.stateNow === 'waiting' && this.timer === undefined) this.retry();
    });
  }

  /** Closes the connection and never dials again (onLost is not called). */
  stop(): void {
    if (this.stateNow === 'closed') return;
    this.stateNow = 'stopped';
    this.live = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.client.close();
  }

  /** Stops dialing and closes the connection (code 1000); resolves once closed. */
  async close(): Promise<void> {
    this.stateNow = 'closed';
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.client.close();
  }

  private connect(): void {
    this.stateNow = 'connecting';
    this.attempts++;
    this.client.connect().then(
      () => undefined,
      (err: Error) => {
        if (this.stateNow !== 'connecting') return;
        this.lastError =
          err instanceof ApiError ? `HTTP ${err.status}: ${err.message}` : err.message;
        this.hooks.onFailure?.(err);
        this.retry();
      },
    );
  }

  private opened(info: HandshakeInfo): void {
    if (this.stateNow !== 'connecting') {
      void this.client.close();
      return;
    }
    this.stateNow = 'connected';
    this.live = true;
    this.hooks.onOpen(info);
    if (this.stateNow !== 'connected') return; // refused by the owner
    this.failures = 0;
    this.lastError = '';
  }

  private ended(code: number, reason: string): void {
    if (!this.live) return;
    this.live = false;
    this.lastError = `connection closed (${code}${reason ? ` ${reason}` : ''})`;
    this.hooks.onLost?.(code, reason);
    if (this.stateNow === 'connected') this.retry();
  }

  private retry(): void {
    if (this.stateNow === 'closed' || this.stateNow === 'stopped') return;
    this.stateNow = 'waiting';
    this.failures++;
    const delay = backoffDelay(this.failures, this.opts.backoff, this.opts.random);
    this.hooks.onRetry?.(this.failures, delay);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stateNow === 'waiting') this.connect();
    }, delay);
  }
}

/**
 * Splits a dialed `host:port` as Skydive's ConnStatus reports it (IPv6 brackets off; port 0 when
 * there is none).
 *
 * @example
 * splitHostPort('[::1]:8082') // { host: '::1', port: 8082 }
 */
export function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  if (i < 0) return { host: address, port: 0 };
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}
