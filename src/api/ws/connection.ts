// SPDX-License-Identifier: Apache-2.0
// One accepted WebSocket peer: keepalive (§2.4), namespace filtering, request/reply by UUID,
// decoding of incoming frames, closing; the bounded send path itself is in send-path.ts.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { SkydiveError } from '../../graph/errors.js';
import { replyTo, type StructMessage } from '../../protocol/ws-message.js';
import type { ConnStatus } from '../status.js';
import { decodeFrame, Outgoing } from './codec.js';
import type { ClientInfo } from './handshake.js';
import type { TickFlusher } from './flusher.js';
import { SendPath } from './send-path.js';

/** Close code sent to a peer that does not read fast enough (RFC 6455 "try again later"). */
export const CLOSE_OVERLOADED = 1013;

/** Tuning of one connection; `queueSize` and the keepalive come from settings.ws. */
export interface ConnectionOptions {
  pingDelayMs: number;
  pongTimeoutMs: number;
  /** Messages that may wait in the connection once the socket holds `highWaterMark` bytes. */
  queueSize: number;
  /** Bytes the socket may buffer before messages wait in the queue. */
  highWaterMark: number;
  logger: Logger;
  flusher: TickFlusher;
  /**
   * With permessage-deflate negotiated: messages from this size on are compressed (by `ws`), and
   * smaller ones go out uncompressed, as `ws` sends them below its threshold (default 1024).
   */
  compressThreshold?: number;
}

interface PendingRequest {
  resolve(msg: StructMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Lifecycle: open → (close() or overflow) closing → closed, or open → closed when the peer goes
 * away or misses its pong deadline. Outgoing messages are written straight into the socket
 * (corked until the end of the event-loop tick) while it holds less than `highWaterMark` bytes;
 * past that they wait in a queue of at most `queueSize` messages; one more is an overflow: the
 * message and the queue are counted as dropped and the peer is closed with 1013 (SendPath).
 */
export class WsConnection {
  readonly connectTime = new Date();
  /** Messages never delivered because the queue overflowed. */
  dropped = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly out: SendPath;
  private readonly pingTimer: NodeJS.Timeout;
  /** Armed when a ping reaches the socket with none outstanding; cleared by any sign of life. */
  private deadline: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private handler: (msg: StructMessage) => void = () => {};
  private readonly closeListeners: (() => void)[] = [];
  private readonly pending = new Map<string, PendingRequest>();
  readonly logger: Logger;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    readonly info: ClientInfo,
    private readonly opts: ConnectionOptions,
  ) {
    this.logger = opts.logger;
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('pong', () => this.alive());
    ws.on('error', (err) => this.logger.info({ err: err.message }, 'websocket error'));
    ws.on('close', (code, reason) => this.closed(code, reason.toString()));
    const { queueSize, highWaterMark, flusher, compressThreshold } = opts;
    this.out = new SendPath(
      ws,
      socket,
      {
        queueSize,
        highWaterMark,
        flusher,
        compressThreshold,
        binary: info.protocol === 'protobuf',
      },
      () => this.state === 'open',
    );
    this.pingTimer = setInterval(() => this.ping(), opts.pingDelayMs).unref();
    // A first ping at once: some clients (Firefox) wait for one before doing anything.
    this.ping();
  }

  /** `<X-Client-Type>.<X-Host-ID>`: the origin of what this peer writes. */
  get origin(): string {
    return this.info.origin;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Messages waiting in the queue (not yet handed to the socket). */
  get queueDepth(): number {
    return this.out.depth;
  }

  /** Sets the handler of received messages (replies to `request()` excluded). */
  onMessage(fn: (msg: StructMessage) => void): void {
    this.handler = fn;
  }

  /** Runs `fn` once the connection is closed, whatever the cause. */
  onClose(fn: () => void): void {
    if (this.state === 'closed') fn();
    else this.closeListeners.push(fn);
  }

  /** True when the peer asked for this namespace (or for all of them). */
  wants(namespace: string): boolean {
    const ns = this.info.namespaces;
    return ns === null || ns.has(namespace);
  }

  /** Sends a message, subject to the namespace filter. Returns false if not queued. */
  send(msg: StructMessage): boolean {
    return this.enqueue(new Outgoing(msg));
  }

  /** Sends a reply to `request` (same Namespace and UUID); replies skip the namespace filter. */
  reply(request: StructMessage, type: string, obj: unknown, status = 200): boolean {
    return this.push(new Outgoing(replyTo(request, type, obj, status)).frame(this.info.protocol));
  }

  /** Sends an already built (possibly shared) message, subject to the namespace filter. */
  enqueue(out: Outgoing): boolean {
    if (this.state !== 'open' || !this.wants(out.namespace)) return false;
    const protocol = this.info.protocol;
    return this.push(out.frame(protocol), protocol === 'json' ? out.framedJSON() : undefined);
  }

  private push(frame: Buffer, framed?: Buffer): boolean {
    if (this.state !== 'open') return false;
    if (this.out.push(frame, framed)) return true;
    this.overflow();
    return false;
  }

  private overflow(): void {
    const lost = this.out.dropQueue() + 1;
    this.dropped += lost;
    this.logger.warn(
      { dropped: lost, queueSize: this.opts.queueSize },
      'slow websocket peer: send queue overflow, closing',
    );
    this.close(CLOSE_OVERLOADED, `send queue overflow: more than ${this.opts.queueSize} messages`);
  }

  /**
   * Sends a request and resolves with the message carrying the same UUID (§2.3). Rejects with
   * SKY_ERR_WS_TIMEOUT after `timeoutMs` or SKY_ERR_WS_CLOSED when the peer goes away.
   */
  request(msg: StructMessage, timeoutMs = 10_000): Promise<StructMessage> {
    return new Promise((resolve, reject) => {
      if (this.state !== 'open') {
        reject(closedError());
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(msg.UUID);
        reject(
          new SkydiveError(
            'timeout',
            'SKY_ERR_WS_TIMEOUT',
            `no reply to ${msg.Namespace}/${msg.Type} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs).unref();
      this.pending.set(msg.UUID, { resolve, reject, timer });
      this.push(new Outgoing(msg).frame(this.info.protocol));
    });
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.alive();
    let msg: StructMessage;
    try {
      msg = decodeFrame(data, isBinary);
    } catch (err) {
      const message = (err as Error).message;
      this.logger.info({ err: message }, 'undecodable websocket message');
      this.reply(
        { Namespace: '', Type: '', UUID: '', Status: 0, Obj: null },
        'Error',
        message,
        400,
      );
      return;
    }
    const waiting = msg.UUID === '' ? undefined : this.pending.get(msg.UUID);
    if (waiting) {
      this.pending.delete(msg.UUID);
      clearTimeout(waiting.timer);
      waiting.resolve(msg);
      return;
    }
    try {
      this.handler(msg);
    } catch (err) {
      this.logger.error({ err, type: msg.Type }, 'websocket message handler failed');
      this.reply(msg, 'Error', 'internal error', 500);
    }
  }

  /**
   * Sends a ping. The pong deadline (ping_delay + pong_timeout) starts when the ping has actually
   * been written: a ping waiting behind our own backlog (compression, a full socket) is not the
   * peer's fault. A peer that stops reading is caught by the send queue instead.
   */
  private ping(): void {
    if (this.state !== 'open') return;
    this.opts.flusher.cork(this.socket);
    this.ws.ping(undefined, undefined, (err) => {
      if (err || this.state === 'closed' || this.deadline !== undefined) return;
      const limit = this.opts.pingDelayMs + this.opts.pongTimeoutMs;
      this.deadline = setTimeout(() => this.terminate('no pong received in time'), limit).unref();
    });
    this.out.pump();
  }

  /** The peer answered a ping or sent a message. */
  private alive(): void {
    if (this.deadline === undefined) return;
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /**
   * Closes with a close frame; the socket is destroyed if the peer has not answered within the
   * pong timeout (at most 2 s). Closing a connection already closing destroys it at once.
   */
  close(code = 1000, reason = ''): void {
    if (this.state === 'closing') this.ws.terminate();
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.out.flushBatch();
    this.ws.close(code, reason.slice(0, 120));
    const grace = Math.min(this.opts.pongTimeoutMs, 2000);
    this.killTimer = setTimeout(() => this.ws.terminate(), grace).unref();
  }

  /** Drops the connection at once (no close handshake). */
  terminate(why: string): void {
    if (this.state === 'closed') return;
    this.logger.info({ why }, 'terminating websocket connection');
    this.ws.terminate();
  }

  private closed(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.pingTimer);
    this.alive();
    if (this.killTimer) clearTimeout(this.killTimer);
    this.out.clear();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(closedError());
    }
    this.pending.clear();
    this.logger.info({ code, reason }, 'websocket peer disconnected');
    for (const fn of this.closeListeners.splice(0)) {
      try {
        fn();
      } catch (err) {
        this.logger.error({ err }, 'websocket close listener failed');
      }
    }
  }

  /** Skydive's ConnStatus of this peer, with our queue depth and drop counter. */
  status(): ConnStatus {
    const i = this.info;
    return {
      ServiceType: i.clientType,
      ClientProtocol: i.protocol,
      Addr: i.remoteAddr,
      Port: i.remotePort,
      IsConnected: this.state === 'open',
      ConnectTime: this.connectTime.toISOString(),
      RemoteHost: i.hostID,
      RemoteServiceType: '',
      QueueDepth: this.queueDepth,
      Dropped: this.dropped,
    };
  }
}

function closedError(): SkydiveError {
  return new SkydiveError('unavailable', 'SKY_ERR_WS_CLOSED', 'websocket connection closed');
}
