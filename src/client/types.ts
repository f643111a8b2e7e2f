// SPDX-License-Identifier: Apache-2.0
// Wire shapes the client reads and writes (skydive-compat §1.1, §2.3, §3.3), all from src/protocol,
// plus the map from each generic CRUD resource name to its JSON shape.

import type { EdgeJSON, EdgeRule, NodeJSON, NodeRule } from '../protocol/index.js';
import type { Capture } from '../protocol/capture.js';

export type { Capture, CaptureMetadata } from '../protocol/capture.js';

/** What `POST /api/capture` takes: a query and any of the other capture fields (§3.3). */
export type CaptureRequest = Partial<Omit<Capture, 'UUID' | 'Count'>> & { GremlinQuery: string };

export type {
  APIInfo as ApiInfo,
  EdgeJSON,
  EdgeRule,
  GraphJSON,
  JsonPatchOperation as JsonPatchOp,
  LoginReply,
  NodeJSON,
  NodeRule,
  StructMessage,
  TopologyDiff,
  ChangedElement,
  MetadataChange,
  StorageStatus,
} from '../protocol/index.js';

/** Resources served by the generic CRUD API and their JSON shapes. */
export interface ResourceMap {
  node: NodeJSON;
  edge: EdgeJSON;
  noderule: NodeRule;
  edgerule: EdgeRule;
  capture: CaptureRequest & Partial<Capture>;
  alert: Record<string, unknown>;
  injectpacket: Record<string, unknown>;
  workflow: Record<string, unknown>;
}

/** Names of the generic CRUD resources (`/api/<name>`). */
export type ResourceName = keyof ResourceMap;
