// SPDX-License-Identifier: Apache-2.0
// Topology diff: what appeared, disappeared and changed (metadata key by key) between two graph
// views, optionally restricted to what a Gremlin query selects in each of them.
import { InvalidArgumentError } from '../../graph/errors.js';
import { deepEqual } from '../../graph/ops.js';
import type { Edge, GraphElement, GraphView, Metadata, Node } from '../../graph/types.js';
import type { GremlinEngine, Query, QueryLimits } from '../../gremlin/index.js';
import {
  edgeToJSON,
  nodeToJSON,
  type ChangedElement,
  type MetadataChange,
  type TopologyDiff,
} from '../../protocol/index.js';

/** Code of a diff filter whose result holds no nodes or edges (a count, values…). */
export const ERR_DIFF_FILTER = 'SKY_ERR_DIFF_FILTER';

/** The elements one side of a diff compares. */
export interface ElementSets {
  nodes: ReadonlyMap<string, Node>;
  edges: ReadonlyMap<string, Edge>;
}

/** Every element of a view. */
export function viewElements(view: GraphView): ElementSets {
  const nodes = new Map<string, Node>();
  const edges = new Map<string, Edge>();
  for (const n of view.nodes()) nodes.set(n.id, n);
  for (const e of view.edges()) edges.set(e.id, e);
  return { nodes, edges };
}

/**
 * The elements `query` returns on `view`: a graph result gives its nodes and edges, a node or edge
 * list (or paths) gives those elements only.
 * @throws InvalidArgumentError SKY_ERR_DIFF_FILTER for results that hold no element.
 */
export async function selectElements(
  engine: GremlinEngine,
  query: Query | string,
  view: GraphView,
  limits?: QueryLimits,
): Promise<ElementSets> {
  const r = await engine.execute(query, view, limits ? { limits } : undefined);
  const nodes = new Map<string, Node>();
  const edges = new Map<string, Edge>();
  switch (r.kind) {
    case 'graph':
      return viewElements(r.view);
    case 'nodes':
      for (const n of r.nodes) nodes.set(n.id, n);
      break;
    case 'paths':
      for (const p of r.paths) for (const n of p) nodes.set(n.id, n);
      break;
    case 'edges':
      for (const e of r.edges) edges.set(e.id, e);
      break;
    default:
      throw new InvalidArgumentError(
        ERR_DIFF_FILTER,
        `diff filter '${typeof query === 'string' ? query : query.text}' returns ${r.kind === 'custom' ? r.type : r.kind}, not a graph, nodes or edges`,
      );
  }
  return { nodes, edges };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when `key` is `prefix` or lies under it (`Statistics` covers `Statistics.RxBytes`). */
function ignored(key: string, ignore: readonly string[]): boolean {
  return ignore.some((p) => key === p || key.startsWith(`${p}.`));
}

/**
 * Metadata keys that differ, as dotted paths down to the first non-object value (arrays are values).
 * Keys under an `ignore` prefix are skipped.
 */
export function metadataChanges(
  before: Metadata,
  after: Metadata,
  ignore: readonly string[] = [],
): MetadataChange[] {
  const out: MetadataChange[] = [];
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>, prefix: string): void => {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const key = prefix + k;
      if (ignored(key, ignore)) continue;
      const has = [Object.hasOwn(a, k), Object.hasOwn(b, k)];
      const [va, vb] = [a[k], b[k]];
      if (has[0] && has[1] && isPlainObject(va) && isPlainObject(vb)) {
        walk(va, vb, `${key}.`);
        continue;
      }
      if (has[0] && has[1] && deepEqual(va, vb)) continue;
      const c: { Key: string; Old?: unknown; New?: unknown } = { Key: key };
      if (has[0]) c.Old = va;
      if (has[1]) c.New = vb;
      out.push(c);
    }
  };
  walk(before, after, '');
  return out;
}

function changed(el: GraphElement, changes: MetadataChange[]): ChangedElement {
  const c: ChangedElement = { ID: el.id, Changes: changes };
  const { Name, Type } = el.metadata;
  if (typeof Name === 'string') c.Name = Name;
  if (typeof Type === 'string') c.Type = Type;
  if (el.kind === 'edge') {
    c.Parent = el.parent;
    c.Child = el.child;
  }
  return c;
}

function diffSide<T extends GraphElement>(
  from: ReadonlyMap<string, T>,
  to: ReadonlyMap<string, T>,
  json: (el: T) => unknown,
  ignore: readonly string[],
): TopologyDiff['Nodes'] {
  const side: TopologyDiff['Nodes'] = { Appeared: [], Disappeared: [], Changed: [] };
  for (const [id, el] of to) {
    const old = from.get(id);
    if (old === undefined) side.Appeared.push(json(el));
    else {
      const changes = metadataChanges(old.metadata, el.metadata, ignore);
      if (changes.length > 0) side.Changed.push(changed(el, changes));
    }
  }
  for (const [id, el] of from) if (!to.has(id)) side.Disappeared.push(json(el));
  return side;
}

/** What happened between two element sets; lists are in the order of the sets (IDs). */
export function diffElements(
  from: ElementSets,
  to: ElementSets,
  times: { from: number; to: number; live: boolean },
  ignore: readonly string[] = [],
): TopologyDiff {
  return {
    From: times.from,
    To: times.to,
    Live: times.live,
    Nodes: diffSide(from.nodes, to.nodes, nodeToJSON, ignore),
    Edges: diffSide(from.edges, to.edges, edgeToJSON, ignore),
  };
}
