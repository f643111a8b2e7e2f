// SPDX-License-Identifier: Apache-2.0
// SkydiveClient: the typed REST client of an analyzer (skydive-compat §3): API info, status,
// Gremlin queries, topology, the generic resource CRUD (node, edge, rules, captures…) and login.

import { baseUrl, DEFAULT_ANALYZER } from './address.js';
import { authHeaders, type AuthOptions } from './auth.js';
import { apiErrorFromBody, ClientError } from './errors.js';
import {
  fetchTransport,
  tlsTransport,
  type HttpResponse,
  type HttpTransport,
  type TlsOptions,
} from './http-transport.js';
import type {
  ApiInfo,
  EdgeJSON,
  GraphJSON,
  JsonPatchOp,
  LoginReply,
  NodeJSON,
  ResourceMap,
  ResourceName,
  TopologyDiff,
} from './types.js';

/** Options of a SkydiveClient. */
export interface SkydiveClientOptions extends AuthOptions {
  /** `host:port` of the analyzer (default `127.0.0.1:8082`). */
  analyzer?: string | undefined;
  /** TLS material; when given, the client speaks https. */
  tls?: TlsOptions | undefined;
  /** Abort any request that takes longer (no limit by default, like Skydive's client). */
  timeoutMs?: number | undefined;
  /** Replaces the HTTP transport (tests, instrumentation). */
  transport?: HttpTransport | undefined;
}

/** Arguments of SkydiveClient.topologyDiff. */
export interface TopologyDiffOptions {
  /** Start time: `-1m`, Unix seconds or ms, RFC 3339, RFC1123, `now`. */
  from: string | number;
  /** End time (same forms); omitted, the live graph. */
  to?: string | number | undefined;
  /** Compare only what this query selects at each time. */
  gremlin?: GremlinInput | undefined;
  /** Metadata key prefixes to leave out (e.g. `Statistics`). */
  ignore?: readonly string[] | undefined;
}

/** Output formats of `POST /api/topology`. */
export type QueryFormat = 'json' | 'dot' | 'pcap';

/** Anything that prints as a Gremlin query: a string or a builder from ./gremlin.js. */
export type GremlinInput = string | { toString(): string };

const ACCEPT: Record<QueryFormat, string> = {
  json: 'application/json',
  dot: 'text/vnd.graphviz',
  pcap: 'application/vnd.tcpdump.pcap',
};

interface RequestOptions {
  body?: unknown;
  /** A body already encoded (form or raw bytes); `body` is JSON-encoded otherwise. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  /** For error messages: `get node`, `query topology`… */
  operation: string;
}

function parseJson(body: Buffer, operation: string): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ClientError('SKY_ERR_CLIENT_PROTOCOL', `${operation}: answer is not JSON`, {
      cause: err,
    });
  }
}

/**
 * Flattens a query result into the nodes (or edges) it holds: element lists, paths (lists of
 * lists) as Skydive's GetNodes does, and graphs (`[{Nodes, Edges}]`), taking their `key` list.
 */
function elementsOf<T>(result: unknown, key: 'Nodes' | 'Edges'): T[] {
  if (!Array.isArray(result)) return [];
  const out: T[] = [];
  for (const item of result) {
    if (Array.isArray(item)) out.push(...(item as T[]));
    else if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      if (!('ID' in o) && (Array.isArray(o.Nodes) || Array.isArray(o.Edges))) {
        out.push(...((o[key] as T[] | null) ?? []));
      } else out.push(item as T);
    }
  }
  return out;
}

/**
 * A REST client of a Skydive (or skydive-ts) analyzer.
 *
 * @example
 * const client = new SkydiveClient({ analyzer: '127.0.0.1:8082', username: 'admin', password: 'pw' })
 * const count = await client.query<number>("G.V().Has('Type', 'veth').Count()")
 * const nodes = await client.list('node')
 */
export class SkydiveClient {
  readonly analyzer: string;
  /** `http(s)://host:port`, without a trailing slash. */
  readonly url: string;
  private readonly auth: AuthOptions;
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number | undefined;

  constructor(opts: SkydiveClientOptions = {}) {
    this.analyzer = opts.analyzer ?? DEFAULT_ANALYZER;
    this.url = baseUrl(this.analyzer, 'http', opts.tls !== undefined);
    this.auth = {
      username: opts.username,
      password: opts.password,
      token: opts.token,
      cookies: opts.cookies,
    };
    this.transport = opts.transport ?? (opts.tls ? tlsTransport(opts.tls) : fetchTransport);
    this.timeoutMs = opts.timeoutMs;
  }

  /** The token obtained by login() or given in the options, if any. */
  get token(): string | undefined {
    return this.auth.token;
  }

  /** The authentication headers every request carries (also used by WsClient). */
  authHeaders(): Record<string, string> {
    return authHeaders(this.auth);
  }

  /**
   * Sends a request to `path` (relative to the server root, e.g. `/api/node`) and returns the raw
   * response; a status ≥ 400 throws ApiError.
   */
  async request(method: string, path: string, opts: RequestOptions): Promise<HttpResponse> {
    // Content-Type only with a body: fastify refuses an empty body announced as JSON
    const headers: Record<string, string> = { ...this.authHeaders() };
    const req: Parameters<HttpTransport>[0] = { method, url: this.url + path, headers };
    if (opts.rawBody !== undefined) req.body = opts.rawBody;
    else if (opts.body !== undefined) {
      req.body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    Object.assign(headers, opts.headers);
    if (this.timeoutMs !== undefined) req.signal = AbortSignal.timeout(this.timeoutMs);
    const res = await this.transport(req);
    if (res.status >= 400) {
      throw apiErrorFromBody(res.status, res.statusText, res.body.toString('utf8'), opts.operation);
    }
    return res;
  }

  private async json(method: string, path: string, opts: RequestOptions): Promise<unknown> {
    return parseJson((await this.request(method, path, opts)).body, opts.operation);
  }

  /**
   * Logs in with `POST /login` (form `username`, `password`) and keeps the token for later calls
   * (sent as the `authtoken` cookie, like Skydive's clients).
   *
   * @example
   * const { Token } = await client.login('admin', 'secret')
   */
  async login(username = this.auth.username, password = this.auth.password): Promise<LoginReply> {
    const form = new URLSearchParams({ username: username ?? '', password: password ?? '' });
    const res = await this.request('POST', '/login', {
      rawBody: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      operation: 'login',
    });
    const result = parseJson(res.body, 'login') as Partial<LoginReply> | null;
    let token = result?.Token;
    if (typeof token !== 'string') {
      const cookie = res.setCookies.find((c) => c.startsWith('authtoken='));
      token = cookie?.slice('authtoken='.length).split(';')[0];
    }
    if (!token) throw new ClientError('SKY_ERR_CLIENT_PROTOCOL', 'login answered no token');
    this.auth.token = token;
    return { Permissions: [], ...result, Token: token };
  }

  /** `GET /api`: host id, version and service type of the server. */
  async apiInfo(): Promise<ApiInfo> {
    return (await this.json('GET', '/api', { operation: 'get API info' })) as ApiInfo;
  }

  /** `GET /api/status`: connected agents, peers, publishers, subscribers, probes (§3.5). */
  async status(): Promise<Record<string, unknown>> {
    return (await this.json('GET', '/api/status', { operation: 'get status' })) as Record<
      string,
      unknown
    >;
  }

  /**
   * Runs a Gremlin query with `POST /api/topology`. JSON results are parsed (a graph query gives
   * `[{Nodes, Edges}]`, `Count()` a number…); `dot` answers text, `pcap` bytes. An empty answer
   * (HTTP 204, empty query) gives null, '' or an empty buffer.
   *
   * @example
   * const veths = await client.query<NodeJSON[]>(G.V().Has('Type', 'veth'))
   * const dot = await client.query('G', { accept: 'dot' })
   */
  query<T = unknown>(gremlin: GremlinInput, opts?: { accept?: 'json' }): Promise<T>;
  query(gremlin: GremlinInput, opts: { accept: 'dot' }): Promise<string>;
  query(gremlin: GremlinInput, opts: { accept: 'pcap' }): Promise<Buffer>;
  async query(gremlin: GremlinInput, opts: { accept?: QueryFormat } = {}): Promise<unknown> {
    const accept = opts.accept ?? 'json';
    const body = await this.queryRaw(gremlin, accept);
    if (accept === 'pcap') return body;
    if (accept === 'dot') return body.toString('utf8');
    return parseJson(body, 'query topology');
  }

  /**
   * Runs a query and returns the answer's bytes untouched (numbers keep every digit).
   * `onWarning` gets the analyzer's X-Skydive-Warning header: why the answer is incomplete (an
   * agent that did not answer a live flow query or cut its reply).
   */
  async queryRaw(
    gremlin: GremlinInput,
    accept: QueryFormat = 'json',
    onWarning?: (text: string) => void,
  ): Promise<Buffer> {
    const res = await this.request('POST', '/api/topology', {
      body: { GremlinQuery: String(gremlin) },
      headers: { Accept: ACCEPT[accept] },
      operation: 'query topology',
    });
    const warning = res.header('x-skydive-warning');
    if (warning) onWarning?.(warning);
    return res.body;
  }

  /** The nodes a query returns (flattening paths and graphs), like Skydive's `GetNodes`. */
  async nodes(gremlin: GremlinInput): Promise<NodeJSON[]> {
    return elementsOf<NodeJSON>(await this.query(gremlin), 'Nodes');
  }

  /** The edges a query returns. */
  async edges(gremlin: GremlinInput): Promise<EdgeJSON[]> {
    return elementsOf<EdgeJSON>(await this.query(gremlin), 'Edges');
  }

  /** `GET /api/topology`: the whole graph. */
  async topology(): Promise<GraphJSON> {
    return (await this.json('GET', '/api/topology', { operation: 'get topology' })) as GraphJSON;
  }

  /**
   * `GET /api/topology/diff`: what appeared, disappeared and changed between `from` and `to` (the
   * live graph when `to` is omitted). Times use Skydive's At() syntax (`-1m`, Unix s or ms, RFC1123)
   * or RFC 3339; `gremlin` restricts the comparison to what the query selects at each time, and
   * `ignore` leaves out metadata keys under these prefixes.
   *
   * @example
   * const d = await client.topologyDiff({ from: '-10m', gremlin: "G.V().Has('Type', 'veth')" })
   * for (const n of d.Nodes.Disappeared) console.log(n)
   */
  async topologyDiff(opts: TopologyDiffOptions): Promise<TopologyDiff> {
    const q = new URLSearchParams({ from: String(opts.from) });
    if (opts.to !== undefined) q.set('to', String(opts.to));
    if (opts.gremlin !== undefined) q.set('gremlin', String(opts.gremlin));
    if (opts.ignore !== undefined && opts.ignore.length > 0) q.set('ignore', opts.ignore.join(','));
    return (await this.json('GET', `/api/topology/diff?${q.toString()}`, {
      operation: 'diff topology',
    })) as TopologyDiff;
  }

  /** `GET /api/<resource>`: every resource, keyed by ID. */
  list<R extends ResourceName>(resource: R): Promise<Record<string, ResourceMap[R]>>;
  list(resource: string): Promise<Record<string, unknown>>;
  async list(resource: string): Promise<Record<string, unknown>> {
    const r = await this.json('GET', `/api/${resource}`, { operation: `list ${resource}` });
    return (r ?? {}) as Record<string, unknown>;
  }

  /** `GET /api/<resource>/<id>`; a missing one throws ApiError with status 404. */
  get<R extends ResourceName>(resource: R, id: string): Promise<ResourceMap[R]>;
  get(resource: string, id: string): Promise<unknown>;
  async get(resource: string, id: string): Promise<unknown> {
    return this.json('GET', `/api/${resource}/${encodeURIComponent(id)}`, {
      operation: `get ${resource}`,
    });
  }

  /**
   * `POST /api/<resource>`; returns the created resource as the server stored it. `ttl` (ms, or a
   * Go duration such as `30s`) is sent as `X-Resource-TTL`.
   *
   * @example
   * const rule = await client.create('noderule', { Action: 'create', Metadata: { Name: 'n', Type: 't' } })
   */
  create<R extends ResourceName>(
    resource: R,
    body: ResourceMap[R],
    opts?: { ttl?: number | string },
  ): Promise<ResourceMap[R]>;
  create(resource: string, body: unknown, opts?: { ttl?: number | string }): Promise<unknown>;
  async create(
    resource: string,
    body: unknown,
    opts: { ttl?: number | string } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (opts.ttl !== undefined) {
      headers['X-Resource-TTL'] = typeof opts.ttl === 'number' ? `${opts.ttl}ms` : opts.ttl;
    }
    const created = await this.json('POST', `/api/${resource}`, {
      body,
      headers,
      operation: `create ${resource}`,
    });
    return created ?? body;
  }

  /**
   * `PATCH /api/<resource>/<id>` with an RFC 6902 JSON Patch; returns the new resource, or
   * undefined when the server answered 304 Not Modified.
   *
   * @example
   * await client.patch('node', id, [{ op: 'add', path: '/Metadata/Color', value: 'blue' }])
   */
  patch<R extends ResourceName>(
    resource: R,
    id: string,
    ops: JsonPatchOp[],
  ): Promise<ResourceMap[R] | undefined>;
  patch(resource: string, id: string, ops: JsonPatchOp[]): Promise<unknown>;
  async patch(resource: string, id: string, ops: JsonPatchOp[]): Promise<unknown> {
    const res = await this.request('PATCH', `/api/${resource}/${encodeURIComponent(id)}`, {
      body: ops,
      operation: `update ${resource}`,
    });
    if (res.status === 304) return undefined;
    return parseJson(res.body, `update ${resource}`) ?? undefined;
  }

  /** `DELETE /api/<resource>/<id>`. */
  async delete(resource: string, id: string): Promise<void> {
    await this.request('DELETE', `/api/${resource}/${encodeURIComponent(id)}`, {
      operation: `delete ${resource}`,
    });
  }

  /** `GET /api/config/<key>`: one configuration value of the server, e.g. `analyzer.listen`. */
  async config(key: string): Promise<unknown> {
    return this.json('GET', `/api/config/${encodeURIComponent(key)}`, {
      operation: 'get config',
    });
  }
}
