// SPDX-License-Identifier: Apache-2.0
// Public surface of the shared WebSocket side: the front door (attach a hub to an HTTP(S) server
// with a set of endpoints), the subscriber endpoint, and the contracts endpoints are built on.
export {
  attachWebSocketHub,
  DEFAULT_HIGH_WATER_MARK,
  type AttachOptions,
  type HubOptions,
  type UpgradeRoute,
  type WebSocketHub,
} from './attach.js';
export { WsConnection, CLOSE_OVERLOADED } from './connection.js';
export { Outgoing, type WireProtocol } from './codec.js';
export { HandshakeError, type ClientInfo } from './handshake.js';
export {
  answerError,
  statusOf,
  ERR_WS_UNKNOWN_MESSAGE,
  type Accept,
  type Endpoint,
  type WsServices,
} from './endpoint.js';
export type { CompiledFilter, FilterCompiler, Subgraph } from './filter.js';
export { GraphFeed, type Subscription } from './feed.js';
export {
  subscriberEndpoint,
  SubscriberSession,
  graphJSON,
  handshakeFilter,
  ERR_NO_HISTORY,
} from './subscriber.js';
export { decodePartialUpdate, decodeSyncLists, decodeSyncRequest } from './payloads.js';
