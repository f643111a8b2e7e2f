// SPDX-License-Identifier: Apache-2.0
// Public surface of the analyzer's WebSocket side: attach it to the HTTP(S) server.
export { attachWebSocket, type AnalyzerWebSocketHub } from './attach.js';
export type { AgentMessageHandler } from './publisher.js';
export {
  DEFAULT_HIGH_WATER_MARK,
  type AttachOptions,
  type UpgradeRoute,
  type WebSocketHub,
  type WsConnection,
  type ClientInfo,
  type CompiledFilter,
  type FilterCompiler,
  type Subgraph,
} from '../../api/ws/index.js';
