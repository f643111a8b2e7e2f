// SPDX-License-Identifier: Apache-2.0
// REST bodies of history (ours, not Skydive's): the topology diff between two times
// (`GET /api/topology/diff`) and the `Storage` section of the analyzer's `/api/status`.

import { Type, type Static } from '@sinclair/typebox';

/** One metadata key that differs: `Old` is absent when the key appeared, `New` when it went. */
export const MetadataChangeSchema = Type.Object({
  Key: Type.String({ description: 'dotted metadata key, e.g. "MTU" or "IPV4.0"' }),
  Old: Type.Optional(Type.Unknown({ description: 'value at From (absent: the key was not set)' })),
  New: Type.Optional(Type.Unknown({ description: 'value at To (absent: the key was removed)' })),
});
export type MetadataChange = Static<typeof MetadataChangeSchema>;

/** An element present at both times whose metadata differs. */
export const ChangedElementSchema = Type.Object({
  ID: Type.String(),
  Name: Type.Optional(Type.String({ description: 'Metadata.Name at To, when it is a string' })),
  Type: Type.Optional(Type.String({ description: 'Metadata.Type at To, when it is a string' })),
  Parent: Type.Optional(Type.String({ description: 'edges only' })),
  Child: Type.Optional(Type.String({ description: 'edges only' })),
  Changes: Type.Array(MetadataChangeSchema),
});
export type ChangedElement = Static<typeof ChangedElementSchema>;

const Side = (what: string) =>
  Type.Object({
    Appeared: Type.Array(Type.Unknown(), { description: `${what} present at To, not at From` }),
    Disappeared: Type.Array(Type.Unknown(), { description: `${what} present at From, not at To` }),
    Changed: Type.Array(ChangedElementSchema, { description: `${what} whose metadata changed` }),
  });

/** `GET /api/topology/diff` body. Appeared/Disappeared hold Skydive element JSON (§1.1). */
export const TopologyDiffSchema = Type.Object({
  From: Type.Integer({ description: 'resolved From time, ms since the epoch' }),
  To: Type.Integer({ description: 'resolved To time, ms since the epoch' }),
  Live: Type.Boolean({ description: 'true when To is the live graph (no `to` given)' }),
  Nodes: Side('nodes'),
  Edges: Side('edges'),
});
export type TopologyDiff = Static<typeof TopologyDiffSchema>;

/** `Storage` section of the analyzer's `/api/status`: the history backend and its writer. */
export const StorageStatusSchema = Type.Object({
  Backend: Type.String({ description: 'memory, sqlite or postgres' }),
  Backlog: Type.Integer({ description: 'changes waiting to be written' }),
  Written: Type.Integer({ description: 'changes written since start' }),
  Dropped: Type.Integer({ description: 'changes dropped (backlog full) since start' }),
  Failures: Type.Integer({ description: 'failed write attempts since start' }),
  WriterRestarts: Type.Optional(
    Type.Integer({ description: 'SQLite: writer threads started again after one died' }),
  ),
  LastError: Type.Optional(Type.String({ description: 'the last write or retention error' })),
  Horizon: Type.Optional(
    Type.Integer({ description: 'earliest time history answers, ms since the epoch' }),
  ),
  Retention: Type.Object({
    MaxAge: Type.Optional(Type.Integer({ description: 'configured maximum age, ms' })),
    MaxBytes: Type.Optional(Type.Integer({ description: 'configured maximum data size, bytes' })),
    Runs: Type.Integer({ description: 'retention passes since start' }),
    Removed: Type.Integer({ description: 'revisions removed by retention since start' }),
    LastRun: Type.Optional(Type.String({ description: 'RFC 3339 time of the last pass' })),
  }),
});
export type StorageStatus = Static<typeof StorageStatusSchema>;
