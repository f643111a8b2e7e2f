// SPDX-License-Identifier: Apache-2.0
// The state of one query execution: the graph being read (changes after Context/SubGraph), saved
// As() sets, the history provider, and the limits (result size, deadline checked every N elements).
import { QueryExecutionError } from '../graph/errors.js';
import type { GraphView, Node } from '../graph/types.js';

/**
 * What the rest of a query will ask of a snapshot, so that a backend can load less: with
 * `lookupsOnly`, the query only reads the nodes whose top-level metadata matches one of `lookups`
 * (through GraphView.lookupNodes), and never edges or other nodes.
 */
export interface SnapshotHints {
  readonly lookups: readonly { readonly key: string; readonly value: unknown }[];
  readonly lookupsOnly: boolean;
}

/** Reads the graph as it was: a point in time, or every revision alive in [time - duration, time]. */
export interface HistoryProvider {
  at(time: number, duration?: number, hints?: SnapshotHints): GraphView | Promise<GraphView>;
}

/** Guards against runaway queries. */
export interface QueryLimits {
  /** Wall-clock budget of one execution in ms (checked every CHECK_EVERY elements and between steps). */
  timeoutMs?: number;
  /** Most elements any single step may produce. */
  maxResults?: number;
}

/** How often (in elements) the clock is read. */
export const CHECK_EVERY = 1024;

export interface ExecContextOptions {
  view: GraphView;
  history?: HistoryProvider | undefined;
  limits?: QueryLimits | undefined;
  clock?: (() => number) | undefined;
  /** Receives what steps report about an answer they could only give in part (see warn()). */
  warnings?: string[] | undefined;
}

/** Per-execution state handed to every step. */
export class ExecContext {
  /** The graph steps read: the live graph, a history snapshot after Context(), a SubGraph. */
  view: GraphView;
  /**
   * The window of the last Context()/At() (skydive-compat §4.4): `from === to` for a time point,
   * [t - d, t] for Context(t, d); undefined on the live graph. Steps with their own time-indexed
   * data (flow metrics, raw packets) read it.
   */
  timeSlice: { readonly from: number; readonly to: number } | undefined = undefined;
  readonly history: HistoryProvider | undefined;
  readonly maxResults: number;
  private readonly clock: () => number;
  /** Infinity without a timeout: then the clock is never read. */
  private readonly deadline: number;
  /** Units of work left before the next deadline check. */
  private budget: number;
  private savedSets: Map<string, readonly Node[]> | undefined;
  private readonly warnings: string[] | undefined;

  constructor(opts: ExecContextOptions) {
    this.view = opts.view;
    this.warnings = opts.warnings;
    this.history = opts.history;
    this.clock = opts.clock ?? Date.now;
    this.maxResults = opts.limits?.maxResults ?? Infinity;
    const timeout = opts.limits?.timeoutMs;
    this.deadline = timeout === undefined ? Infinity : this.clock() + timeout;
    this.budget = CHECK_EVERY;
    this.savedSets = undefined;
  }

  /**
   * Reports that the answer is incomplete (an agent that did not answer or cut its reply…): the
   * caller that passed `warnings` tells the user. Repeated messages are kept once.
   */
  warn(message: string): void {
    if (this.warnings && !this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Node sets saved by As('name'). */
  get saved(): Map<string, readonly Node[]> {
    return (this.savedSets ??= new Map());
  }

  /** The current time in ms (the engine's clock). */
  now(): number {
    return this.clock();
  }

  /** Counts `units` of work (default one); every CHECK_EVERY units the deadline is checked. */
  tick(units = 1): void {
    if ((this.budget -= units) <= 0) {
      this.budget = CHECK_EVERY;
      this.checkDeadline();
    }
  }

  /** @throws QueryExecutionError SKY_ERR_QUERY_TIMEOUT once the deadline has passed. */
  checkDeadline(position?: number): void {
    if (this.deadline !== Infinity && this.clock() > this.deadline) {
      throw new QueryExecutionError('Query timed out', position, 'SKY_ERR_QUERY_TIMEOUT');
    }
  }

  /** @throws QueryExecutionError SKY_ERR_QUERY_TOO_LARGE when `size` exceeds maxResults. */
  checkSize(size: number, step: string, position: number): void {
    if (size > this.maxResults) {
      throw new QueryExecutionError(
        `${step} produced more than ${this.maxResults} elements`,
        position,
        'SKY_ERR_QUERY_TOO_LARGE',
      );
    }
  }
}
