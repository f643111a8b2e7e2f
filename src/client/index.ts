// SPDX-License-Identifier: Apache-2.0
// Public surface of the client: REST (SkydiveClient), WebSocket (WsClient, subscribe, publish),
// the Gremlin query builder and the errors. Import from here, not from the files.

export { SkydiveClient } from './rest-client.js';
export type {
  GremlinInput,
  QueryFormat,
  SkydiveClientOptions,
  TopologyDiffOptions,
} from './rest-client.js';
export { WsClient } from './ws-client.js';
export type { HandshakeInfo, WsClientEvents, WsClientOptions } from './ws-client.js';
export { publish, subscribe, syncRequest } from './pubsub.js';
export type { SubscribeOptions, Subscription } from './pubsub.js';
export { MessageStream } from './message-stream.js';
export { backoffDelay } from './backoff.js';
export type { ReconnectOptions } from './backoff.js';
export { ApiError, ClientError, apiErrorFromBody } from './errors.js';
export type { ClientErrorCode } from './errors.js';
export { DEFAULT_ANALYZER, baseUrl, parseAddress } from './address.js';
export type { AnalyzerAddress } from './address.js';
export { authHeaders } from './auth.js';
export type { AuthOptions } from './auth.js';
export { fetchTransport, tlsTransport } from './http-transport.js';
export type { HttpRequest, HttpResponse, HttpTransport, TlsOptions } from './http-transport.js';
export * from './gremlin.js';
export type * from './types.js';
export { ReconnectingLink, splitHostPort } from './reconnecting-link.js';
export type {
  ReconnectingLinkHooks,
  ReconnectingLinkOptions,
  ReconnectingLinkState,
} from './reconnecting-link.js';
