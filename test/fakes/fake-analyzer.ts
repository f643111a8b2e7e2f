// SPDX-License-Identifier: Apache-2.0
// A tiny stand-in for a Skydive analyzer (skydive-compat §2, §3) for client and CLI tests: REST
// CRUD, login, canned Gremlin answers, /ws/publisher and /ws/subscriber with the handshake rules.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';

type Json = Record<string, unknown>;

/** What the fake saw, for assertions. */
export interface FakeLog {
  requests: { method: string; url: string; headers: Record<string, unknown>; body: unknown }[];
  wsHandshakes: { path: string; headers: Record<string, unknown> }[];
  wsMessages: { path: string; msg: Json }[];
}

export interface FakeAnalyzerOptions {
  /** When set, every /api call needs these credentials (Basic or the login token cookie). */
  users?: Record<string, string>;
  /** Canned answers of POST /api/topology by exact query text; a function may inspect it. */
  queries?: Record<string, unknown>;
  /** Canned answers sent as this exact JSON text (big integers, key order). */
  rawQueries?: Record<string, string>;
  /** Host ID the fake announces (`GET /api`, `X-Host-ID`). */
  hostId?: string;
}

export interface FakeAnalyzer {
  address: string;
  log: FakeLog;
  store: Record<string, Map<string, Json>>;
  app: FastifyInstance;
  /** Sends a message to every connected subscriber. */
  broadcast(msg: Json): void;
  close(): Promise<void>;
}

const titles: Record<string, string> = {
  node: 'Node',
  edge: 'Edge',
  noderule: 'NodeRule',
  edgerule: 'EdgeRule',
  capture: 'Capture',
  alert: 'Alert',
};

function applyPatch(target: Json, ops: Json[]): Json {
  const copy = structuredClone(target);
  for (const op of ops) {
    const parts = String(op.path).split('/').slice(1);
    const last = parts.pop() ?? '';
    let cur: Json = copy;
    for (const p of parts) cur = (cur[p] ??= {}) as Json;
    if (op.op === 'remove') {
      if (!(last in cur)) throw new Error(`path ${String(op.path)} does not exist`);
      delete cur[last];
    } else if (op.op === 'add' || op.op === 'replace') cur[last] = op.value;
    else throw new Error(`unsupported op ${String(op.op)}`);
  }
  return copy;
}

/** Starts the fake on 127.0.0.1, port 0. */
export async function startFakeAnalyzer(opts: FakeAnalyzerOptions = {}): Promise<FakeAnalyzer> {
  const hostId = opts.hostId ?? 'fake-analyzer';
  const log: FakeLog = { requests: [], wsHandshakes: [], wsMessages: [] };
  const store: Record<string, Map<string, Json>> = {};
  for (const r of Object.keys(titles)) store[r] = new Map();
  const subscribers = new Set<WebSocket>();
  const tokens = new Set<string>();

  const app = Fastify();
  await app.register(formbody);
  await app.register(websocket);
  app.websocketServer.on('headers', (headers: string[]) => {
    headers.push(`X-Host-ID: ${hostId}`, 'X-Service-Type: analyzer');
  });

  const authorized = (req: FastifyRequest): boolean => {
    if (!opts.users) return true;
    const cookie = String(req.headers.cookie ?? '');
    const m = /(?:^|;\s*)authtoken=([^;]+)/.exec(cookie);
    if (m && tokens.has(m[1] ?? '')) return true;
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (basic) {
      const [u, p] = Buffer.from(basic[1] ?? '', 'base64')
        .toString()
        .split(':');
      return u !== undefined && opts.users[u] === p;
    }
    return false;
  };

  app.addHook('onRequest', async (req, reply) => {
    log.requests.push({
      method: req.method,
      url: req.url,
      headers: { ...req.headers },
      body: null,
    });
    if (req.url.startsWith('/api') || req.url.startsWith('/ws')) {
      if (!authorized(req)) {
        await reply.code(401).type('text/plain').send('Wrong credentials');
      }
    }
  });
  app.addHook('preHandler', async (req) => {
    const last = log.requests[log.requests.length - 1];
    if (last) last.body = req.body ?? null;
  });

  app.post('/login', async (req, reply) => {
    const { username, password } = (req.body ?? {}) as Record<string, string>;
    if (!opts.users || (username !== undefined && opts.users[username] === password)) {
      const token = Buffer.from(`${username}:${password}`).toString('base64');
      tokens.add(token);
      void reply.header('Set-Cookie', `authtoken=${token}; Path=/`);
      return { Token: token, Permissions: [] };
    }
    return reply.code(401).type('text/plain').send('Wrong credentials');
  });

  app.get('/api', async () => ({ Host: hostId, Version: '0.28.0-fake', Service: 'analyzer' }));
  app.get('/api/status', async () => ({
    Agents: {},
    Peers: { Incomers: {}, Outgoers: {} },
    Publishers: {},
    Subscribers: {},
    Alerts: { IsMaster: true },
    Captures: { IsMaster: true },
    Probes: {},
  }));
  const graph = () => ({ Nodes: [...store.node!.values()], Edges: [...store.edge!.values()] });
  app.get('/api/topology', async () => graph());
  app.post('/api/topology', async (req, reply) => {
    const q = String(((req.body ?? {}) as Json).GremlinQuery ?? '');
    if (q === '') return reply.code(204).send();
    const accept = String(req.headers.accept ?? '');
    if (accept.includes('graphviz')) {
      return reply.type('text/vnd.graphviz').send(`digraph g {\n  // ${q}\n}\n`);
    }
    if (opts.rawQueries && q in opts.rawQueries) {
      return reply.type('application/json').send(opts.rawQueries[q]);
    }
    let result: unknown;
    if (opts.queries && q in opts.queries) result = opts.queries[q];
    else if (q === 'G') result = [graph()];
    else if (q === 'G.V()') result = graph().Nodes;
    else if (q === 'G.E()') result = graph().Edges;
    else if (q === 'G.V().Count()') result = store.node!.size;
    else return reply.code(400).type('text/plain').send(`Expected step function, got: ${q}`);
    return reply.type('application/json').send(JSON.stringify(result));
  });
  app.get('/api/config/:key', async (req) => {
    const { key } = req.params as { key: string };
    return key === 'analyzer.listen' ? JSON.stringify('127.0.0.1:8082') : 'null';
  });

  const resource = (req: FastifyRequest, reply: FastifyReply): Map<string, Json> | undefined => {
    const { r } = req.params as { r: string };
    const s = store[r];
    if (!s) void reply.code(404).type('text/plain').send('404 page not found');
    return s;
  };
  const notFound = (reply: FastifyReply, r: string, id: string) =>
    reply
      .code(404)
      .type('text/plain')
      .send(`${titles[r] ?? r} '${id}' not found`);
  const idKey = (r: string) => (r === 'node' || r === 'edge' ? 'ID' : 'UUID');

  app.get('/api/:r', async (req, reply) => {
    const s = resource(req, reply);
    if (s) return Object.fromEntries(s);
  });
  app.get('/api/:r/:id', async (req, reply) => {
    const s = resource(req, reply);
    const { r, id } = req.params as { r: string; id: string };
    if (!s) return;
    return s.get(id) ?? notFound(reply, r, id);
  });
  app.post('/api/:r', async (req, reply) => {
    const s = resource(req, reply);
    if (!s) return;
    const { r } = req.params as { r: string };
    const body = (req.body ?? {}) as Json;
    const key = idKey(r);
    if (key === 'UUID') body.UUID = globalThis.crypto.randomUUID();
    const id = String(body[key] ?? '');
    if (!id) return reply.code(400).type('text/plain').send(`${key} is required`);
    if (
      r === 'edge' &&
      (!store.node!.has(String(body.Parent)) || !store.node!.has(String(body.Child)))
    ) {
      return reply.code(400).type('text/plain').send('unknown parent or child');
    }
    if (s.has(id)) return reply.code(409).type('text/plain').send(`${titles[r]} '${id}' exists`);
    s.set(id, body);
    return reply.code(201).send(body);
  });
  app.patch('/api/:r/:id', async (req, reply) => {
    const s = resource(req, reply);
    const { r, id } = req.params as { r: string; id: string };
    if (!s) return;
    const cur = s.get(id);
    if (!cur) return notFound(reply, r, id);
    if (r !== 'node' && r !== 'edge') {
      return reply.code(400).type('text/plain').send(`${titles[r]} can not be updated`);
    }
    let next: Json;
    try {
      next = applyPatch(cur, req.body as Json[]);
    } catch (err) {
      return reply
        .code(400)
        .type('text/plain')
        .send((err as Error).message);
    }
    if (JSON.stringify(next) === JSON.stringify(cur)) return reply.code(304).send();
    s.set(id, next);
    return next;
  });
  app.delete('/api/:r/:id', async (req, reply) => {
    const s = resource(req, reply);
    const { r, id } = req.params as { r: string; id: string };
    if (!s) return;
    if (!s.delete(id)) return notFound(reply, r, id);
    return reply.type('text/plain').send('');
  });

  const wsRoute = (path: string, onMessage: (socket: WebSocket, msg: Json) => void) =>
    app.get(path, { websocket: true }, (socket, req) => {
      log.wsHandshakes.push({ path, headers: { ...req.headers } });
      if (!req.headers['x-client-type']) {
        socket.close(1008, 'X-Client-Type missing');
        return;
      }
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as Json;
        log.wsMessages.push({ path, msg });
        onMessage(socket, msg);
      });
    });

  wsRoute('/ws/publisher', (socket, msg) => {
    const obj = msg.Obj as Json;
    if (msg.Type === 'NodeAdded') store.node!.set(String(obj.ID), obj);
    else if (msg.Type === 'EdgeAdded') store.edge!.set(String(obj.ID), obj);
    else if (msg.Type === 'SyncRequest') {
      socket.send(JSON.stringify({ ...msg, Type: 'SyncReply', Status: 200, Obj: graph() }));
    }
  });
  app.register(async (scope) => {
    scope.get('/ws/subscriber', { websocket: true }, (socket, req) => {
      log.wsHandshakes.push({ path: '/ws/subscriber', headers: { ...req.headers } });
      subscribers.add(socket);
      socket.on('close', () => subscribers.delete(socket));
      socket.ping();
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as Json;
        log.wsMessages.push({ path: '/ws/subscriber', msg });
        if (msg.Type === 'SyncRequest') {
          socket.send(
            JSON.stringify({
              Namespace: 'Graph',
              Type: 'SyncReply',
              UUID: msg.UUID,
              Status: 200,
              Obj: graph(),
            }),
          );
        }
      });
    });
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    log,
    store,
    app,
    broadcast(msg) {
      for (const s of subscribers) s.send(JSON.stringify(msg));
    },
    close: () => app.close(),
  };
}
