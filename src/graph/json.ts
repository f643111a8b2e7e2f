// SPDX-License-Identifier: Apache-2.0
// The §1.1 JSON form of nodes and edges: exact key order, null for unset times, and decoding of
// untrusted JSON into elements with clear errors.
import { InvalidArgumentError } from './errors.js';
import type { Edge, Metadata, Node } from './types.js';

/** Node JSON as Skydive emits it. */
export interface NodeJSON {
  ID: string;
  Metadata: Metadata;
  Host: string;
  Origin: string;
  CreatedAt: number | null;
  UpdatedAt: number | null;
  DeletedAt: number | null;
  Revision: number;
}

/** Edge JSON: node JSON plus Parent and Child. */
export interface EdgeJSON extends NodeJSON {
  Parent: string;
  Child: string;
}

/** A whole graph. */
export interface GraphJSON {
  Nodes: NodeJSON[];
  Edges: EdgeJSON[];
}

const time = (t: number | undefined): number | null => (t ? t : null);

export function nodeToJSON(n: Node): NodeJSON {
  return {
    ID: n.id,
    Metadata: n.metadata,
    Host: n.host,
    Origin: n.origin,
    CreatedAt: time(n.createdAt),
    UpdatedAt: time(n.updatedAt),
    DeletedAt: time(n.deletedAt),
    Revision: n.revision,
  };
}

export function edgeToJSON(e: Edge): EdgeJSON {
  return {
    ID: e.id,
    Metadata: e.metadata,
    Host: e.host,
    Origin: e.origin,
    CreatedAt: time(e.createdAt),
    UpdatedAt: time(e.updatedAt),
    DeletedAt: time(e.deletedAt),
    Revision: e.revision,
    Parent: e.parent,
    Child: e.child,
  };
}

/** Fields decoded from element JSON, ready for Graph.newNode/newEdge. */
export interface DecodedElement {
  id: string;
  metadata: Metadata;
  host: string | undefined;
  origin: string | undefined;
  createdAt: number | undefined;
  updatedAt: number | undefined;
  deletedAt: number | undefined;
  revision: number | undefined;
}

export interface DecodedEdge extends DecodedElement {
  parent: string;
  child: string;
}

function fail(what: string, msg: string): never {
  throw new InvalidArgumentError(`SKY_ERR_INVALID_${what.toUpperCase()}`, `${what}: ${msg}`);
}

function optString(what: string, o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(what, `${k} must be a string`);
  return v;
}

function optTime(what: string, o: Record<string, unknown>, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null || v === 0) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(what, `${k} must be an integer (ms) or null`);
  return Math.trunc(v);
}

function decodeBase(what: string, json: unknown): DecodedElement {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    fail(what, 'must be an object');
  const o = json as Record<string, unknown>;
  const id = o['ID'];
  if (typeof id !== 'string' || id === '') fail(what, 'ID must be a non-empty string');
  const md = o['Metadata'] ?? {};
  if (md === null || typeof md !== 'object' || Array.isArray(md))
    fail(what, 'Metadata must be an object');
  const rev = o['Revision'];
  if (rev !== undefined && rev !== null && (typeof rev !== 'number' || !Number.isInteger(rev)))
    fail(what, 'Revision must be an integer');
  return {
    id,
    metadata: md as Metadata,
    host: optString(what, o, 'Host'),
    origin: optString(what, o, 'Origin'),
    createdAt: optTime(what, o, 'CreatedAt'),
    updatedAt: optTime(what, o, 'UpdatedAt'),
    deletedAt: optTime(what, o, 'DeletedAt'),
    revision: typeof rev === 'number' ? rev : undefined,
  };
}

/** Decodes untrusted node JSON (shape only; schema rules live in protocol/). */
export function decodeNode(json: unknown): DecodedElement {
  return decodeBase('node', json);
}

/** Decodes untrusted edge JSON; Parent and Child are required. */
export function decodeEdge(json: unknown): DecodedEdge {
  const base = decodeBase('edge', json);
  const o = json as Record<string, unknown>;
  const parent = o['Parent'];
  const child = o['Child'];
  if (typeof parent !== 'string' || parent === '')
    fail('edge', 'Parent must be a non-empty string');
  if (typeof child !== 'string' || child === '') fail('edge', 'Child must be a non-empty string');
  // Listed field by field: an object spread is several times slower on this hot path.
  return {
    id: base.id,
    metadata: base.metadata,
    host: base.host,
    origin: base.origin,
    createdAt: base.createdAt,
    updatedAt: base.updatedAt,
    deletedAt: base.deletedAt,
    revision: base.revision,
    parent,
    child,
  };
}
