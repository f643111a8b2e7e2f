// SPDX-License-Identifier: Apache-2.0
// The client for browsers (the web UI): REST on the global fetch and `/ws/subscriber` on the native
// WebSocket, with no Node module. Same wire shapes and errors as the Node client (index.ts).

import {
  GraphMessageType,
  Namespace,
  WsPath,
  type GraphJSON,
  type SyncRequestMsg,
} from '../protocol/messages.js';
import {
  decodeStructMessageJSON,
  encodeStructMessageJSON,
  type StructMessage,
} from '../protocol/ws-message.js';
import { backoffDelay } from './backoff.js';
import { ApiError, ClientError, apiErrorFromBody } from './errors.js';

/** Options of a BrowserClient. */
export interface BrowserClientOptions {
  /** Origin of the analyzer, e.g. `http://127.0.0.1:8082`; default: the page's own (''). */
  base?: string;
  /** Token from /login, sent as X-Auth-Token (the `authtoken` cookie works without it). */
  token?: string | undefined;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

/** A v4 UUID from getRandomValues, which (unlike randomUUID) works on plain-HTTP pages too. */
export function uuid4(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * REST calls of the web UI.
 * @example
 * const c = new BrowserClient();
 * const nodes = await c.query("G.V().Has('Type', 'veth')");
 */
export class BrowserClient {
  readonly base: string;
  token: string | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(opts: BrowserClientOptions = {}) {
    this.base = opts.base ?? '';
    this.token = opts.token;
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Sends one request; a non-2xx answer throws ApiError, no answer ClientError. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    operation = '',
    onWarning?: (text: string) => void,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers['x-auth-token'] = this.token;
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, init);
    } catch (err) {
      throw new ClientError(
        'SKY_ERR_CLIENT_CONNECTION',
        `cannot reach ${this.base || 'the analyzer'}`,
        {
          cause: err,
        },
      );
    }
    const text = await res.text();
    if (res.status < 200 || res.status > 299)
      throw apiErrorFromBody(res.status, res.statusText, text, operation);
    const warning = res.headers.get('x-skydive-warning');
    if (warning) onWarning?.(warning);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ClientError('SKY_ERR_CLIENT_PROTOCOL', `${operation}: the answer is not JSON`, {
        cause: err,
      });
    }
  }

  /**
   * `POST /login` (form fields, as Skydive's UI sends them); keeps the token for later calls.
   * @throws ApiError 401 on bad credentials.
   */
  async login(username: string, password: string): Promise<string> {
    const res = await this.fetchFn(`${this.base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
      credentials: 'same-origin',
    });
    const text = await res.text();
    if (res.status !== 200) throw apiErrorFromBody(res.status, res.statusText, text, 'log in');
    const token = (JSON.parse(text) as { Token?: string }).Token ?? '';
    this.token = token || undefined;
    return token;
  }

  /** `GET /api`: the service description; 401 means a login is needed. */
  info(): Promise<Record<string, unknown>> {
    return this.request('GET', '/api', undefined, 'get API info');
  }

  /**
   * `POST /api/topology` with a Gremlin query; the result as the server returns it. `onWarning`
   * gets the X-Skydive-Warning header: why the answer is incomplete (live flows an agent did not
   * give in full).
   */
  query<T = unknown>(gremlin: string, onWarning?: (text: string) => void): Promise<T> {
    return this.request(
      'POST',
      '/api/topology',
      { GremlinQuery: gremlin },
      'query topology',
      onWarning,
    );
  }

  /** `GET /api/<resource>`: id → object. */
  list<T = Record<string, unknown>>(resource: string): Promise<Record<string, T>> {
    return this.request('GET', `/api/${resource}`, undefined, `list ${resource}`);
  }

  /** `POST /api/<resource>`: the created object. */
  create<T = Record<string, unknown>>(resource: string, obj: unknown): Promise<T> {
    return this.request('POST', `/api/${resource}`, obj, `create ${resource}`);
  }

  /** `DELETE /api/<resource>/<id>`. */
  async remove(resource: string, id: string): Promise<void> {
    await this.request(
      'DELETE',
      `/api/${resource}/${encodeURIComponent(id)}`,
      undefined,
      `delete ${resource}`,
    );
  }
}

/** The part of the WebSocket API (browser, or the `ws` package in tests) the subscriber uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** A WebSocket constructor. */
export type WebSocketFactory = new (url: string) => WebSocketLike;

const OPEN = 1;

/** Options of a BrowserSubscriber. */
export interface BrowserSubscriberOptions {
  /** The WebSocket class (default the global one). */
  WebSocket?: WebSocketFactory;
  /** WebSocket origin, e.g. `ws://127.0.0.1:8082`; default: the page's own. */
  base?: string;
  token?: string | undefined;
  /** Gremlin filter applied by the server at the handshake. */
  filter?: string | undefined;
  /** Reply timeout of sync() (default 10 000 ms). */
  timeoutMs?: number;
  /** Graph events after a sync (NodeAdded, EdgeDeleted…). */
  onEvent(msg: StructMessage): void;
  /** Connection state changes; `open` again after a reconnection (then sync again). */
  onState?(state: 'open' | 'closed', detail?: string): void;
}

interface Waiting {
  resolve(g: GraphJSON): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * `/ws/subscriber` on the browser's WebSocket, reconnecting with backoff. The handshake headers go
 * as query parameters (the server reads both).
 * @example
 * const sub = new BrowserSubscriber({ onEvent: (m) => apply(m) });
 * await sub.open();
 * const graph = await sub.sync({ GremlinFilter: "G.V().Has('Type','host').SubGraph()" });
 */
export class BrowserSubscriber {
  private ws: WebSocketLike | undefined;
  private waiting = new Map<string, Waiting>();
  private closed = false;
  private attempt = 0;

  constructor(private readonly opts: BrowserSubscriberOptions) {}

  /** The endpoint URL with the handshake parameters. */
  url(): string {
    const loc = (globalThis as { location?: { protocol: string; host: string } }).location;
    const base =
      this.opts.base ?? `${loc?.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc?.host ?? ''}`;
    const q = new URLSearchParams({ 'x-client-type': 'webui', 'x-host-id': `webui-${uuid4()}` });
    if (this.opts.token) q.set('x-auth-token', this.opts.token);
    if (this.opts.filter) q.set('x-gremlin-filter', this.opts.filter);
    return `${base}${WsPath.Subscriber}?${q.toString()}`;
  }

  /** Connects; resolves once open, rejects when the first attempt fails. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const Ctor =
        this.opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
      if (!Ctor) {
        reject(new ClientError('SKY_ERR_CLIENT_USAGE', 'no WebSocket implementation'));
        return;
      }
      const ws = new Ctor(this.url());
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.attempt = 0;
        this.opts.onState?.('open');
        resolve();
      };
      ws.onmessage = (ev) => this.receive(ev.data);
      ws.onerror = () => undefined; // a close event follows and says what happened
      ws.onclose = (ev) => {
        for (const w of this.waiting.values()) {
          clearTimeout(w.timer);
          w.reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', 'connection closed'));
        }
        this.waiting.clear();
        if (!opened) {
          reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', `cannot open ${WsPath.Subscriber}`));
          return;
        }
        this.opts.onState?.('closed', ev.reason || `code ${ev.code}`);
        if (!this.closed) this.retry();
      };
    });
  }

  private retry(): void {
    this.attempt++;
    setTimeout(
      () => {
        if (this.closed) return;
        this.open().catch(() => this.retry());
      },
      backoffDelay(this.attempt, { minDelayMs: 500, maxDelayMs: 10_000 }),
    );
  }

  private receive(data: unknown): void {
    let msg: StructMessage;
    try {
      msg = decodeStructMessageJSON(
        typeof data === 'string' ? data : data instanceof Uint8Array ? data : String(data),
      );
    } catch {
      return; // a malformed frame is ignored; the server only sends JSON to a json client
    }
    const w = msg.UUID ? this.waiting.get(msg.UUID) : undefined;
    if (w && msg.Type === GraphMessageType.SyncReply) {
      this.waiting.delete(msg.UUID);
      clearTimeout(w.timer);
      if (msg.Status !== 200 && msg.Status !== 0) {
        const text = typeof msg.Obj === 'string' ? msg.Obj : JSON.stringify(msg.Obj);
        w.reject(new ApiError(msg.Status, '', text, { operation: 'sync' }));
      } else {
        const g = (msg.Obj ?? {}) as Partial<GraphJSON>;
        w.resolve({ Nodes: g.Nodes ?? [], Edges: g.Edges ?? [] });
      }
      return;
    }
    if (msg.Namespace === Namespace.Graph) this.opts.onEvent(msg);
  }

  /**
   * `Graph/SyncRequest`: the (filtered) graph now, or at `Time`; a `GremlinFilter` string sets the
   * server-side filter of the live events too (`''` resets it).
   */
  sync(req: SyncRequestMsg = {}): Promise<GraphJSON> {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN)
      return Promise.reject(new ClientError('SKY_ERR_CLIENT_CONNECTION', 'not connected'));
    const id = uuid4();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new ClientError('SKY_ERR_CLIENT_TIMEOUT', 'no SyncReply in time'));
      }, this.opts.timeoutMs ?? 10_000);
      this.waiting.set(id, { resolve, reject, timer });
      ws.send(
        encodeStructMessageJSON({
          Namespace: Namespace.Graph,
          Type: GraphMessageType.SyncRequest,
          UUID: id,
          Status: 0,
          Obj: req,
        }),
      );
    });
  }

  /** Closes for good (no reconnection). */
  close(): void {
    this.closed = true;
    this.ws?.close(1000, 'bye');
  }
}
