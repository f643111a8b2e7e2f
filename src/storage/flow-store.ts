// SPDX-License-Identifier: Apache-2.0
// The FlowStore contract: the latest state of every flow (upsert by UUID), the per-update metrics
// and raw packets behind Metrics()/RawPackets() under At/Context, search with Skydive filters, a
// time range, sort, dedup and pagination, retention.
import type { FlowMetric } from '../protocol/flow.js';
import type { FlowFilter } from './flow-filter.js';

/**
 * A flow as stored: Skydive flow JSON (skydive-compat §5.1), typed loosely at the store boundary.
 * `LastUpdateMetric`, when present, is also kept as one metric row of the flow. `LastRawPackets`
 * (never part of Skydive's flow JSON; the analyzer adds them in the §4.6 shape, `Data` in base64)
 * become raw packet rows of the flow and are left out of the stored document.
 */
export type StoredFlow = Record<string, unknown> & { UUID: string; Start: number; Last: number };

/** Counters of one update of a flow (`LastUpdateMetric`): the delta over [Start, Last]. */
export type FlowMetricRow = FlowMetric;

/** A raw packet of a flow as stored and returned (skydive-compat §4.6: `Data` in base64). */
export interface StoredRawPacket {
  /** Capture time, ms. */
  Timestamp: number;
  /** Rank of the packet in its flow (1 for the first kept); unique per flow. */
  Index: number;
  Data: string;
  LinkType: number;
}

/** Most raw packets kept per flow; the capture's RawPacketLimit (≤ 10) normally bounds them. */
export const MAX_RAW_PACKETS_PER_FLOW = 64;

/** An interval of time in ms, both ends inclusive. */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * What to search. Steps run in this order: filter and time range, sort, dedup, pagination.
 * Without `sort`, results come by Start then UUID, ascending.
 */
export interface FlowQuery {
  /** A Skydive filter (filters.Filter JSON); absent: every flow. */
  filter?: FlowFilter;
  /** Flows alive at some point of the range: `Start <= to` and `Last >= from`. */
  range?: TimeRange;
  /** Sort by a dotted key; ties are broken by UUID ascending. */
  sort?: { by: string; order?: 'asc' | 'desc' | undefined } | undefined;
  /** Keep the first flow (in sort order) per value of this dotted key; flows without it stay. */
  dedupBy?: string | undefined;
  /** Results [from, to) of the sorted, deduplicated list (`PaginationRange`). */
  page?: { from: number; to?: number | undefined } | undefined;
}

/** What one insert did. */
export interface InsertResult {
  /** Flows written (new or newer than the stored state). */
  stored: number;
  /** Flows refused because they lack a UUID, Start or Last; counted, never thrown. */
  rejected: number;
  /**
   * Raw packets refused: malformed (no integer Timestamp/Index, Index outside
   * 1…MAX_RAW_PACKETS_PER_FLOW, Data not base64) — counted, never thrown.
   */
  rawPacketsRejected: number;
}

/** What one prune removed. */
export interface PruneResult {
  flows: number;
  metrics: number;
  rawPackets: number;
}

/**
 * Flow storage; memory, SQLite and PostgreSQL pass one conformance suite and return identical
 * results for identical data and queries. Results are copies.
 */
export interface FlowStore {
  /** Backend name (memory, sqlite, postgres). */
  readonly backend: string;
  /**
   * Stores a batch: per UUID the state with the greatest `Last` wins (a later batch wins a tie),
   * each `LastUpdateMetric` becomes a metric row (one per flow, Start and Last; the later one wins)
   * and each of `LastRawPackets` a raw packet row (one per flow and Index; the later one wins).
   */
  insert(flows: readonly StoredFlow[]): Promise<InsertResult>;
  search(query?: FlowQuery): Promise<StoredFlow[]>;
  /** Number of flows `search` would return without pagination. */
  count(query?: FlowQuery): Promise<number>;
  /**
   * Metric rows of the flows `search(query)` returns, per flow UUID, whose interval meets `range`
   * (all rows without a range), ordered by Start.
   */
  metrics(query?: FlowQuery, range?: TimeRange): Promise<Record<string, FlowMetricRow[]>>;
  /**
   * The metric series of these flows, as Skydive answers `Metrics()` under a time context: per
   * UUID the rows recorded inside `range` (`from <= Start` and `Last <= to`; every row without a
   * range), ordered by Start then Last. UUIDs without such rows are absent.
   */
  metricSeries(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, FlowMetricRow[]>>;
  /**
   * Raw packets of these flows whose Timestamp lies in `range` (all without one), per UUID,
   * ordered by Index. UUIDs without such packets are absent.
   */
  rawPackets(
    uuids: readonly string[],
    range?: TimeRange,
  ): Promise<Record<string, StoredRawPacket[]>>;
  /**
   * Retention: removes flows and metric rows whose `Last` is before `before` (ms), and raw
   * packets captured before it.
   */
  prune(before: number): Promise<PruneResult>;
  close(): Promise<void>;
}
