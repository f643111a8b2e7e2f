// SPDX-License-Identifier: Apache-2.0
// graffiti filters.Filter and filters.SearchQuery (skydive-compat §5.7, graffiti/filters/
// filters.proto): their JSON shape and protobuf codec, carried by flow.TableQuery (§2.12).
import { InvalidArgumentError } from '../graph/errors.js';
import { ERR_PROTOBUF, ProtoReader, ProtoWriter, WireType } from './proto-wire.js';

interface KV<V> {
  Key: string;
  Value: V;
}

/** filters.Filter as JSON: exactly one member set. int64 values may come as numeric strings. */
export interface FlowFilter {
  TermStringFilter?: KV<string>;
  TermInt64Filter?: KV<number | string>;
  TermBoolFilter?: KV<boolean>;
  GtInt64Filter?: KV<number | string>;
  LtInt64Filter?: KV<number | string>;
  GteInt64Filter?: KV<number | string>;
  LteInt64Filter?: KV<number | string>;
  /** Op: OR = 0, AND = 1, NOT = 2 (names accepted too). NOT is true when any sub-filter is false. */
  BoolFilter?: { Op?: number | string; Filters?: FlowFilter[] };
  RegexFilter?: KV<string>;
  NullFilter?: { Key: string };
  IPV4RangeFilter?: KV<string>;
}

/** filters.SearchQuery: a filter plus the paging, sorting and dedup a flow search may ask for. */
export interface SearchQuery {
  Filter?: FlowFilter;
  PaginationRange?: { From: number; To: number };
  Sort?: boolean;
  Dedup?: boolean;
  DedupBy?: string;
  SortBy?: string;
  /** NoOrder = 0, Ascending = 1, Descending = 2. */
  SortOrder?: number;
}

/** Nested BoolFilters deeper than this are refused (untrusted bytes must not exhaust the stack). */
export const MAX_FILTER_DEPTH = 64;

type Member = Exclude<keyof FlowFilter, 'BoolFilter'>;
/** Filter members by field number (filters.proto); kind says the Value's wire type. */
const MEMBERS: readonly (readonly [number, Member | 'BoolFilter', 'str' | 'int' | 'bool' | ''])[] =
  [
    [1, 'TermStringFilter', 'str'],
    [2, 'TermInt64Filter', 'int'],
    [3, 'TermBoolFilter', 'bool'],
    [4, 'GtInt64Filter', 'int'],
    [5, 'LtInt64Filter', 'int'],
    [6, 'GteInt64Filter', 'int'],
    [7, 'LteInt64Filter', 'int'],
    [8, 'BoolFilter', ''],
    [9, 'RegexFilter', 'str'],
    [10, 'NullFilter', ''],
    [11, 'IPV4RangeFilter', 'str'],
  ];
const BY_NUMBER = new Map(MEMBERS.map((m) => [m[0], m] as const));
const OP_NUMBERS: Record<string, number> = { OR: 0, AND: 1, NOT: 2 };

const bad = (what: string): InvalidArgumentError =>
  new InvalidArgumentError(ERR_PROTOBUF, `invalid protobuf filters.SearchQuery: ${what}`);
const badShape = (what: string): InvalidArgumentError =>
  new InvalidArgumentError('SKY_ERR_INVALID_FILTER', `invalid flow filter: ${what}`);

function int64Of(v: unknown, at: string): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw badShape(`${at}.Value must be an integer`);
  return n;
}

function opOf(v: unknown, at: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'number' ? v : OP_NUMBERS[String(v).toUpperCase()];
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 2)
    throw badShape(`${at}.Op: unknown operator ${String(v)}`);
  return n;
}

function writeFilter(w: ProtoWriter, field: number, f: FlowFilter, at: string, depth: number) {
  if (depth > MAX_FILTER_DEPTH) throw badShape(`${at}: nested deeper than ${MAX_FILTER_DEPTH}`);
  const m = w.begin(field);
  for (const [n, name, kind] of MEMBERS) {
    const body = f[name] as Record<string, unknown> | undefined | null;
    if (body === undefined || body === null) continue;
    const here = `${at}.${name}`;
    if (typeof body !== 'object') throw badShape(`${here} must be an object`);
    const sub = w.begin(n);
    if (name === 'BoolFilter') {
      const op = opOf(body['Op'], here);
      if (op) w.uint32Field(1, op);
      const subs = body['Filters'] ?? [];
      if (!Array.isArray(subs)) throw badShape(`${here}.Filters must be a list`);
      subs.forEach((s: FlowFilter, i) => writeFilter(w, 2, s, `${here}.Filters[${i}]`, depth + 1));
    } else {
      const key = body['Key'];
      if (typeof key !== 'string') throw badShape(`${here}.Key must be a string`);
      if (key) w.stringField(1, key);
      const v = body['Value'];
      if (kind === 'str') {
        if (typeof v !== 'string') throw badShape(`${here}.Value must be a string`);
        if (v) w.stringField(2, v);
      } else if (kind === 'int') {
        const i = int64Of(v, here);
        if (i) w.int64Field(2, i);
      } else if (kind === 'bool') {
        if (typeof v !== 'boolean') throw badShape(`${here}.Value must be a boolean`);
        if (v) w.boolField(2, v);
      }
    }
    w.end(sub);
  }
  w.end(m);
}

function readKV(r: ProtoReader, kind: string, name: string): Record<string, unknown> {
  const o: Record<string, unknown> = { Key: '' };
  if (kind === 'str') o['Value'] = '';
  else if (kind === 'int') o['Value'] = 0;
  else if (kind === 'bool') o['Value'] = false;
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    const wt = tag & 7;
    if (n === 1 && wt === WireType.LengthDelimited) o['Key'] = r.string();
    else if (n === 2 && kind === 'str' && wt === WireType.LengthDelimited) o['Value'] = r.string();
    else if (n === 2 && kind === 'int' && wt === WireType.Varint) o['Value'] = r.int64();
    else if (n === 2 && kind === 'bool' && wt === WireType.Varint) o['Value'] = r.bool();
    else if (n === 1 || n === 2) throw bad(`wire type ${wt} for ${name} field ${n}`);
    else r.skip(wt);
  }
  return o;
}

function readFilter(r: ProtoReader, depth: number): FlowFilter {
  if (depth > MAX_FILTER_DEPTH) throw bad(`nested deeper than ${MAX_FILTER_DEPTH}`);
  const f: Record<string, unknown> = {};
  while (r.more()) {
    const tag = r.tag();
    const member = BY_NUMBER.get(tag >>> 3);
    if (!member) {
      r.skip(tag & 7);
      continue;
    }
    const [, name, kind] = member;
    if ((tag & 7) !== WireType.LengthDelimited) throw bad(`wire type ${tag & 7} for ${name}`);
    const sub = r.sub();
    if (name === 'BoolFilter') {
      const b: { Op: number; Filters: FlowFilter[] } = { Op: 0, Filters: [] };
      while (sub.more()) {
        const t = sub.tag();
        if (t === ((1 << 3) | WireType.Varint)) b.Op = sub.int32();
        else if (t === ((2 << 3) | WireType.LengthDelimited))
          b.Filters.push(readFilter(sub.sub(), depth + 1));
        else if (t >>> 3 === 1 || t >>> 3 === 2) throw bad(`wire type ${t & 7} for BoolFilter`);
        else sub.skip(t & 7);
      }
      f[name] = b;
    } else if (name === 'NullFilter') {
      const { Key } = readKV(sub, '', name);
      f[name] = { Key };
    } else f[name] = readKV(sub, kind, name);
  }
  return f as FlowFilter;
}

/** Appends a filters.SearchQuery as field `field` of the message being written. */
export function writeSearchQuery(w: ProtoWriter, field: number, q: SearchQuery): void {
  const m = w.begin(field);
  writeQueryFields(w, q);
  w.end(m);
}

function writeQueryFields(w: ProtoWriter, q: SearchQuery): void {
  if (q.Filter) writeFilter(w, 1, q.Filter, 'Filter', 0);
  if (q.PaginationRange) {
    const p = w.begin(2);
    if (q.PaginationRange.From) w.int64Field(1, q.PaginationRange.From);
    if (q.PaginationRange.To) w.int64Field(2, q.PaginationRange.To);
    w.end(p);
  }
  if (q.Sort) w.boolField(3, true);
  if (q.Dedup) w.boolField(4, true);
  if (q.DedupBy) w.stringField(5, q.DedupBy);
  if (q.SortBy) w.stringField(6, q.SortBy);
  if (q.SortOrder) w.uint32Field(7, q.SortOrder);
}

/**
 * Reads a filters.SearchQuery (proto3: absent scalars stay absent here, an absent Filter means
 * "every flow").
 * @throws InvalidArgumentError SKY_ERR_PROTOBUF on malformed bytes or a filter nested too deep.
 */
export function readSearchQuery(r: ProtoReader): SearchQuery {
  const q: SearchQuery = {};
  while (r.more()) {
    const tag = r.tag();
    const n = tag >>> 3;
    const wt = tag & 7;
    const want = n === 1 || n === 2 || n === 5 || n === 6 ? WireType.LengthDelimited : 0;
    if (n >= 1 && n <= 7 && wt !== want) throw bad(`wire type ${wt} for SearchQuery field ${n}`);
    if (n === 1) q.Filter = readFilter(r.sub(), 0);
    else if (n === 2) {
      const s = r.sub();
      const p = { From: 0, To: 0 };
      while (s.more()) {
        const t = s.tag();
        if (t === 8) p.From = s.int64();
        else if (t === 16) p.To = s.int64();
        else s.skip(t & 7);
      }
      q.PaginationRange = p;
    } else if (n === 3) q.Sort = r.bool();
    else if (n === 4) q.Dedup = r.bool();
    else if (n === 5) q.DedupBy = r.string();
    else if (n === 6) q.SortBy = r.string();
    else if (n === 7) q.SortOrder = r.int32();
    else r.skip(wt);
  }
  return q;
}

/** Encodes a filters.SearchQuery on its own. */
export function encodeSearchQuery(q: SearchQuery): Uint8Array {
  const w = new ProtoWriter(128);
  writeQueryFields(w, q);
  return w.finish();
}

/** Decodes a filters.SearchQuery. */
export function decodeSearchQuery(bytes: Uint8Array): SearchQuery {
  return readSearchQuery(new ProtoReader(bytes));
}
