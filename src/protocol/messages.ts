// SPDX-License-Identifier: Apache-2.0
// Names and payload shapes of the WebSocket protocol (skydive-compat §1.1, §2.1, §2.2, §2.5, §2.6):
// namespaces, message types, handshake headers, endpoint paths and the Graph payload types.

import type { PartialOp } from '../graph/types.js';

/** WebSocket namespaces (the envelope's `Namespace`). `Wildcard` subscribes to all of them. */
export const Namespace = {
  Graph: 'Graph',
  OnDemandCapture: 'OnDemandCapture',
  OnDemandPacketInjection: 'OnDemandPacketInjection',
  OnDemandCaptureNotification: 'OnDemandCaptureNotification',
  OnDemandPacketInjectionNotification: 'OnDemandPacketInjectionNotification',
  Flow: 'Flow',
  Alert: 'Alert',
  /** `/ws/subscriber/flow` flow stream; `flow/<CaptureID>` restricts it to one capture. */
  FlowStore: 'flow',
  /** `/ws/subscriber/flow` capture statistics. */
  Stats: 'stats',
  Wildcard: '*',
} as const;
export type NamespaceName = (typeof Namespace)[keyof typeof Namespace];

/** Message types of the `Graph` namespace (§2.6). */
export const GraphMessageType = {
  Sync: 'Sync',
  SyncRequest: 'SyncRequest',
  SyncReply: 'SyncReply',
  NodeAdded: 'NodeAdded',
  NodeUpdated: 'NodeUpdated',
  NodeDeleted: 'NodeDeleted',
  NodePartiallyUpdated: 'NodePartiallyUpdated',
  EdgeAdded: 'EdgeAdded',
  EdgeUpdated: 'EdgeUpdated',
  EdgeDeleted: 'EdgeDeleted',
  EdgePartiallyUpdated: 'EdgePartiallyUpdated',
} as const;
export type GraphMessageTypeName = (typeof GraphMessageType)[keyof typeof GraphMessageType];

/** Message types of `OnDemandCapture` / `OnDemandPacketInjection` (analyzer ↔ agent, §2.11). */
export const OnDemandMessageType = {
  Start: 'Start',
  StartReply: 'StartReply',
  Stop: 'Stop',
  StopReply: 'StopReply',
} as const;

/** Message types of the `OnDemand…Notification` namespaces (analyzer → subscribers). */
export const OnDemandNotificationType = {
  Added: 'Added',
  Deleted: 'Deleted',
  NodeUpdated: 'NodeUpdated',
} as const;

/** Message types of the `Flow` namespace (live flow-table queries, §2.12). */
export const FlowMessageType = { TableQuery: 'TableQuery', TableResult: 'TableResult' } as const;

/** Message type of the `Alert` namespace (§2.14). */
export const AlertMessageType = { Alert: 'Alert' } as const;

/** Message types on `/ws/subscriber/flow` (§2.13). */
export const FlowStreamMessageType = { Store: 'store', Stats: 'stats' } as const;

/** WebSocket handshake and REST headers (§2.2, §3.1). Header names are case-insensitive on the wire. */
export const Header = {
  HostID: 'X-Host-ID',
  ClientType: 'X-Client-Type',
  ClientProtocol: 'X-Client-Protocol',
  WebsocketNamespace: 'X-Websocket-Namespace',
  PersistencePolicy: 'X-Persistence-Policy',
  GremlinFilter: 'X-Gremlin-Filter',
  UpdatePolicy: 'X-Update-Policy',
  ServiceType: 'X-Service-Type',
  AuthToken: 'X-Auth-Token',
  ResourceTTL: 'X-Resource-TTL',
} as const;

/** Values of `X-Client-Protocol`; an empty or absent header means JSON. */
export const ClientProtocol = { JSON: 'json', Protobuf: 'protobuf' } as const;
export type ClientProtocolName = (typeof ClientProtocol)[keyof typeof ClientProtocol];

/** Values of `X-Persistence-Policy`. Only `DeleteOnDisconnect` triggers cleanup on close. */
export const PersistencePolicy = {
  DeleteOnDisconnect: 'DeleteOnDisconnect',
  Persistent: 'Persistent',
} as const;

/** Values of `X-Update-Policy` (case-sensitive upstream: only exact `partial` switches). */
export const UpdatePolicy = { Full: 'full', Partial: 'partial' } as const;

/** Service and client types that form an origin `<type>.<hostID>` (§1.5, §2.2). */
export const ServiceType = {
  Analyzer: 'analyzer',
  Agent: 'agent',
  Api: 'api',
  Cli: 'cli',
  WebUI: 'webui',
  Seed: 'seed',
} as const;

/** WebSocket endpoint paths (§2.1). */
export const WsPath = {
  AgentTopology: '/ws/agent/topology',
  AgentFlow: '/ws/agent/flow',
  Publisher: '/ws/publisher',
  Subscriber: '/ws/subscriber',
  PubSub: '/ws/pubsub',
  Replication: '/ws/replication',
  SubscriberFlow: '/ws/subscriber/flow',
} as const;

/** Element JSON (§1.1) is defined once, by the graph engine that produces it. */
export type { NodeJSON, EdgeJSON, GraphJSON } from '../graph/json.js';

/**
 * `Graph/SyncRequest` payload. `Time` (ms) absent or 0 means live. `GremlinFilter`: a string sets the
 * subscriber's filter, `""` resets it, absent keeps the current one.
 */
export interface SyncRequestMsg {
  Time?: number;
  GremlinFilter?: string | null;
}

/** `NodePartiallyUpdated` / `EdgePartiallyUpdated` payload; `Ops` may be `null` upstream (§10). */
export interface PartiallyUpdatedMsg {
  ID: string;
  UpdatedAt: number;
  Revision: number;
  Ops: PartialOp[] | null;
}

/** `OnDemandCapture` / `OnDemandPacketInjection` `Start`/`Stop` payload (and their replies). */
export interface OnDemandMsg<R = Record<string, unknown>> {
  NodeID: string;
  Resource: R;
}

/** `Alert/Alert` payload; `Timestamp` is RFC 3339. */
export interface AlertMsg {
  UUID: string;
  Timestamp: string;
  ReasonData: unknown;
}
