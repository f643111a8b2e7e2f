// SPDX-License-Identifier: Apache-2.0
// Skydive filters (graffiti filters.Filter, skydive-compat §5.7) over flows: a checked form every
// user shares (flow stores, the agent's live table queries, SQL translation) and its evaluation.
import { InvalidArgumentError } from '../../graph/errors.js';

import type { FlowFilter } from '../../protocol/flow-search.js';

export type { FlowFilter };

/**
 * Skydive's protocol aliases of flow fields (skydive-compat §5.1): the one table Gremlin's flow
 * steps and filters.Filter evaluation share. Looked up by the key's first segment, upper-cased.
 */
const ALIASES: Readonly<Record<string, string>> = {
  ETHERNET: 'Link',
  IPV4: 'Network',
  IPV6: 'Network',
  TCP: 'Transport',
  UDP: 'Transport',
  SCTP: 'Transport',
  ICMPV4: 'ICMP',
  ICMPV6: 'ICMP',
};

/** The key with a protocol alias (`IPV4.A`, `icmpv6.Type`…) replaced by the flow field it names. */
export function canonicalKey(key: string): string {
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  const alias = ALIASES[head.toUpperCase()];
  return alias === undefined ? key : alias + (dot < 0 ? '' : key.slice(dot));
}

/** A comparison of a key with a value; keys are dotted paths with aliases resolved. */
export type FilterLeaf =
  | { op: 'eq'; key: string; value: string | number | boolean }
  | { op: 'gt' | 'lt' | 'gte' | 'lte'; key: string; value: number }
  | { op: 'regex'; key: string; value: string; re: RegExp }
  | { op: 'null'; key: string }
  | { op: 'ipv4'; key: string; value: string; lo: number; hi: number };

/** A checked filter. */
export type FilterNode = FilterLeaf | { op: 'and' | 'or' | 'not'; filters: FilterNode[] };

/** Flow root keys whose value is a string that Skydive reads as "" when absent. */
export const ROOT_STRINGS = new Set([
  'UUID',
  'LayersPath',
  'TrackingID',
  'L3TrackingID',
  'ParentUUID',
  'NodeTID',
  'Application',
  'CaptureID',
]);

const SEGMENT = /^[A-Za-z0-9_]+$/;
const OPS: Record<string, 'or' | 'and' | 'not'> = {
  '0': 'or',
  '1': 'and',
  '2': 'not',
  OR: 'or',
  AND: 'and',
  NOT: 'not',
};

const bad = (path: string, what: string): InvalidArgumentError =>
  new InvalidArgumentError('SKY_ERR_INVALID_FILTER', `invalid flow filter at ${path}: ${what}`);

/** The canonical form of a dotted key (layer aliases resolved); throws on a malformed key. */
export function normalizeKey(key: unknown, path = 'Key'): string {
  if (typeof key !== 'string' || key === '') throw bad(path, 'the key must be a non-empty string');
  const segs = key.split('.');
  if (!segs.every((s) => SEGMENT.test(s)))
    throw bad(path, `'${key}' is not a dotted key of letters, digits and _`);
  return canonicalKey(segs.join('.'));
}

function int64(v: unknown, path: string): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(path, 'Value must be an integer');
  return n;
}

function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

function cidr(v: unknown, path: string): { lo: number; hi: number } {
  const [ip, bits] = typeof v === 'string' ? v.split('/') : [];
  const base = ip === undefined ? undefined : parseIPv4(ip);
  const len = bits === undefined ? 32 : Number(bits);
  if (base === undefined || !Number.isInteger(len) || len < 0 || len > 32)
    throw bad(path, `'${String(v)}' is not an IPv4 CIDR such as 10.0.0.0/8`);
  const size = 2 ** (32 - len);
  const lo = Math.floor(base / size) * size;
  return { lo, hi: lo + size - 1 };
}

/**
 * Checks a filter and returns its canonical form.
 * @throws InvalidArgumentError SKY_ERR_INVALID_FILTER naming the offending path.
 */
export function checkFilter(f: unknown, path = 'Filter'): FilterNode {
  if (f === null || typeof f !== 'object' || Array.isArray(f))
    throw bad(path, 'expected an object');
  const set = Object.entries(f as Record<string, unknown>).filter(([, v]) => v != null);
  if (set.length === 0) return { op: 'and', filters: [] }; // an empty filter matches everything
  if (set.length > 1) throw bad(path, `several filters in one: ${set.map(([k]) => k).join(', ')}`);
  const [name, body] = set[0] as [string, Record<string, unknown>];
  const at = `${path}.${name}`;
  if (typeof body !== 'object') throw bad(at, 'expected an object');
  if (name === 'BoolFilter') {
    const op = OPS[String(body['Op'] ?? 0).toUpperCase()];
    if (!op) throw bad(`${at}.Op`, `unknown operator ${String(body['Op'])}`);
    const subs = body['Filters'] ?? [];
    if (!Array.isArray(subs)) throw bad(`${at}.Filters`, 'expected a list');
    return { op, filters: subs.map((s, i) => checkFilter(s, `${at}.Filters[${i}]`)) };
  }
  const key = normalizeKey(body['Key'], `${at}.Key`);
  const value = body['Value'];
  switch (name) {
    case 'TermStringFilter':
      if (typeof value !== 'string') throw bad(`${at}.Value`, 'expected a string');
      return { op: 'eq', key, value };
    case 'TermBoolFilter':
      if (typeof value !== 'boolean') throw bad(`${at}.Value`, 'expected a boolean');
      return { op: 'eq', key, value };
    case 'TermInt64Filter':
      return { op: 'eq', key, value: int64(value, `${at}.Value`) };
    case 'GtInt64Filter':
    case 'LtInt64Filter':
    case 'GteInt64Filter':
    case 'LteInt64Filter': {
      const op = name.slice(0, name.indexOf('Int64')).toLowerCase() as 'gt' | 'lt' | 'gte' | 'lte';
      return { op, key, value: int64(value, `${at}.Value`) };
    }
    case 'RegexFilter': {
      if (typeof value !== 'string') throw bad(`${at}.Value`, 'expected a string');
      try {
        return { op: 'regex', key, value, re: new RegExp(value) };
      } catch (err) {
        throw bad(`${at}.Value`, (err as Error).message);
      }
    }
    case 'NullFilter':
      return { op: 'null', key };
    case 'IPV4RangeFilter':
      if (typeof value !== 'string') throw bad(`${at}.Value`, 'expected a string');
      return { op: 'ipv4', key, value, ...cidr(value, `${at}.Value`) };
    default:
      throw bad(at, `unknown filter ${name}`);
  }
}

const zeroes = (keys: string[], zero: string | number): Record<string, string | number> =>
  Object.fromEntries(keys.map((k) => [k, zero]));
const METRIC = ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes', 'Start', 'Last', 'RTT'];

/**
 * Fields of the flow's sub-messages that the JSON leaves out when zero and that Skydive's getters
 * (flow.pb_gendecoder.go) read as 0 or "" whenever the sub-message itself is there; the enums
 * (Protocol, ICMP.Type) are always written.
 */
const SUB_ZEROES: Readonly<Record<string, Readonly<Record<string, string | number>>>> = {
  Link: { A: '', B: '', ID: 0 },
  Network: { A: '', B: '', ID: 0 },
  Transport: zeroes(['A', 'B', 'ID'], 0),
  ICMP: zeroes(['Code', 'ID'], 0),
  Metric: zeroes(METRIC, 0),
  LastUpdateMetric: zeroes(METRIC, 0),
  IPMetric: zeroes(['Fragments', 'FragmentErrors'], 0),
  TCPMetric: zeroes(
    ['AB', 'BA'].flatMap((d) =>
      [
        'SynStart',
        'SynTTL',
        'FinStart',
        'RstStart',
        'SegmentOutOfOrder',
        'SegmentSkipped',
        'SegmentSkippedBytes',
        'Packets',
        'Bytes',
        'SawStart',
        'SawEnd',
      ].map((f) => d + f),
    ),
    0,
  ),
};

/** Flow root keys whose value is an integer that Skydive reads as 0 when absent. */
const ROOT_INTS = new Set(['Start', 'Last', 'RawPacketsCaptured']);

/**
 * The value Skydive reads for a key the flow's JSON leaves out: "" or 0 for root strings and
 * integers, and for the fields of a sub-message present in `flow`; undefined otherwise.
 */
function zeroOf(flow: object, key: string): string | number | undefined {
  if (ROOT_STRINGS.has(key)) return '';
  if (ROOT_INTS.has(key)) return 0;
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const zero = SUB_ZEROES[key.slice(0, dot)]?.[key.slice(dot + 1)];
  if (zero === undefined) return undefined;
  const parent = (flow as Record<string, unknown>)[key.slice(0, dot)];
  return parent !== null && typeof parent === 'object' ? zero : undefined;
}

/**
 * True when `f` compares a key that may read as a zero value the flow's JSON leaves out (see
 * filterField) and that zero value would match (or `f` is a null test on such a key): a store that
 * compares stored JSON must leave it to evalFilter.
 */
export function matchesOmittedZero(f: FilterLeaf): boolean {
  let zero: string | number | undefined;
  if (ROOT_STRINGS.has(f.key)) zero = '';
  else if (ROOT_INTS.has(f.key)) zero = 0;
  else {
    const dot = f.key.indexOf('.');
    zero = dot < 0 ? undefined : SUB_ZEROES[f.key.slice(0, dot)]?.[f.key.slice(dot + 1)];
  }
  return zero !== undefined && (f.op === 'null' || leafMatches(f, zero));
}

/**
 * The value of a dotted key in a flow as Skydive's getters read it: a field the JSON leaves out
 * when zero reads as "" or 0 (root strings and integers; fields of a sub-message that is there,
 * such as ICMP.Code), anything else absent is undefined.
 */
export function filterField(flow: object, key: string): unknown {
  let cur: unknown = flow;
  for (const seg of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) {
      cur = undefined;
      break;
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur === undefined || cur === null ? (zeroOf(flow, key) ?? cur) : cur;
}

/** True when `s` is a dotted-quad IPv4 address in [lo, hi]. */
export function ipv4InRange(s: string, lo: number, hi: number): boolean {
  const n = parseIPv4(s);
  return n !== undefined && n >= lo && n <= hi;
}

/** Evaluates one comparison on the value its key reads. */
function leafMatches(f: FilterLeaf, v: unknown): boolean {
  switch (f.op) {
    case 'null':
      return v === undefined || v === null;
    case 'eq':
      return typeof v === typeof f.value && v === f.value;
    case 'gt':
      return typeof v === 'number' && v > f.value;
    case 'lt':
      return typeof v === 'number' && v < f.value;
    case 'gte':
      return typeof v === 'number' && v >= f.value;
    case 'lte':
      return typeof v === 'number' && v <= f.value;
    case 'regex':
      return typeof v === 'string' && f.re.test(v);
    case 'ipv4':
      return typeof v === 'string' && ipv4InRange(v, f.lo, f.hi);
  }
}

/**
 * Evaluates a checked filter on a flow with Skydive's semantics (types must match). `flow` is the
 * flow's JSON or a wire Flow object (src/protocol/flow-types.ts, same keys).
 */
export function evalFilter(f: FilterNode, flow: object): boolean {
  switch (f.op) {
    case 'and':
      return f.filters.every((s) => evalFilter(s, flow));
    case 'or':
      return f.filters.length === 0 || f.filters.some((s) => evalFilter(s, flow));
    case 'not':
      return f.filters.length === 0 || f.filters.some((s) => !evalFilter(s, flow));
    default:
      return leafMatches(f, filterField(flow, f.key));
  }
}

/**
 * Partial evaluation: the filter's answer for every flow whose fields in `known` (dotted keys as
 * normalizeKey gives them, e.g. `NodeTID`, `CaptureID`) have those values, whatever its other
 * fields; undefined when it depends on them. The agent skips a whole capture's table on `false`.
 */
export function decideFilter(
  f: FilterNode,
  known: Readonly<Record<string, unknown>>,
): boolean | undefined {
  switch (f.op) {
    case 'and': {
      let all = true;
      for (const s of f.filters) {
        const d = decideFilter(s, known);
        if (d === false) return false;
        if (d === undefined) all = false;
      }
      return all ? true : undefined;
    }
    case 'or': {
      if (f.filters.length === 0) return true;
      let none = true;
      for (const s of f.filters) {
        const d = decideFilter(s, known);
        if (d === true) return true;
        if (d === undefined) none = false;
      }
      return none ? false : undefined;
    }
    case 'not': {
      if (f.filters.length === 0) return true;
      let allTrue = true;
      for (const s of f.filters) {
        const d = decideFilter(s, known);
        if (d === false) return true;
        if (d === undefined) allTrue = false;
      }
      return allTrue ? false : undefined;
    }
    default:
      return Object.hasOwn(known, f.key) ? leafMatches(f, known[f.key]) : undefined;
  }
}

/** The AND of filters (undefined members dropped): undefined, the one filter, or a BoolFilter. */
export function andFilters(parts: readonly (FlowFilter | undefined)[]): FlowFilter | undefined {
  const set = parts.filter((p): p is FlowFilter => p !== undefined);
  if (set.length <= 1) return set[0];
  return { BoolFilter: { Op: 1, Filters: set } };
}

/**
 * The filter without its `drop` members, widened so that it still selects a superset: a dropped
 * term of an AND is left out, an OR or NOT holding one is left out whole; undefined when nothing
 * remains. Used where a receiver evaluates some members differently (Skydive's flows never match
 * a TermBoolFilter: Flow.GetFieldBool knows no field).
 */
export function widenFilter(
  f: FlowFilter | undefined,
  drop: ReadonlySet<keyof FlowFilter>,
): FlowFilter | undefined {
  if (f === undefined) return undefined;
  const b = f.BoolFilter;
  if (!b) {
    for (const k of Object.keys(f) as (keyof FlowFilter)[])
      if (f[k] != null && drop.has(k)) return undefined;
    return f;
  }
  const subs = b.Filters ?? [];
  const kept = subs.map((s) => widenFilter(s, drop));
  const op = String(b.Op ?? 0).toUpperCase();
  if (op === '1' || op === 'AND') {
    const rest = kept.filter((s): s is FlowFilter => s !== undefined);
    if (rest.length === 0) return undefined;
    return rest.length === subs.length ? f : { BoolFilter: { Op: 1, Filters: rest } };
  }
  return kept.every((s, i) => s === subs[i]) ? f : undefined;
}

/**
 * A filter selecting the flows whose `key` is one of `values` (Skydive's NewOrTermStringFilter);
 * with no value, one that selects nothing (an empty OR would select everything, as in Skydive).
 */
export function anyOfFilter(key: string, values: Iterable<string>): FlowFilter {
  const terms = [...values].map((v) => ({ TermStringFilter: { Key: key, Value: v } }));
  if (terms.length === 0) return { BoolFilter: { Op: 2, Filters: [{ BoolFilter: { Op: 0 } }] } };
  return terms.length === 1 ? terms[0]! : { BoolFilter: { Op: 0, Filters: terms } };
}
