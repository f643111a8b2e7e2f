// SPDX-License-Identifier: Apache-2.0
// The dial toward one address of `analyzers`: a JSON WebSocket to its /ws/replication, kept open.
//
//   idle ──start──▶ connecting ──open──▶ connected ──lost──▶ waiting ──delay──▶ connecting
//                       │ refused, unreachable, or a link with that peer already stays      ▲
//                       └────────────────────────────────────────────────────────────────────┘
//   connecting ──the answer carries our own host ID──▶ self (never dialed again)
//   any ──close()──▶ closed
import type { Logger } from 'pino';
import {
  ApiError,
  WsClient,
  backoffDelay,
  type AuthOptions,
  type HandshakeInfo,
  type TlsOptions,
} from '../../client/index.js';
import type { ConnStatus } from '../../api/status.js';
import type { Outgoing } from '../../api/ws/index.js';
import {
  ClientProtocol,
  ServiceType,
  WsPath,
  replyTo,
  type StructMessage,
} from '../../protocol/index.js';
import type { PeerChannel } from './channel.js';
import type { ReplicationTuning } from './settings.js';

export interface PeerLinkOptions {
  /** `host:port` dialed. */
  address: string;
  /** This analyzer's host ID (X-Host-ID). */
  hostID: string;
  auth: AuthOptions;
  tls: TlsOptions | undefined;
  tuning: ReplicationTuning;
  logger: Logger;
}

/** What a link tells the replication service. */
export interface PeerLinkEvents {
  /** A connection opened; false when the service keeps another one with that peer. */
  opened(channel: OutgoingChannel): boolean;
  message(channel: OutgoingChannel, msg: StructMessage): void;
  closed(channel: OutgoingChannel): void;
}

export type PeerLinkState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'self' | 'closed';

/** The connection this analyzer dialed, as a channel. */
export class OutgoingChannel implements PeerChannel {
  readonly direction = 'out';
  readonly connectTime = new Date();
  /** Messages not sent because too many writes were pending (the link is then closed). */
  dropped = 0;
  private inFlight = 0;
  private open = true;

  constructor(
    private readonly link: PeerLink,
    private readonly client: WsClient,
    readonly remote: HandshakeInfo,
  ) {}

  get peer(): string {
    return this.remote.remoteHost;
  }

  get dialer(): string {
    return this.link.opts.hostID;
  }

  send(out: Outgoing): boolean {
    if (!this.open) return false;
    if (this.inFlight >= this.link.opts.tuning.maxPendingWrites) {
      // As the front door does with a slow reader: drop, count, close; the next link re-syncs.
      this.dropped += 1;
      this.link.opts.logger.warn(
        { peer: this.peer, pending: this.inFlight },
        'replication peer not reading: too many pending writes, closing',
      );
      this.close('send queue overflow');
      return false;
    }
    this.inFlight++;
    const done = () => void this.inFlight--;
    // encoded now, synchronously: the payload may reference live graph metadata
    this.client.send(out.message()).then(done, done);
    return true;
  }

  refuse(msg: StructMessage, err: unknown): void {
    const text = err instanceof Error ? err.message : String(err);
    if (!this.open) return;
    this.client.send(replyTo(msg, 'Error', text, 400)).catch(() => undefined);
  }

  close(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.link.opts.logger.info({ peer: this.peer, reason }, 'closing replication link');
    this.link.dropConnection();
  }

  /** Marks the channel closed (the socket went away). */
  ended(): void {
    this.open = false;
  }

  status(): ConnStatus {
    const { host, port } = splitAddress(this.link.address);
    return {
      ServiceType: ServiceType.Analyzer,
      ClientProtocol: ClientProtocol.JSON,
      Addr: host,
      Port: port,
      IsConnected: this.open,
      ConnectTime: this.connectTime.toISOString(),
      RemoteHost: this.peer,
      RemoteServiceType: this.remote.remoteServiceType,
      Dropped: this.dropped,
    };
  }
}

/** Dials one address of `analyzers` until closed. */
export class PeerLink {
  private state: PeerLinkState = 'idle';
  private readonly client: WsClient;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private channel: OutgoingChannel | undefined;
  /** Why the last attempt failed or the last connection ended. */
  lastError = '';

  constructor(
    readonly opts: PeerLinkOptions,
    private readonly events: PeerLinkEvents,
  ) {
    this.client = new WsClient({
      analyzer: opts.address,
      path: WsPath.Replication,
      hostId: opts.hostID,
      clientType: ServiceType.Analyzer,
      protocol: ClientProtocol.JSON,
      ...opts.auth,
      tls: opts.tls,
      heartbeatTimeoutMs: opts.tuning.heartbeatMs,
      handshakeTimeoutMs: opts.tuning.handshakeTimeoutMs,
    });
    // 'open' is emitted synchronously as the socket opens, before any message is read: the
    // channel exists when the peer's Sync arrives (the connect() promise settles later).
    this.client.on('open', (info) => this.opened(info));
    this.client.on('message', (msg) => {
      if (this.channel) this.events.message(this.channel, msg);
    });
    this.client.on('error', (err) => {
      this.lastError = err.message;
    });
    this.client.on('close', (code, reason) => this.lost(code, reason));
  }

  get address(): string {
    return this.opts.address;
  }

  get current(): PeerLinkState {
    return this.state;
  }

  /** Starts dialing (at once; retries follow the backoff). */
  start(): void {
    if (this.state === 'idle') this.connect();
  }

  private connect(): void {
    this.state = 'connecting';
    this.client.connect().then(
      () => undefined,
      (err: Error) => {
        if (this.state !== 'connecting') return;
        this.lastError =
          err instanceof ApiError ? `HTTP ${err.status}: ${err.message}` : err.message;
        this.retry();
      },
    );
  }

  private opened(info: HandshakeInfo): void {
    if (this.state !== 'connecting') {
      void this.client.close();
      return;
    }
    if (info.remoteHost === this.opts.hostID) {
      // Skydive's rule: every analyzer lists itself; the answer's X-Host-ID gives it away.
      this.state = 'self';
      this.opts.logger.info({ address: this.address }, 'replication: this address is me, ignored');
      void this.client.close();
      return;
    }
    this.state = 'connected';
    const ch = new OutgoingChannel(this, this.client, info);
    this.channel = ch;
    if (!this.events.opened(ch)) {
      this.channel = undefined;
      this.lastError = `a link with ${info.remoteHost} already exists`;
      this.dropConnection();
      return;
    }
    this.failures = 0;
    this.lastError = '';
  }

  private lost(code: number, reason: string): void {
    const ch = this.channel;
    this.channel = undefined;
    if (ch) {
      ch.ended();
      this.lastError = `connection closed (${code}${reason ? ` ${reason}` : ''})`;
      this.events.closed(ch);
    }
    if (this.state === 'connected') this.retry();
  }

  /** Closes the current connection; the link dials again after its backoff. */
  dropConnection(): void {
    if (this.state !== 'connected') return;
    this.state = 'waiting';
    void this.client.close().then(() => {
      if (this.state === 'waiting' && this.timer === undefined) this.retry();
    });
  }

  private retry(): void {
    if (this.state === 'closed' || this.state === 'self') return;
    this.state = 'waiting';
    this.failures++;
    const { minDelayMs, maxDelayMs } = this.opts.tuning;
    const delay = backoffDelay(this.failures, { minDelayMs, maxDelayMs, jitter: 0.5 });
    const log = this.failures === 1 ? this.opts.logger.info : this.opts.logger.debug;
    log.call(
      this.opts.logger,
      { address: this.address, attempt: this.failures, delayMs: delay, err: this.lastError },
      'replication peer not linked; dialing again',
    );
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'waiting') this.connect();
    }, delay);
  }

  /** Stops dialing and closes the connection. */
  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.client.close();
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  if (i < 0) return { host: address, port: 0 };
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}
