// SPDX-License-Identifier: Apache-2.0
// The dial toward one address of `analyzers`: a JSON WebSocket to its /ws/replication, kept open.
//
//   idle ──start──▶ connecting ──open──▶ connected ──lost──▶ waiting ──delay──▶ connecting
//                       │ refused, unreachable, or a link with that peer already stays      ▲
//                       └────────────────────────────────────────────────────────────────────┘
//   connecting ──the answer carries our own host ID──▶ self (never dialed again)
//   any ──close()──▶ closed
// The cycle itself is the client's ReconnectingLink; this file adds the replication's part.
import type { Logger } from 'pino';
import type { ConnStatus } from '../../api/status.js';
import type { Outgoing } from '../../api/ws/index.js';
import { ReconnectingLink, splitHostPort } from '../../client/index.js';
import type { AuthOptions, HandshakeInfo, TlsOptions } from '../../client/index.js';
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
    private readonly client: ReconnectingLink,
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
    const { host, port } = splitHostPort(this.link.address);
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
  private readonly link: ReconnectingLink;
  private channel: OutgoingChannel | undefined;

  constructor(
    readonly opts: PeerLinkOptions,
    private readonly events: PeerLinkEvents,
  ) {
    const { minDelayMs, maxDelayMs } = opts.tuning;
    this.link = new ReconnectingLink(
      {
        client: {
          analyzer: opts.address,
          path: WsPath.Replication,
          hostId: opts.hostID,
          clientType: ServiceType.Analyzer,
          protocol: ClientProtocol.JSON,
          ...opts.auth,
          tls: opts.tls,
          heartbeatTimeoutMs: opts.tuning.heartbeatMs,
          handshakeTimeoutMs: opts.tuning.handshakeTimeoutMs,
        },
        backoff: { minDelayMs, maxDelayMs, jitter: 0.5 },
      },
      {
        // onOpen runs on the client's synchronous 'open' event, before any message is read: the
        // channel exists when the peer's Sync arrives (the connect() promise settles later).
        onOpen: (info) => this.opened(info),
        onMessage: (msg) => {
          if (this.channel) this.events.message(this.channel, msg);
        },
        onLost: () => this.lost(),
        onRetry: (attempt, delayMs) => {
          const log = attempt === 1 ? this.opts.logger.info : this.opts.logger.debug;
          log.call(
            this.opts.logger,
            { address: this.address, attempt, delayMs, err: this.link.lastError },
            'replication peer not linked; dialing again',
          );
        },
      },
    );
  }

  get address(): string {
    return this.opts.address;
  }

  get current(): PeerLinkState {
    const s = this.link.state;
    return s === 'stopped' ? 'self' : s;
  }

  /** Why the last attempt failed or the last connection ended. */
  get lastError(): string {
    return this.link.lastError;
  }

  /** Starts dialing (at once; retries follow the backoff). */
  start(): void {
    this.link.start();
  }

  private opened(info: HandshakeInfo): void {
    if (info.remoteHost === this.opts.hostID) {
      // Skydive's rule: every analyzer lists itself; the answer's X-Host-ID gives it away.
      this.opts.logger.info({ address: this.address }, 'replication: this address is me, ignored');
      this.link.stop();
      return;
    }
    const ch = new OutgoingChannel(this, this.link, info);
    this.channel = ch;
    if (!this.events.opened(ch)) {
      this.channel = undefined;
      this.link.drop(`a link with ${info.remoteHost} already exists`);
    }
  }

  private lost(): void {
    const ch = this.channel;
    this.channel = undefined;
    if (!ch) return;
    ch.ended();
    this.events.closed(ch);
  }

  /** Closes the current connection; the link dials again after its backoff. */
  dropConnection(): void {
    this.link.drop();
  }

  /** Stops dialing and closes the connection. */
  async close(): Promise<void> {
    await this.link.close();
  }
}
