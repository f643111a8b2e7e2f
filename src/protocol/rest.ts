// SPDX-License-Identifier: Apache-2.0
// REST bodies of the analyzer API (skydive-compat §3): TypeBox schemas that give validation, the
// OpenAPI document and the TypeScript types from one definition. JSON keys are Skydive's exactly.

import { Type, type Static } from '@sinclair/typebox';
import { StorageStatusSchema } from './history.js';

/** `POST /api/topology` body. */
export const TopologyParamsSchema = Type.Object(
  { GremlinQuery: Type.String({ description: 'Gremlin query, e.g. G.V().Has("Type", "netns")' }) },
  { additionalProperties: true },
);
export type TopologyParams = Static<typeof TopologyParamsSchema>;

/** `GET /api` body. */
export const APIInfoSchema = Type.Object({
  Host: Type.String({ description: 'host_id of the service' }),
  Version: Type.String(),
  Service: Type.String({ description: '"analyzer" or "agent"' }),
});
export type APIInfo = Static<typeof APIInfoSchema>;

/** Status of one WebSocket connection (`/api/status`). */
export const ConnStatusSchema = Type.Object({
  ServiceType: Type.String(),
  ClientProtocol: Type.String({ description: '"json" or "protobuf"' }),
  Addr: Type.String(),
  Port: Type.Integer(),
  IsConnected: Type.Boolean(),
  ConnectTime: Type.String({ description: 'RFC 3339' }),
  RemoteHost: Type.Optional(Type.String()),
  RemoteServiceType: Type.Optional(Type.String()),
});
export type ConnStatus = Static<typeof ConnStatusSchema>;

const IsMaster = Type.Object({ IsMaster: Type.Boolean() });
const ConnMap = Type.Record(Type.String(), ConnStatusSchema);

/** `GET /api/status` on an analyzer (§3.5). */
export const AnalyzerStatusSchema = Type.Object({
  Agents: ConnMap,
  Peers: Type.Object({ Incomers: ConnMap, Outgoers: ConnMap }),
  Publishers: ConnMap,
  Subscribers: ConnMap,
  Alerts: IsMaster,
  Captures: IsMaster,
  Probes: Type.Record(Type.String(), Type.Unknown(), { description: 'probe name → its status' }),
  Storage: Type.Optional(StorageStatusSchema),
  Flows: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'flow server counters: received, stored, dropped… (skydive-ts)',
    }),
  ),
});
export type AnalyzerStatus = Static<typeof AnalyzerStatusSchema>;

/** `GET /api/status` on an agent (§3.5). */
export const AgentStatusSchema = Type.Object({
  Clients: ConnMap,
  Analyzers: Type.Record(Type.String(), Type.Intersect([ConnStatusSchema, IsMaster])),
  TopologyProbes: Type.Record(Type.String(), Type.Unknown()),
  FlowProbes: Type.Array(Type.String()),
});
export type AgentStatus = Static<typeof AgentStatusSchema>;

/** One RBAC permission of the logged-in user. */
export const PermissionSchema = Type.Object({
  Object: Type.String({ description: 'e.g. capture, topology, websocket' }),
  Action: Type.String({ description: 'read, write, …' }),
  Allowed: Type.Boolean(),
});
export type Permission = Static<typeof PermissionSchema>;

/** `POST /login` reply (§3.6). */
export const LoginReplySchema = Type.Object({
  Token: Type.String(),
  Permissions: Type.Array(PermissionSchema),
});
export type LoginReply = Static<typeof LoginReplySchema>;

const OptionalString = (description: string) => Type.Optional(Type.String({ description }));

/** `/api/noderule` resource (§3.3). Empty optional strings are omitted on output. */
export const NodeRuleSchema = Type.Object(
  {
    UUID: OptionalString('assigned by the server on creation'),
    Name: OptionalString('rule name'),
    Description: OptionalString('rule description'),
    Metadata: Type.Record(Type.String(), Type.Unknown(), {
      description: 'metadata of the nodes to create, or merged into the matching nodes',
    }),
    Action: Type.Union([Type.Literal('create'), Type.Literal('update')]),
    Query: OptionalString('Gremlin query of the nodes to update (required for update)'),
  },
  { additionalProperties: true },
);
export type NodeRule = Static<typeof NodeRuleSchema>;

/** `/api/edgerule` resource (§3.3); Metadata must include RelationType. */
export const EdgeRuleSchema = Type.Object(
  {
    UUID: OptionalString('assigned by the server on creation'),
    Name: OptionalString('rule name'),
    Description: OptionalString('rule description'),
    Src: Type.String({ description: 'Gremlin query of the parent node (first match used)' }),
    Dst: Type.String({ description: 'Gremlin query of the child node (first match used)' }),
    Metadata: Type.Object(
      { RelationType: Type.String({ minLength: 1 }) },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);
export type EdgeRule = Static<typeof EdgeRuleSchema>;

/** The body of every error response. */
export const ErrorBodySchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String({ description: 'stable SKY_ERR_… code (docs/errors.md)' }),
  error: Type.String({ description: 'HTTP reason phrase' }),
  message: Type.String(),
});
export type ErrorBody = Static<typeof ErrorBodySchema>;

const Pointer = Type.String({ description: 'JSON Pointer (RFC 6901), e.g. /Metadata/Name' });

/** One RFC 6902 JSON Patch operation (`PATCH /api/node/{id}`, `/api/edge/{id}`). */
export const JsonPatchOperationSchema = Type.Union([
  Type.Object({ op: Type.Literal('add'), path: Pointer, value: Type.Unknown() }),
  Type.Object({ op: Type.Literal('remove'), path: Pointer }),
  Type.Object({ op: Type.Literal('replace'), path: Pointer, value: Type.Unknown() }),
  Type.Object({ op: Type.Literal('move'), from: Pointer, path: Pointer }),
  Type.Object({ op: Type.Literal('copy'), from: Pointer, path: Pointer }),
  Type.Object({ op: Type.Literal('test'), path: Pointer, value: Type.Unknown() }),
]);
export type JsonPatchOperation = Static<typeof JsonPatchOperationSchema>;

/** A JSON Patch document. */
export const JsonPatchSchema = Type.Array(JsonPatchOperationSchema);
export type JsonPatch = Static<typeof JsonPatchSchema>;
