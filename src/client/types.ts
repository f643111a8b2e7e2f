// SPDX-License-Identifier: Apache-2.0
// Wire shapes the client reads and writes (skydive-compat §1.1, §2.3, §3.3): graph and envelope
// types come from src/protocol; REST bodies protocol does not describe yet are declared here.

import type { EdgeJSON, NodeJSON } from '../protocol/messages.js';

export type { EdgeJSON, GraphJSON, NodeJSON } from '../protocol/messages.js';
export type { StructMessage } from '../protocol/ws-message.js';

/** `GET /api` (§3.2). */
export interface ApiInfo {
  Host: string;
  Version: string;
  Service: string;
}

/** Node rule (§3.3). */
export interface NodeRule {
  UUID?: string;
  Name?: string;
  Description?: string;
  Metadata: Record<string, unknown>;
  Action: string;
  Query?: string;
}

/** Edge rule (§3.3). */
export interface EdgeRule {
  UUID?: string;
  Name?: string;
  Description?: string;
  Src: string;
  Dst: string;
  Metadata: Record<string, unknown>;
}

/** An RFC 6902 JSON Patch operation, as `PATCH /api/<r>/<id>` takes them. */
export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** Resources served by the generic CRUD API and their JSON shapes. */
export interface ResourceMap {
  node: NodeJSON;
  edge: EdgeJSON;
  noderule: NodeRule;
  edgerule: EdgeRule;
  capture: Record<string, unknown>;
  alert: Record<string, unknown>;
  injectpacket: Record<string, unknown>;
  workflow: Record<string, unknown>;
}

/** Names of the generic CRUD resources (`/api/<name>`). */
export type ResourceName = keyof ResourceMap;
