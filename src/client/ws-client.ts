// SPDX-License-Identifier: Apache-2.0
// WsClient: one WebSocket connection to an analyzer endpoint with Skydive's handshake (§2.2), JSON
// or protobuf envelopes (§2.3), request/reply by UUID, ping answers and optional reconnection.

import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import WebSocket from 'ws';
import {
  ClientProtocol,
  Header,
  Namespace,
  ServiceType,
  WsPath,
  decodeFrame,
  encodeStructMessage,
  type ClientProtocolName,
  type StructMessage,
} from '../protocol/index.js';
import { baseUrl, DEFAULT_ANALYZER } from './address.js';
import { authHeaders, type AuthOptions } from './auth.js';
import { backoffDelay, type ReconnectOptions } from './backoff.js';
import { ApiError, ClientError } from './errors.js';
import type { TlsOptions } from './http-transport.js';
import { MessageStream } from './message-stream.js';

/** Options of a WsClient; header options map one to one to the §2.2 handshake headers. */
export interface WsClientOptions extends AuthOptions {
  /** `host:port` of the analyzer (default `127.0.0.1:8082`). */
  analyzer?: string | undefined;
  /** Endpoint path (default `/ws/subscriber`). */
  path?: string | undefined;
  /** `X-Host-ID` (default: this machine's hostname). */
  hostId?: string | undefined;
  /** `X-Client-Type` (default `cli`); forms the origin `<type>.<hostId>`. */
  clientType?: string | undefined;
  /** `X-Client-Protocol`: JSON text frames (default) or protobuf binary frames. */
  protocol?: ClientProtocolName | undefined;
  /** `X-Websocket-Namespace` values (default `*`, as Go clients send). */
  namespaces?: string[] | undefined;
  /** `X-Persistence-Policy`: `DeleteOnDisconnect` or `Persistent`. */
  persistencePolicy?: string | undefined;
  /** `X-Gremlin-Filter` (subscribers): a query returning a graph. */
  gremlinFilter?: string | undefined;
  /** `X-Update-Policy` (subscribers): `full` or `partial`. */
  updatePolicy?: string | undefined;
  /** More handshake headers. */
  headers?: Record<string, string> | undefined;
  tls?: TlsOptions | undefined;
  /** Reply timeout of request() (default 10 000 ms, Skydive's). */
  requestTimeoutMs?: number | undefined;
  /** Reconnect after a lost connection (default no). `true` uses the default backoff. */
  reconnect?: boolean | ReconnectOptions | undefined;
  /**
   * Drop the connection when the server sends nothing (not even its pings, every 2 s by default)
   * for this long; Skydive servers time out peers after ping_delay + pong_timeout (7 s). Off by
   * default.
   */
  heartbeatTimeoutMs?: number | undefined;
  /**
   * Give up connect() (SKY_ERR_CLIENT_TIMEOUT, the socket destroyed) when the opening handshake
   * (TCP, TLS and the WebSocket upgrade answer) takes longer than this. Off by default.
   */
  handshakeTimeoutMs?: number | undefined;
}

/** What the server said about itself in the upgrade response. */
export interface HandshakeInfo {
  remoteHost: string;
  remoteServiceType: string;
}

/** Events of a WsClient. `open` fires on every (re)connection. */
export interface WsClientEvents {
  open: [info: HandshakeInfo];
  message: [msg: StructMessage];
  close: [code: number, reason: string];
  reconnecting: [attempt: number, delayMs: number];
  error: [err: Error];
}

interface Pending {
  resolve: (msg: StructMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  onReply: ((reply: StructMessage) => void) | undefined;
}

/** Reads the body of a refused upgrade to build an ApiError. */
function refusal(res: IncomingMessage): Promise<ApiError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    const done = () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      const status = res.statusCode ?? 0;
      resolve(new ApiError(status, res.statusMessage ?? '', text, { operation: 'connect' }));
    };
    res.on('end', done);
    res.on('error', done);
  });
}

/**
 * A WebSocket client of a Skydive analyzer.
 *
 * @example
 * const ws = new WsClient({ analyzer: '127.0.0.1:8082', path: '/ws/subscriber' })
 * ws.on('message', (m) => console.log(m.Type))
 * await ws.connect()
 * const reply = await ws.request(newStructMessage('Graph', 'SyncRequest', {}))
 */
export class WsClient extends EventEmitter<WsClientEvents> {
  readonly url: string;
  readonly protocol: ClientProtocolName;
  private readonly opts: WsClientOptions;
  private socket: WebSocket | undefined;
  private readonly pending = new Map<string, Pending>();
  private closing = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private info: HandshakeInfo | undefined;
  /** Aborts the connect() in progress (close() calls it). */
  private abortConnect: ((err: Error) => void) | undefined;

  constructor(opts: WsClientOptions = {}) {
    super();
    this.opts = opts;
    this.protocol = opts.protocol ?? ClientProtocol.JSON;
    const path = opts.path ?? WsPath.Subscriber;
    const base = baseUrl(opts.analyzer ?? DEFAULT_ANALYZER, 'ws', opts.tls !== undefined);
    this.url = base + (path.startsWith('/') ? path : `/${path}`);
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** The server's `X-Host-ID` and `X-Service-Type`, once connected. */
  get handshake(): HandshakeInfo | undefined {
    return this.info;
  }

  /** The handshake request headers (§2.2). */
  handshakeHeaders(): Record<string, string | string[]> {
    const o = this.opts;
    const h: Record<string, string | string[]> = {
      [Header.HostID]: o.hostId ?? os.hostname(),
      [Header.ClientType]: o.clientType ?? ServiceType.Cli,
      [Header.ClientProtocol]: this.protocol,
      [Header.WebsocketNamespace]: o.namespaces ?? [Namespace.Wildcard],
    };
    if (o.persistencePolicy) h[Header.PersistencePolicy] = o.persistencePolicy;
    if (o.gremlinFilter) h[Header.GremlinFilter] = o.gremlinFilter;
    if (o.updatePolicy) h[Header.UpdatePolicy] = o.updatePolicy;
    Object.assign(h, authHeaders(o), o.headers);
    return h;
  }

  /**
   * Opens the connection. Rejects with ApiError when the server refuses the upgrade (401, 403,
   * 409…), with ClientError when it cannot be reached or omits `X-Host-ID`/`X-Service-Type`.
   */
  connect(): Promise<HandshakeInfo> {
    this.closing = false;
    return new Promise<HandshakeInfo>((resolve, reject) => {
      const tls = this.opts.tls;
      const socket = new WebSocket(this.url, {
        headers: this.handshakeHeaders() as Record<string, string>,
        ...(tls?.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls?.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls?.key !== undefined ? { key: tls.key } : {}),
        rejectUnauthorized: !tls?.insecure,
      });
      let settled = false;
      const limit = this.opts.handshakeTimeoutMs;
      const timer =
        limit === undefined
          ? undefined
          : setTimeout(() => {
              fail(
                new ClientError(
                  'SKY_ERR_CLIENT_TIMEOUT',
                  `no answer to the WebSocket handshake from ${this.url} within ${limit} ms`,
                ),
              );
            }, limit);
      const done = () => {
        settled = true;
        clearTimeout(timer);
        if (this.abortConnect === fail) this.abortConnect = undefined;
      };
      const fail = (err: Error) => {
        if (settled) return;
        done();
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.terminate();
        reject(err);
      };
      this.abortConnect = fail;
      let info: HandshakeInfo = { remoteHost: '', remoteServiceType: '' };
      socket.once('upgrade', (res) => {
        info = {
          remoteHost: String(res.headers['x-host-id'] ?? ''),
          remoteServiceType: String(res.headers['x-service-type'] ?? ''),
        };
      });
      socket.once('unexpected-response', (_req, res) => {
        void refusal(res).then(fail);
      });
      socket.once('error', (err) => {
        fail(
          new ClientError('SKY_ERR_CLIENT_CONNECTION', `cannot reach ${this.url}: ${err.message}`, {
            cause: err,
          }),
        );
      });
      socket.once('open', () => {
        if (!info.remoteHost || !info.remoteServiceType) {
          fail(
            new ClientError(
              'SKY_ERR_CLIENT_PROTOCOL',
              `${this.url} answered without X-Host-ID or X-Service-Type`,
            ),
          );
          return;
        }
        done();
        socket.removeAllListeners('error');
        this.attach(socket);
        this.info = info;
        this.attempt = 0;
        resolve(info);
        this.emit('open', info);
      });
    });
  }

  private attach(socket: WebSocket): void {
    this.socket = socket;
    const limit = this.opts.heartbeatTimeoutMs;
    let heartbeat: NodeJS.Timeout | undefined;
    const alive = () => {
      if (limit === undefined) return;
      clearTimeout(heartbeat);
      heartbeat = setTimeout(() => {
        this.report(
          new ClientError('SKY_ERR_CLIENT_TIMEOUT', `no news from ${this.url} in ${limit} ms`),
        );
        socket.terminate();
      }, limit);
    };
    alive();
    socket.on('ping', alive);
    socket.on('pong', alive);
    socket.on('message', (data, isBinary) => {
      alive();
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      let msg: StructMessage;
      try {
        msg = decodeFrame(raw, isBinary);
      } catch (err) {
        this.report(err as Error);
        return;
      }
      const p = msg.UUID ? this.pending.get(msg.UUID) : undefined;
      if (p) {
        this.pending.delete(msg.UUID);
        clearTimeout(p.timer);
        p.onReply?.(msg);
        p.resolve(msg);
        return;
      }
      this.emit('message', msg);
    });
    socket.on('error', (err) => this.report(err));
    socket.on('close', (code, reason) => {
      clearTimeout(heartbeat);
      this.socket = undefined;
      for (const [uuid, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', `connection closed (${code})`));
        this.pending.delete(uuid);
      }
      this.emit('close', code, reason.toString());
      if (!this.closing && this.opts.reconnect) this.scheduleReconnect();
    });
  }

  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private scheduleReconnect(): void {
    const r = this.opts.reconnect;
    const ro: ReconnectOptions = typeof r === 'object' ? r : {};
    this.attempt += 1;
    if (ro.maxAttempts !== undefined && this.attempt > ro.maxAttempts) return;
    const delay = backoffDelay(this.attempt, ro);
    this.emit('reconnecting', this.attempt, delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closing) return;
      this.connect().catch((err: Error) => {
        this.report(err);
        if (!this.closing) this.scheduleReconnect();
      });
    }, delay);
  }

  /**
   * Sends one message; resolves once it is written to the socket.
   *
   * @example
   * await ws.send(newStructMessage('Graph', 'NodeAdded', node))
   */
  send(msg: StructMessage): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', 'not connected'));
    }
    const data = encodeStructMessage(msg, this.protocol);
    return new Promise((resolve, reject) => {
      socket.send(data, { binary: typeof data !== 'string' }, (err) => {
        if (err) reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', err.message, { cause: err }));
        else resolve();
      });
    });
  }

  /**
   * Sends a request and waits for the message carrying the same UUID (not emitted as `message`).
   * Rejects with ClientError SKY_ERR_CLIENT_TIMEOUT after `timeoutMs` (default 10 s). `onReply`
   * runs synchronously when the reply is decoded, before any message that follows it is emitted.
   */
  request(
    msg: StructMessage,
    timeoutMs = this.opts.requestTimeoutMs ?? 10_000,
    onReply?: (reply: StructMessage) => void,
  ): Promise<StructMessage> {
    const uuid = msg.UUID || globalThis.crypto.randomUUID();
    const out = { ...msg, UUID: uuid };
    return new Promise<StructMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(uuid);
        reject(
          new ClientError(
            'SKY_ERR_CLIENT_TIMEOUT',
            `no reply to ${msg.Namespace}/${msg.Type} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(uuid, { resolve, reject, timer, onReply });
      this.send(out).catch((err: Error) => {
        clearTimeout(timer);
        this.pending.delete(uuid);
        reject(err);
      });
    });
  }

  /** Sends messages in order; resolves when every one is written to the socket. */
  async publish(messages: Iterable<StructMessage>): Promise<void> {
    for (const m of messages) await this.send(m);
  }

  /**
   * Incoming messages (not replies) as an async iterable; it ends when close() is called, or when
   * the connection is lost and no reconnection is configured.
   */
  messages(): MessageStream<StructMessage> {
    const onMessage = (m: StructMessage) => stream.push(m);
    const onClose = () => {
      if (this.closing || !this.opts.reconnect) stream.end();
    };
    const stream: MessageStream<StructMessage> = new MessageStream(() => {
      this.off('message', onMessage);
      this.off('close', onClose);
    });
    this.on('message', onMessage);
    this.on('close', onClose);
    return stream;
  }

  /** Closes the connection (code 1000) and stops reconnecting; resolves once closed. */
  close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.abortConnect?.(
      new ClientError('SKY_ERR_CLIENT_CONNECTION', `closed before ${this.url} answered`),
    );
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      this.emit('close', 1000, '');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const force = setTimeout(() => socket.terminate(), 2000);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      socket.close(1000);
    });
  }
}
