// SPDX-License-Identifier: Apache-2.0
// What every FlowStore backend shares around a search: the checked query, the in-process steps
// (filter, sort, dedup, pagination) in one definition, batch validation and the per-UUID merge.
import { InvalidArgumentError } from '../graph/errors.js';
import {
  checkFilter,
  evalFilter,
  flowField,
  normalizeKey,
  type FilterNode,
} from './flow-filter.js';
import {
  MAX_RAW_PACKETS_PER_FLOW,
  type FlowMetricRow,
  type FlowQuery,
  type StoredFlow,
  type StoredRawPacket,
  type TimeRange,
} from './flow-store.js';

/** A FlowQuery checked once, before any backend work. */
export interface CheckedQuery {
  filter: FilterNode | undefined;
  range: TimeRange | undefined;
  sortKey: string;
  desc: boolean;
  dedupKey: string | undefined;
  from: number;
  to: number | undefined;
}

const bad = (what: string): InvalidArgumentError =>
  new InvalidArgumentError('SKY_ERR_INVALID_FILTER', `invalid flow query: ${what}`);

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
/** What a stored integer must be: the SQL backends keep int64 columns (a fraction would fail). */
const isInteger = (n: unknown): n is number => Number.isSafeInteger(n);

/**
 * Checks a query.
 * @throws InvalidArgumentError SKY_ERR_INVALID_FILTER on a malformed filter, key, range or page.
 */
export function checkQuery(q: FlowQuery = {}): CheckedQuery {
  if (q.range && (!isInt(q.range.from) || !isInt(q.range.to)))
    throw bad('range.from and range.to must be numbers (ms)');
  const from = q.page?.from ?? 0;
  const to = q.page?.to;
  if (!Number.isInteger(from) || from < 0) throw bad('page.from must be an integer ≥ 0');
  if (to !== undefined && (!Number.isInteger(to) || to < from))
    throw bad('page.to must be an integer ≥ page.from');
  const order = q.sort?.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw bad(`sort order '${String(order)}'`);
  return {
    filter: q.filter === undefined ? undefined : checkFilter(q.filter),
    range: q.range,
    sortKey: q.sort ? normalizeKey(q.sort.by, 'sort.by') : 'Start',
    desc: order === 'desc',
    dedupKey: q.dedupBy === undefined ? undefined : normalizeKey(q.dedupBy, 'dedupBy'),
    from,
    to,
  };
}

/** Rank of a value's type in sort order: absent, numbers, strings, booleans, the rest. */
function rank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 3;
  return 4;
}

/** Total order of flows on a key (ties by UUID ascending), the one every backend follows. */
export function compareOn(key: string, desc: boolean) {
  return (a: StoredFlow, b: StoredFlow): number => {
    const x = flowField(a, key);
    const y = flowField(b, key);
    let c = rank(x) - rank(y);
    if (c === 0 && rank(x) >= 1 && rank(x) <= 3)
      c = (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
    if (desc) c = -c;
    return c !== 0 ? c : a.UUID < b.UUID ? -1 : a.UUID > b.UUID ? 1 : 0;
  };
}

/** True when a flow was alive at some point of the range. */
export const inRange = (f: StoredFlow, r: TimeRange | undefined): boolean =>
  !r || (f.Start <= r.to && f.Last >= r.from);

/**
 * Runs the in-process steps on candidate flows: the filter and range (unless the backend already
 * applied them exactly), sort, dedup and pagination.
 */
export function finish(
  flows: StoredFlow[],
  q: CheckedQuery,
  opts: { filtered: boolean; paginate?: boolean },
): StoredFlow[] {
  let out = flows;
  if (!opts.filtered)
    out = out.filter((f) => inRange(f, q.range) && (!q.filter || evalFilter(q.filter, f)));
  out.sort(compareOn(q.sortKey, q.desc));
  if (q.dedupKey !== undefined) {
    const key = q.dedupKey;
    const seen = new Set<string>();
    out = out.filter((f) => {
      const v = flowField(f, key);
      if (v === undefined || v === null) return true;
      const k = `${typeof v}:${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  if (opts.paginate !== false && (q.from > 0 || q.to !== undefined)) out = out.slice(q.from, q.to);
  return out;
}

/**
 * A batch reduced to valid flows (a string UUID, integer Start and Last), one per UUID (greatest
 * Last; a later entry wins a tie).
 */
export function latestPerUUID(batch: readonly StoredFlow[]): {
  flows: StoredFlow[];
  rejected: number;
} {
  const by = new Map<string, StoredFlow>();
  let rejected = 0;
  for (const f of batch) {
    if (
      f === null ||
      typeof f !== 'object' ||
      typeof f.UUID !== 'string' ||
      f.UUID === '' ||
      !isInteger(f.Start) ||
      !isInteger(f.Last)
    ) {
      rejected++;
      continue;
    }
    const prev = by.get(f.UUID);
    if (!prev || f.Last >= prev.Last) by.set(f.UUID, f);
  }
  const flows = [...by.values()];
  for (let i = 0; i < flows.length; i++)
    if ('LastRawPackets' in (flows[i] as StoredFlow)) {
      const { LastRawPackets: _raw, ...doc } = flows[i] as StoredFlow;
      flows[i] = doc as StoredFlow;
    }
  return { flows, rejected };
}

/** The metric row of one flow update, when it carries a well-formed `LastUpdateMetric`. */
export function updateMetric(f: StoredFlow): FlowMetricRow | undefined {
  const m = f['LastUpdateMetric'] as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object' || !isInteger(m['Start']) || !isInteger(m['Last']))
    return undefined;
  const n = (k: string): number => (isInteger(m[k]) ? m[k] : 0);
  const row: FlowMetricRow = {
    ABPackets: n('ABPackets'),
    ABBytes: n('ABBytes'),
    BAPackets: n('BAPackets'),
    BABytes: n('BABytes'),
    Start: m['Start'],
    Last: m['Last'],
  };
  if (isInteger(m['RTT']) && m['RTT'] !== 0) row.RTT = m['RTT']; // omitempty, as Skydive's JSON
  return row;
}

/**
 * Every metric row of a batch (all updates, not only the latest per UUID), from valid flows only
 * and ending no earlier than their flow's Start (what SQLite retention relies on); other rows are
 * malformed and left out.
 */
export function metricRows(batch: readonly StoredFlow[]): Array<[string, FlowMetricRow]> {
  const out: Array<[string, FlowMetricRow]> = [];
  for (const f of batch) {
    if (typeof f?.UUID !== 'string' || f.UUID === '' || !isInteger(f.Start)) continue;
    if (!isInteger(f.Last)) continue;
    const m = updateMetric(f);
    if (m && m.Last >= f.Start) out.push([f.UUID, m]);
  }
  return out;
}

/** True when a metric row's interval meets the range. */
export const metricInRange = (m: FlowMetricRow, r: TimeRange | undefined): boolean =>
  !r || (m.Start <= r.to && m.Last >= r.from);

/** True when a metric row was recorded inside the range (Skydive's "included in"). */
export const metricIncluded = (m: FlowMetricRow, r: TimeRange | undefined): boolean =>
  !r || (m.Start >= r.from && m.Last <= r.to);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Longest Data kept, in base64 characters (a 256 KiB snapshot length). */
const MAX_DATA = 350_000;

/** The raw packet, when well-formed (integer Timestamp and Index in range, base64 Data). */
function rawPacket(p: unknown): StoredRawPacket | undefined {
  if (p === null || typeof p !== 'object') return undefined;
  const r = p as Record<string, unknown>;
  const { Timestamp, Index, Data } = r;
  const link = r['LinkType'] ?? 1;
  if (!Number.isSafeInteger(Timestamp)) return undefined;
  if (!Number.isInteger(link) || (link as number) < 0 || (link as number) > 0x7fffffff)
    return undefined;
  if (!Number.isInteger(Index) || (Index as number) < 1) return undefined;
  if ((Index as number) > MAX_RAW_PACKETS_PER_FLOW) return undefined;
  if (typeof Data !== 'string' || Data.length > MAX_DATA || !BASE64.test(Data)) return undefined;
  return {
    Timestamp: Timestamp as number,
    Index: Index as number,
    Data,
    LinkType: link as number,
  };
}

/**
 * Every raw packet of a batch (all updates), one per flow and Index (the later one wins), and how
 * many were malformed.
 */
export function rawPacketRows(batch: readonly StoredFlow[]): {
  rows: Array<[string, StoredRawPacket]>;
  rejected: number;
} {
  const by = new Map<string, [string, StoredRawPacket]>();
  let rejected = 0;
  for (const f of batch) {
    const list = f?.['LastRawPackets'];
    if (list === undefined || typeof f.UUID !== 'string' || f.UUID === '') continue;
    if (!Array.isArray(list)) {
      rejected++;
      continue;
    }
    for (const p of list as unknown[]) {
      const r = rawPacket(p);
      if (r) by.set(`${f.UUID}\n${r.Index}`, [f.UUID, r]);
      else rejected++;
    }
  }
  return { rows: [...by.values()], rejected };
}

/** True when a raw packet was captured inside the range. */
export const packetInRange = (p: StoredRawPacket, r: TimeRange | undefined): boolean =>
  !r || (p.Timestamp >= r.from && p.Timestamp <= r.to);

/** Checks the UUID list and range of metricSeries()/rawPackets(). */
export function checkSeriesArgs(uuids: readonly string[], range: TimeRange | undefined): string[] {
  if (!Array.isArray(uuids) || uuids.some((u) => typeof u !== 'string'))
    throw bad('uuids must be an array of strings');
  if (range && (!isInt(range.from) || !isInt(range.to)))
    throw bad('range.from and range.to must be numbers (ms)');
  return [...new Set(uuids)];
}
