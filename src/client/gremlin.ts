// SPDX-License-Identifier: Apache-2.0
// A typed builder of Skydive Gremlin query strings (§4): `G.V().Has('Type', 'veth').Out()`. One
// class per input kind, so V() offers Out/In/Has and E() offers InV/OutV; values are quoted safely.

import { ClientError } from './errors.js';

/** A bare token of the dialect: a predicate call, `ASC`, `NOW`… printed as is. */
export class Token {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A value a step or predicate accepts. */
export type GremlinValue = string | number | boolean | Token;

/**
 * Quotes a string for the dialect. Skydive's scanner has no escapes and ends a string at the first
 * quote of either kind, so the quote is one the string does not contain; a string with both kinds
 * cannot be written and throws ClientError SKY_ERR_CLIENT_USAGE.
 *
 * @example
 * quote("it's") // "\"it's\""
 */
export function quote(s: string): string {
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  throw new ClientError(
    'SKY_ERR_CLIENT_USAGE',
    `a Gremlin string cannot contain both quote kinds: ${JSON.stringify(s)}`,
  );
}

/** Prints one value: strings quoted, non-negative numbers and booleans bare, tokens as is. */
export function formatValue(v: GremlinValue): string {
  if (v instanceof Token) return v.text;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v) || v < 0) {
    // the scanner reads digits and '.', with no sign nor exponent
    throw new ClientError('SKY_ERR_CLIENT_USAGE', `Gremlin numbers must be ≥ 0 and finite: ${v}`);
  }
  const text = String(v);
  if (/e/i.test(text)) {
    throw new ClientError('SKY_ERR_CLIENT_USAGE', `Gremlin numbers cannot use exponents: ${text}`);
  }
  return text;
}

function call(name: string, args: readonly GremlinValue[]): string {
  return `${name}(${args.map(formatValue).join(', ')})`;
}

const pred =
  (name: string) =>
  (...args: GremlinValue[]): Token =>
    new Token(call(name, args));

/** `NE(v)`: key present and different. */
export const NE = pred('NE');
/** `NEE(v)`: different, or key absent. */
export const NEE = pred('NEE');
/** `LT(n)`. */
export const LT = pred('LT');
/** `GT(n)`. */
export const GT = pred('GT');
/** `LTE(n)`. */
export const LTE = pred('LTE');
/** `GTE(n)`. */
export const GTE = pred('GTE');
/** `Inside(a, b)`: a < x < b. */
export const Inside = pred('Inside');
/** `Between(a, b)`: a ≤ x < b. */
export const Between = pred('Between');
/** `Within(v1, v2…)`: equals any. */
export const Within = pred('Within');
/** `Without(v1, v2…)`: equals none. */
export const Without = pred('Without');
/** `Regex('re')`: implicitly anchored RE2. */
export const Regex = pred('Regex');
/** `Ipv4Range('10.0.0.0/8')`. */
export const Ipv4Range = pred('Ipv4Range');
/** `Metadata(k, v, …)`: a key/value map argument of ShortestPathTo. */
export const Metadata = pred('Metadata');
/** Sort orders and time constants. */
export const ASC = new Token('ASC');
export const DESC = new Token('DESC');
export const NOW = new Token('NOW');
export const FOREVER = new Token('FOREVER');

function checkPairs(step: string, args: readonly GremlinValue[]): void {
  if (args.length > 1 && args.length % 2 !== 0) {
    throw new ClientError('SKY_ERR_CLIENT_USAGE', `${step}() takes a key or key/value pairs`);
  }
}

type QueryClass<Q> = new (text: string) => Q;

/** Any query; `toString()` gives the text to send. */
export class Query {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  protected to<Q>(C: QueryClass<Q>, name: string, args: readonly GremlinValue[] = []): Q {
    return new C(`${this.text}.${call(name, args)}`);
  }
  protected same(name: string, args: readonly GremlinValue[] = []): this {
    return this.to(this.constructor as QueryClass<this>, name, args);
  }
}

/** A query ending in plain values (`Values`, `Keys`, `ValueMap`, `Count`, `NextHop`…). */
export class ValuesQuery extends Query {
  Has(...args: GremlinValue[]): this {
    checkPairs('Has', args);
    return this.same('Has', args);
  }
  Dedup(): this {
    return this.same('Dedup');
  }
  Count(): ValuesQuery {
    return this.to(ValuesQuery, 'Count');
  }
}

/** Steps shared by nodes, edges and flows: filters, pagination, counting. */
abstract class ElementsQuery extends Query {
  /** `Has(k)` (key exists) or `Has(k, v, k2, v2…)`, values may be predicates. */
  Has(...args: GremlinValue[]): this {
    checkPairs('Has', args);
    return this.same('Has', args);
  }
  HasKey(key: string): this {
    return this.same('HasKey', [key]);
  }
  HasNot(key: string): this {
    return this.same('HasNot', [key]);
  }
  HasEither(...args: GremlinValue[]): this {
    checkPairs('HasEither', args);
    return this.same('HasEither', args);
  }
  Dedup(...keys: string[]): this {
    return this.same('Dedup', keys);
  }
  Limit(n: number): this {
    return this.same('Limit', [n]);
  }
  Range(from: number, to: number): this {
    return this.same('Range', [from, to]);
  }
  /** `Sort()`, `Sort(key)` or `Sort(ASC|DESC, key)`. */
  Sort(...args: GremlinValue[]): this {
    return this.same('Sort', args);
  }
  Count(): ValuesQuery {
    return this.to(ValuesQuery, 'Count');
  }
  Values(key: string): ValuesQuery {
    return this.to(ValuesQuery, 'Values', [key]);
  }
  Keys(): ValuesQuery {
    return this.to(ValuesQuery, 'Keys');
  }
  Sum(key?: string): ValuesQuery {
    return this.to(ValuesQuery, 'Sum', key === undefined ? [] : [key]);
  }
}

/** A query ending in a graph (`G`, `Context()`, `SubGraph()`). */
export class GraphQuery extends Query {
  /** All nodes, or one by ID. */
  V(id?: string): NodesQuery {
    return this.to(NodesQuery, 'V', id === undefined ? [] : [id]);
  }
  /** All edges, or one by ID. */
  E(id?: string): EdgesQuery {
    return this.to(EdgesQuery, 'E', id === undefined ? [] : [id]);
  }
  /** The graph at a time (ms, Unix seconds, `'-1m'`, a Date or NOW), optionally over a duration. */
  Context(at: GremlinValue | Date, duration?: GremlinValue): GraphQuery {
    const t = at instanceof Date ? at.getTime() : at;
    return this.to(GraphQuery, 'Context', duration === undefined ? [t] : [t, duration]);
  }
  /** Alias of Context. */
  At(at: GremlinValue | Date, duration?: GremlinValue): GraphQuery {
    const t = at instanceof Date ? at.getTime() : at;
    return this.to(GraphQuery, 'At', duration === undefined ? [t] : [t, duration]);
  }
  Flows(...args: GremlinValue[]): FlowsQuery {
    return this.to(FlowsQuery, 'Flows', args);
  }
}

/** A query ending in nodes. */
export class NodesQuery extends ElementsQuery {
  /** Children: nodes at the Child end of edges whose Parent is the node. */
  Out(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Out', filter);
  }
  /** Parents. */
  In(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'In', filter);
  }
  Both(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Both', filter);
  }
  OutE(...filter: GremlinValue[]): EdgesQuery {
    return this.to(EdgesQuery, 'OutE', filter);
  }
  InE(...filter: GremlinValue[]): EdgesQuery {
    return this.to(EdgesQuery, 'InE', filter);
  }
  BothE(...filter: GremlinValue[]): EdgesQuery {
    return this.to(EdgesQuery, 'BothE', filter);
  }
  ValueMap(...keys: string[]): ValuesQuery {
    return this.to(ValuesQuery, 'ValueMap', keys);
  }
  /** `ShortestPathTo(Metadata(k, v…)[, Metadata(edge k, v…)])`. */
  ShortestPathTo(target: Token, edgeFilter?: Token): PathsQuery {
    return this.to(PathsQuery, 'ShortestPathTo', edgeFilter ? [target, edgeFilter] : [target]);
  }
  SubGraph(...edgeFilter: GremlinValue[]): GraphQuery {
    return this.to(GraphQuery, 'SubGraph', edgeFilter);
  }
  As(name: string): NodesQuery {
    return this.to(NodesQuery, 'As', [name]);
  }
  Select(...names: string[]): NodesQuery {
    return this.to(NodesQuery, 'Select', names);
  }
  Descendants(...args: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Descendants', args);
  }
  Ascendants(...args: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Ascendants', args);
  }
  Neighbors(...args: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Neighbors', args);
  }
  Flows(...args: GremlinValue[]): FlowsQuery {
    return this.to(FlowsQuery, 'Flows', args);
  }
  Metrics(key?: string): MetricsQuery {
    return this.to(MetricsQuery, 'Metrics', key === undefined ? [] : [key]);
  }
  Sockets(): ValuesQuery {
    return this.to(ValuesQuery, 'Sockets');
  }
  NextHop(ip: string): ValuesQuery {
    return this.to(ValuesQuery, 'NextHop', [ip]);
  }
}

/** A query ending in edges. */
export class EdgesQuery extends ElementsQuery {
  /** The Child node of each edge (Skydive's naming, reversed from TinkerPop). */
  OutV(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'OutV', filter);
  }
  /** The Parent node of each edge. */
  InV(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'InV', filter);
  }
  BothV(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'BothV', filter);
  }
  SubGraph(...edgeFilter: GremlinValue[]): GraphQuery {
    return this.to(GraphQuery, 'SubGraph', edgeFilter);
  }
}

/** A query ending in paths (`ShortestPathTo`). */
export class PathsQuery extends Query {
  SubGraph(...edgeFilter: GremlinValue[]): GraphQuery {
    return this.to(GraphQuery, 'SubGraph', edgeFilter);
  }
  Flows(...args: GremlinValue[]): FlowsQuery {
    return this.to(FlowsQuery, 'Flows', args);
  }
}

/** A query ending in flows. */
export class FlowsQuery extends ElementsQuery {
  /** Capture node plus the nodes owning the flow's MACs. */
  Nodes(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Nodes', filter);
  }
  Hops(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Hops', filter);
  }
  CaptureNode(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'CaptureNode', filter);
  }
  Out(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Out', filter);
  }
  In(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'In', filter);
  }
  Both(...filter: GremlinValue[]): NodesQuery {
    return this.to(NodesQuery, 'Both', filter);
  }
  Metrics(key?: string): MetricsQuery {
    return this.to(MetricsQuery, 'Metrics', key === undefined ? [] : [key]);
  }
  RawPackets(): RawPacketsQuery {
    return this.to(RawPacketsQuery, 'RawPackets');
  }
  Sockets(): ValuesQuery {
    return this.to(ValuesQuery, 'Sockets');
  }
  Group(): ValuesQuery {
    return this.to(ValuesQuery, 'Group');
  }
}

/** A query ending in metrics. */
export class MetricsQuery extends Query {
  /** Aggregates over slices of `seconds` (default 30 s). */
  Aggregates(seconds?: number): ValuesQuery {
    return this.to(ValuesQuery, 'Aggregates', seconds === undefined ? [] : [seconds]);
  }
  Sum(key?: string): ValuesQuery {
    return this.to(ValuesQuery, 'Sum', key === undefined ? [] : [key]);
  }
  Count(): ValuesQuery {
    return this.to(ValuesQuery, 'Count');
  }
  Keys(): ValuesQuery {
    return this.to(ValuesQuery, 'Keys');
  }
}

/** A query ending in raw packets. */
export class RawPacketsQuery extends Query {
  BPF(filter: string): RawPacketsQuery {
    return this.to(RawPacketsQuery, 'BPF', [filter]);
  }
}

/**
 * The root of every query: the whole graph.
 *
 * @example
 * String(G.V().Has('Type', 'veth').Out()) // "G.V().Has('Type', 'veth').Out()"
 * String(G.V().Has('Name', Regex('eth.*')).Count()) // "G.V().Has('Name', Regex('eth.*')).Count()"
 */
export const G = new GraphQuery('G');
