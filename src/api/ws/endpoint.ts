// SPDX-License-Identifier: Apache-2.0
// What every WS endpoint shares: the contract an endpoint implements, the services it receives, and
// how a refused message is answered (same Namespace/UUID, Status from the error's kind).
import type { Logger } from 'pino';
import type { SkydiveError } from '../../graph/errors.js';
import { GraphMessageType, type StructMessage } from '../../protocol/index.js';
import type { HistoryProvider } from '../../gremlin/index.js';
import type { ApiContext } from '../context.js';
import type { WsConnection } from './connection.js';
import type { GraphFeed } from './feed.js';
import type { FilterCompiler } from './filter.js';
import type { ClientInfo } from './handshake.js';

/** Code of a message whose Namespace/Type the endpoint does not handle. */
export const ERR_WS_UNKNOWN_MESSAGE = 'SKY_ERR_WS_UNKNOWN_MESSAGE';

/** What endpoints are built from. */
export interface WsServices {
  ctx: ApiContext;
  feed: GraphFeed;
  compile: FilterCompiler;
  logger: Logger;
  /** Answers SyncRequests with a Time; without it they get 400 `Backend does not support history`. */
  history: HistoryProvider | undefined;
}

/** Sets up an upgraded connection. */
export type Accept = (conn: WsConnection) => void;

/** One WS path. */
export interface Endpoint {
  readonly path: string;
  /** Which backend authenticates the upgrade (§2.1). */
  readonly auth: 'api' | 'cluster';
  /**
   * Checks the endpoint-specific parts of a handshake and returns what to do once upgraded.
   * @throws HandshakeError to refuse the upgrade.
   */
  prepare(info: ClientInfo): Accept | Promise<Accept>;
}

/** HTTP-like status of a refused message, from the error's kind. */
export function statusOf(err: unknown): number {
  switch ((err as Partial<SkydiveError>).kind) {
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'invalid_argument':
    case 'query_syntax':
    case 'query_execution':
      return 400;
    case 'payload_too_large':
      return 413;
    case 'unavailable':
      return 503;
    case 'timeout':
      return 504;
    default:
      return 500;
  }
}

/**
 * Answers a refused message on its socket: same Namespace and UUID, Type `SyncReply` for a
 * SyncRequest and `Error` otherwise, Status from the error, Obj the error text ('internal error'
 * for an unexpected failure). Logged at info (the peer's fault) or error (ours, or a backend down).
 */
export function answerError(conn: WsConnection, msg: StructMessage, err: unknown): void {
  const status = statusOf(err);
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as Partial<SkydiveError>).code;
  if (status >= 500) conn.logger.error({ err, type: msg.Type }, 'websocket message failed');
  else
    conn.logger.info({ code, type: msg.Type, status, reason: text }, 'websocket message refused');
  const type = msg.Type === GraphMessageType.SyncRequest ? GraphMessageType.SyncReply : 'Error';
  // an unexpected failure is not described to the peer; a backend that is down is
  conn.reply(msg, type, status === 500 ? 'internal error' : text, status);
}
