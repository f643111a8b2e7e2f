// SPDX-License-Identifier: Apache-2.0
// The FlowStore contract: the latest state of every flow (upsert by UUID), the per-update metrics
// behind Metrics(), search with Skydive filters, a time range, sort, dedup and pagination, retention.
import type { FlowFilter } from './flow-filter.js';

/**
 * A flow as stored: Skydive flow JSON (skydive-compat §5.1), typed loosely at the store boundary.
 * `LastUpdateMetric`, when present, is also kept as one metric row of the flow.
 */
export type StoredFlow = Record<string, unknown> & { UUID: string; Start: number; Last: number };

/** Counters of one update of a flow (`LastUpdateMetric`): the delta over [Start, Last]. */
export interface FlowMetricRow {
  ABPackets: number;
  ABBytes: number;
  BAPackets: number;
  BABytes: number;
  Start: number;
  Last: number;
  RTT?: number;
}

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
}

/** What one prune removed. */
export interface PruneResult {
  flows: number;
  metrics: number;
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
   * and each `LastUpdateMetric` becomes a metric row (one per flow, Start and Last).
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
  /** Retention: removes flows and metric rows whose `Last` is before `before` (ms). */
  prune(before: number): Promise<PruneResult>;
  close(): Promise<void>;
}
