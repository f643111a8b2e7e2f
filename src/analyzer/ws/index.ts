// SPDX-License-Identifier: Apache-2.0
// Public surface of the analyzer's WebSocket side: attach it to the HTTP(S) server.
export {
  attachWebSocket,
  DEFAULT_HIGH_WATER_MARK,
  type AttachOptions,
  type UpgradeRoute,
  type WebSocketHub,
} from './attach.js';
export type { WsConnection } from './connection.js';
export type { ClientInfo } from './handshake.js';
export type { AgentMessageHandler } from './endpoint.js';
export type { CompiledFilter, FilterCompiler, Subgraph } from './filter.js';
