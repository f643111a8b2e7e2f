// SPDX-License-Identifier: Apache-2.0
// The upgrade request's client description (skydive-compat §2.2): each X-… header may also come as a
// lower-cased query parameter (browsers), and every rule broken is a clear HTTP answer.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Header, PersistencePolicy } from '../../protocol/messages.js';
import type { Identity } from '../auth/types.js';
import type { WireProtocol } from './codec.js';

/** Everything the server knows about a peer once its handshake is accepted. */
export interface ClientInfo {
  /** Endpoint path, e.g. `/ws/subscriber`. */
  path: string;
  /** `X-Host-ID`, or `<addr>:<port>` when absent (as Skydive does). */
  hostID: string;
  /** `X-Client-Type`: `agent`, `webui`, `cli`…; `unknown` when absent, as Skydive does. */
  clientType: string;
  /** `<clientType>.<hostID>` (§1.5). */
  origin: string;
  protocol: WireProtocol;
  /** Namespaces the peer receives; null means all (`*`, or none asked). */
  namespaces: ReadonlySet<string> | null;
  /** Only `DeleteOnDisconnect` triggers cleanup. */
  deleteOnDisconnect: boolean;
  /** `X-Gremlin-Filter`; empty for none. */
  gremlinFilter: string;
  /** `X-Update-Policy` (case-insensitive here; upstream only honours exact `partial`, §10). */
  updatePolicy: 'full' | 'partial';
  remoteAddr: string;
  remotePort: number;
  identity: Identity;
}

/** A refused handshake: answered with `status` and `message` as plain text, before any upgrade. */
export class HandshakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HandshakeError';
  }
}

/** A request parameter: the header, else the lower-cased query parameter, else ''. */
export function requestParam(req: IncomingMessage, url: URL, name: string): string {
  const h = req.headers[name.toLowerCase()];
  const v = Array.isArray(h) ? h[0] : h;
  if (v !== undefined && v !== '') return v;
  return url.searchParams.get(name.toLowerCase()) ?? '';
}

function namespaces(req: IncomingMessage, url: URL): ReadonlySet<string> | null {
  const key = Header.WebsocketNamespace.toLowerCase();
  const raw: string[] = [];
  const h = req.headers[key];
  if (h !== undefined) raw.push(...(Array.isArray(h) ? h : [h]));
  else raw.push(...url.searchParams.getAll(key));
  // Node joins repeated headers with ", ".
  const names = raw.flatMap((v) => v.split(',')).map((v) => v.trim());
  const set = new Set(names.filter((v) => v !== ''));
  return set.size === 0 || set.has('*') ? null : set;
}

function protocol(value: string): WireProtocol {
  const v = value.toLowerCase();
  if (v === '' || v === 'json') return 'json';
  if (v === 'protobuf') return 'protobuf';
  throw new HandshakeError(400, `unknown X-Client-Protocol '${value}' (use json or protobuf)`);
}

function updatePolicy(value: string): 'full' | 'partial' {
  const v = value.toLowerCase();
  if (v === '' || v === 'full') return 'full';
  if (v === 'partial') return 'partial';
  throw new HandshakeError(400, `unknown X-Update-Policy '${value}' (use full or partial)`);
}

/** `ip:port` as Go prints a remote address (IPv6 in brackets). */
function remote(socket: Duplex): { addr: string; port: number } {
  const s = socket as Duplex & { remoteAddress?: string; remotePort?: number };
  return { addr: s.remoteAddress ?? '', port: s.remotePort ?? 0 };
}

/** Client type of a peer that sends no (or an empty) X-Client-Type (Skydive's UnknownService). */
export const UNKNOWN_CLIENT_TYPE = 'unknown';

/**
 * Reads the client description from an upgrade request. A missing or empty X-Client-Type is
 * accepted as `unknown`, as Skydive's server does: Skydive's own Python client (wsshell) sends an
 * empty one by default, so refusing it would break that client.
 * @throws HandshakeError 400 when the protocol or update policy is unknown.
 */
export function parseClientInfo(
  req: IncomingMessage,
  url: URL,
  socket: Duplex,
  identity: Identity,
): ClientInfo {
  const clientType = requestParam(req, url, Header.ClientType) || UNKNOWN_CLIENT_TYPE;
  const { addr, port } = remote(socket);
  const hostID =
    requestParam(req, url, Header.HostID) ||
    (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);
  const persistence = req.headers[Header.PersistencePolicy.toLowerCase()];
  return {
    path: url.pathname,
    hostID,
    clientType,
    origin: `${clientType}.${hostID}`,
    protocol: protocol(requestParam(req, url, Header.ClientProtocol)),
    namespaces: namespaces(req, url),
    deleteOnDisconnect: persistence === PersistencePolicy.DeleteOnDisconnect,
    gremlinFilter: requestParam(req, url, Header.GremlinFilter),
    updatePolicy: updatePolicy(requestParam(req, url, Header.UpdatePolicy)),
    remoteAddr: addr,
    remotePort: port,
    identity,
  };
}

/** Answers a refused upgrade with a plain-text HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}
