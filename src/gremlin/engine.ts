// SPDX-License-Identifier: Apache-2.0
// The Gremlin engine: resolves parsed steps (core + registered extensions), fuses neighbours
// (V().Has(), Out().Limit()…), and runs a query against a GraphView under the configured limits.
import { InvalidArgumentError, QuerySyntaxError } from '../graph/errors.js';
import type { GraphView } from '../graph/types.js';
import type { HistoryProvider, QueryLimits } from './context.js';
import { ExecContext } from './context.js';
import { topologyExtensions } from './extensions/index.js';
import type { QueryAst } from './parser.js';
import { parseQuery } from './parser.js';
import type { Step, StepExtension } from './step.js';
import type { StepFactory } from './steps/core.js';
import { CORE_STEPS } from './steps/core.js';
import type { Result } from './values.js';

/** Engine configuration. */
export interface GremlinEngineOptions {
  /** Domain steps (Flows, Metrics…), registered in order. */
  extensions?: readonly StepExtension[];
  /** Register Descendants, Ascendants, Neighbors and NextHop (default true). */
  topologySteps?: boolean;
  /** Backs Context()/At(); without it they fail with SKY_ERR_NO_HISTORY. */
  history?: HistoryProvider;
  limits?: QueryLimits;
  /** Clock in ms, for NOW and relative times and for the deadline (tests inject one). */
  clock?: () => number;
}

/** Per-call overrides of the engine's history provider and limits. */
export interface ExecuteOptions {
  history?: HistoryProvider;
  limits?: QueryLimits;
  /** Filled with what steps report about an incomplete answer (ExecContext.warn). */
  warnings?: string[];
}

/** A parsed, optimised query, reusable across executions. */
export interface Query {
  readonly text: string;
  readonly ast: QueryAst;
  /** The steps to run, after fusion (an absorbed step does not appear). */
  readonly steps: readonly Step[];
}

interface Registered {
  readonly name: string;
  readonly factory: StepFactory;
}

/**
 * Parses and runs Skydive-dialect Gremlin queries.
 * @example
 * const engine = new GremlinEngine({ limits: { timeoutMs: 5000 } });
 * const result = await engine.execute("G.V().Has('Name', 'eth0').Out()", graph);
 * const body = toJSON(result);
 */
export class GremlinEngine {
  private readonly steps = new Map<string, Registered>();
  private readonly history: HistoryProvider | undefined;
  private readonly limits: QueryLimits | undefined;
  private readonly clock: () => number;

  constructor(opts: GremlinEngineOptions = {}) {
    for (const [name, factory] of Object.entries(CORE_STEPS)) {
      this.steps.set(name.toUpperCase(), { name, factory });
    }
    if (opts.topologySteps !== false) for (const ext of topologyExtensions) this.register(ext);
    for (const ext of opts.extensions ?? []) this.register(ext);
    this.history = opts.history;
    this.limits = opts.limits;
    this.clock = opts.clock ?? Date.now;
  }

  /**
   * Adds a domain step.
   * @throws InvalidArgumentError SKY_ERR_GREMLIN_STEP_CONFLICT when a name is already taken.
   */
  register(ext: StepExtension): void {
    const names = [ext.name, ...(ext.aliases ?? [])];
    for (const n of names) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(n) || this.steps.has(n.toUpperCase())) {
        throw new InvalidArgumentError(
          'SKY_ERR_GREMLIN_STEP_CONFLICT',
          `Gremlin step '${n}' is invalid or already registered`,
        );
      }
    }
    for (const n of names)
      this.steps.set(n.toUpperCase(), { name: ext.name, factory: (spec) => ext.parse(spec) });
  }

  /** True when `name` is a known step (case-insensitive). */
  hasStep(name: string): boolean {
    return this.steps.has(name.toUpperCase());
  }

  /**
   * Parses and optimises a query.
   * @throws QuerySyntaxError with the 0-based position of the problem.
   */
  parse(text: string): Query {
    const ast = parseQuery(text);
    const built = ast.steps.map((node) => {
      const reg = this.steps.get(node.upper);
      if (!reg)
        throw new QuerySyntaxError(`Expected step function, got: ${node.name}`, node.position);
      return reg.factory({
        name: reg.name,
        params: node.params,
        paramPositions: node.paramPositions,
        position: node.position,
      });
    });
    const steps = fuse(built);
    steps.forEach((s, i) => s.planAfter?.(steps.slice(i + 1)));
    return { text, ast, steps };
  }

  /**
   * Runs a query on `view`.
   * @throws QuerySyntaxError for a string that does not parse; QueryExecutionError when a step
   * cannot run (wrong input kind, unknown node, no history, SKY_ERR_QUERY_TOO_LARGE/TIMEOUT).
   */
  execute(query: Query | string, view: GraphView, opts?: ExecuteOptions): Promise<Result> {
    try {
      const q = typeof query === 'string' ? this.parse(query) : query;
      const ctx = new ExecContext({
        view,
        history: opts?.history ?? this.history,
        limits: opts?.limits ?? this.limits,
        clock: this.clock,
        warnings: opts?.warnings,
      });
      return Promise.resolve(runSteps(q.steps, 0, { kind: 'graph', view }, ctx));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
}

/**
 * Runs `steps[from…]` synchronously for as long as each step answers synchronously; the first
 * step that returns a promise hands the rest over to an async continuation.
 */
function runSteps(
  steps: readonly Step[],
  from: number,
  input: Result,
  ctx: ExecContext,
): Result | Promise<Result> {
  let value = input;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    ctx.checkDeadline(step.position);
    const out = step.exec(value, ctx);
    if (isThenable(out)) return Promise.resolve(out).then((v) => runSteps(steps, i + 1, v, ctx));
    value = out;
  }
  return value;
}

/** What `await` would wait for: a promise or any other thenable. */
function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof (v as { then?: unknown }).then === 'function';
}

/** Lets each step absorb the steps right after it, as long as it accepts them. */
export function fuse(steps: readonly Step[]): Step[] {
  const plan: Step[] = [];
  let i = 0;
  while (i < steps.length) {
    const s = steps[i++]!;
    while (i < steps.length && s.absorb?.(steps[i]!) === true) i++;
    plan.push(s);
  }
  return plan;
}
