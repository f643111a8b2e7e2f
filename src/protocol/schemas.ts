// SPDX-License-Identifier: Apache-2.0
// JSON schemas of nodes and edges as Skydive enforces them on /ws/publisher and the REST API
// (statics/schemas/node.schema, edge.schema; skydive-compat §1.6, §1.7), plus validators that
// return normalised NodeJSON/EdgeJSON and name the failing path.

import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { InvalidArgumentError } from '../graph/errors.js';
import type { EdgeJSON, GraphJSON, NodeJSON } from './messages.js';
import { describe } from './describe.js';

export const ERR_INVALID_NODE = 'SKY_ERR_INVALID_NODE';
export const ERR_INVALID_EDGE = 'SKY_ERR_INVALID_EDGE';

const NonEmpty = Type.String({ minLength: 1 });
const Timestamp = Type.Union([Type.Integer(), Type.Null()], {
  description: 'milliseconds since the epoch, null when unset',
});
const NullableString = Type.Union([Type.String(), Type.Null()]);

/** Header fields shared by nodes and edges; unknown top-level keys are ignored. */
const elementHeader = {
  ID: Type.String({ minLength: 1, description: 'element identifier' }),
  Host: Type.Optional(NullableString),
  Origin: Type.Optional(NullableString),
  CreatedAt: Type.Optional(Timestamp),
  UpdatedAt: Type.Optional(Timestamp),
  DeletedAt: Type.Optional(Timestamp),
  Revision: Type.Optional(Type.Integer()),
};

/** Node metadata: Type and Name non-empty; `netns` also needs Path, `ovsport` also needs UUID. */
export const NodeMetadataSchema = Type.Union(
  [
    Type.Object(
      {
        Type: Type.Intersect([
          NonEmpty,
          Type.Not(Type.Union([Type.Literal('netns'), Type.Literal('ovsport')])),
        ]),
        Name: NonEmpty,
      },
      { additionalProperties: true },
    ),
    Type.Object(
      { Type: Type.Literal('netns'), Name: NonEmpty, Path: Type.String() },
      { additionalProperties: true },
    ),
    Type.Object(
      { Type: Type.Literal('ovsport'), Name: NonEmpty, UUID: Type.String() },
      { additionalProperties: true },
    ),
  ],
  { description: 'free-form metadata; Type and Name required' },
);

/** A node as accepted from clients (REST body, publisher message). */
export const NodeSchema = Type.Object(
  { ...elementHeader, Metadata: NodeMetadataSchema },
  { additionalProperties: true },
);

/** Edge metadata: RelationType non-empty. */
export const EdgeMetadataSchema = Type.Object(
  { RelationType: NonEmpty },
  { additionalProperties: true, description: 'free-form metadata; RelationType required' },
);

/** An edge as accepted from clients. */
export const EdgeSchema = Type.Object(
  {
    ...elementHeader,
    Metadata: EdgeMetadataSchema,
    Parent: Type.String({ minLength: 1, description: 'parent node ID' }),
    Child: Type.String({ minLength: 1, description: 'child node ID' }),
  },
  { additionalProperties: true },
);

/** A whole graph; `null` lists are accepted on input. */
export const GraphSchema = Type.Object(
  {
    Nodes: Type.Union([Type.Array(NodeSchema), Type.Null()]),
    Edges: Type.Union([Type.Array(EdgeSchema), Type.Null()]),
  },
  { additionalProperties: true },
);

export type NodeInput = Static<typeof NodeSchema>;
export type EdgeInput = Static<typeof EdgeSchema>;

const nodeCheck = TypeCompiler.Compile(NodeSchema);
const edgeCheck = TypeCompiler.Compile(EdgeSchema);

/** A node or edge that breaks the schema; `path` is the failing key path, e.g. `Metadata.Name`. */
export class ElementValidationError extends InvalidArgumentError {
  readonly path: string;
  constructor(code: string, what: string, path: string, why: string) {
    super(code, `invalid ${what}: ${path}: ${why}`);
    this.path = path;
  }
}

/** Options of the validators. */
export interface ValidateOptions {
  /** Fill missing/null/0 CreatedAt and UpdatedAt with this time (ms), as Skydive's decoder does. */
  now?: number;
  /** Prefix of the reported path (e.g. `Nodes[3]`). */
  path?: string;
}

type Obj = Record<string, unknown>;
type Problem = [path: string, why: string];

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const got = (o: Obj, k: string): string => (k in o ? `, got ${describe(o[k])}` : '');

function headerProblem(o: Obj): Problem | undefined {
  if (!nonEmpty(o['ID'])) return ['ID', `must be a non-empty string${got(o, 'ID')}`];
  for (const k of ['Host', 'Origin']) {
    const v = o[k];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return [k, `must be a string or null${got(o, k)}`];
    }
  }
  for (const k of ['CreatedAt', 'UpdatedAt', 'DeletedAt']) {
    const v = o[k];
    if (v !== undefined && v !== null && !Number.isInteger(v)) {
      return [k, `must be an integer or null${got(o, k)}`];
    }
  }
  if (o['Revision'] !== undefined && !Number.isInteger(o['Revision'])) {
    return ['Revision', `must be an integer${got(o, 'Revision')}`];
  }
  if (!isObj(o['Metadata'])) return ['Metadata', `must be an object${got(o, 'Metadata')}`];
  return undefined;
}

function nodeProblem(v: unknown): Problem | undefined {
  if (!isObj(v)) return ['(root)', `must be an object, got ${describe(v)}`];
  const header = headerProblem(v);
  if (header) return header;
  const md = v['Metadata'] as Obj;
  for (const k of ['Type', 'Name']) {
    if (!nonEmpty(md[k])) return [`Metadata.${k}`, `must be a non-empty string${got(md, k)}`];
  }
  const extra = md['Type'] === 'netns' ? 'Path' : md['Type'] === 'ovsport' ? 'UUID' : undefined;
  if (extra !== undefined && typeof md[extra] !== 'string') {
    return [
      `Metadata.${extra}`,
      `must be a string for Type ${JSON.stringify(md['Type'])}${got(md, extra)}`,
    ];
  }
  return undefined;
}

function edgeProblem(v: unknown): Problem | undefined {
  if (!isObj(v)) return ['(root)', `must be an object, got ${describe(v)}`];
  const header = headerProblem(v);
  if (header) return header;
  for (const k of ['Parent', 'Child']) {
    if (!nonEmpty(v[k])) return [k, `must be a non-empty string${got(v, k)}`];
  }
  const md = v['Metadata'] as Obj;
  if (!nonEmpty(md['RelationType'])) {
    return ['Metadata.RelationType', `must be a non-empty string${got(md, 'RelationType')}`];
  }
  return undefined;
}

function fail(
  code: string,
  what: string,
  check: { Errors(v: unknown): Iterable<{ path: string; message: string }> },
  problem: Problem | undefined,
  value: unknown,
  prefix: string | undefined,
): never {
  let [path, why] = problem ?? ['(root)', 'does not match the schema'];
  if (!problem) {
    // Defensive: the compiled schema found a problem our explicit rules did not describe.
    for (const e of check.Errors(value)) {
      path = e.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
      why = e.message;
      break;
    }
  }
  const full = prefix ? (path === '(root)' ? prefix : `${prefix}.${path}`) : path;
  throw new ElementValidationError(code, what, full, why);
}

function time(v: unknown, now: number | undefined): number | null {
  if (typeof v === 'number' && v !== 0) return v;
  return now ?? null;
}

function header(o: Obj, now: number | undefined): NodeJSON {
  return {
    ID: o['ID'] as string,
    Metadata: o['Metadata'] as Obj,
    Host: typeof o['Host'] === 'string' ? o['Host'] : '',
    Origin: typeof o['Origin'] === 'string' ? o['Origin'] : '',
    CreatedAt: time(o['CreatedAt'], now),
    UpdatedAt: time(o['UpdatedAt'], now),
    DeletedAt: time(o['DeletedAt'], undefined),
    Revision: typeof o['Revision'] === 'number' ? o['Revision'] : 0,
  };
}

/**
 * Checks a node against Skydive's node schema and returns it normalised (all keys present, Host
 * and Origin `''` when missing). Unknown top-level keys are dropped.
 * @throws ElementValidationError (an InvalidArgumentError, code SKY_ERR_INVALID_NODE), e.g.
 *   `invalid node: Metadata.Name: must be a non-empty string`.
 */
export function validateNode(json: unknown, opts: ValidateOptions = {}): NodeJSON {
  if (!nodeCheck.Check(json)) {
    fail(ERR_INVALID_NODE, 'node', nodeCheck, nodeProblem(json), json, opts.path);
  }
  return header(json as Obj, opts.now);
}

/** validateNode without the normalised copy: for callers that decode the element themselves. */
export function checkNode(json: unknown, opts: ValidateOptions = {}): void {
  if (!nodeCheck.Check(json)) {
    fail(ERR_INVALID_NODE, 'node', nodeCheck, nodeProblem(json), json, opts.path);
  }
}

/** validateEdge without the normalised copy: for callers that decode the element themselves. */
export function checkEdge(json: unknown, opts: ValidateOptions = {}): void {
  if (!edgeCheck.Check(json)) {
    fail(ERR_INVALID_EDGE, 'edge', edgeCheck, edgeProblem(json), json, opts.path);
  }
}

/**
 * Checks an edge against Skydive's edge schema and returns it normalised.
 * @throws ElementValidationError (code SKY_ERR_INVALID_EDGE).
 */
export function validateEdge(json: unknown, opts: ValidateOptions = {}): EdgeJSON {
  if (!edgeCheck.Check(json)) {
    fail(ERR_INVALID_EDGE, 'edge', edgeCheck, edgeProblem(json), json, opts.path);
  }
  // The header plus two fields set in place: an object spread here costs more than the whole
  // schema check.
  const o = json as Obj;
  const edge = header(o, opts.now) as EdgeJSON;
  edge.Parent = o['Parent'] as string;
  edge.Child = o['Child'] as string;
  return edge;
}

/**
 * Checks a whole graph (`Sync` payload, import file); `null` lists become `[]`. Paths are reported
 * as `Nodes[i].…` / `Edges[i].…`.
 * @throws ElementValidationError (SKY_ERR_INVALID_NODE or SKY_ERR_INVALID_EDGE).
 */
export function validateGraph(json: unknown, opts: { now?: number } = {}): GraphJSON {
  if (!isObj(json)) {
    throw new ElementValidationError(ERR_INVALID_NODE, 'graph', '(root)', 'must be an object');
  }
  const list = (key: 'Nodes' | 'Edges', code: string): unknown[] => {
    const v = json[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      throw new ElementValidationError(
        code,
        'graph',
        key,
        `must be an array or null${got(json, key)}`,
      );
    }
    return v;
  };
  const withNow = opts.now === undefined ? {} : { now: opts.now };
  return {
    Nodes: list('Nodes', ERR_INVALID_NODE).map((n, i) =>
      validateNode(n, { ...withNow, path: `Nodes[${i}]` }),
    ),
    Edges: list('Edges', ERR_INVALID_EDGE).map((e, i) =>
      validateEdge(e, { ...withNow, path: `Edges[${i}]` }),
    ),
  };
}
