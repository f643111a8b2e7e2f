// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of a service: one prom-client Registry per server (no global registry, so two
// services in one process do not collide), the `skydive_` prefix, and the `GET /metrics` route.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';

/** Prefix of every metric name of ours. */
export const METRIC_PREFIX = 'skydive_';

/**
 * A registry for one service; parts of the service add their metrics to it, those whose values
 * live in the service with scrapedMetric().
 * @param service labels every metric with `service` (analyzer, agent).
 * @param processMetrics also collect Node's process metrics (CPU, memory, event loop lag).
 */
export function createMetricsRegistry(service: string, processMetrics = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

/** One series of a scraped metric: its labels and its value (undefined: no series). */
export type ScrapedSample<L extends string> = readonly [LabelValues<L>, number | undefined];

/**
 * What a scraped metric's `read` returns: the value of an unlabelled metric, or one sample per
 * series of a labelled one. `undefined` (or an undefined sample value) leaves a labelled metric
 * without that series this scrape; an unlabelled one always has its series and then reads 0.
 */
export type ScrapedValue<L extends string> = number | undefined | Iterable<ScrapedSample<L>>;

/** A gauge or counter whose value lives in the service and is read when Prometheus scrapes. */
export interface ScrapedMetricSpec<L extends string> {
  /**
   * `gauge` for a level; `counter` for a total the service keeps (each scrape copies it: reset,
   * then add the current total, so the service stays the one owner of the number).
   */
  type: 'gauge' | 'counter';
  /** Full name, `skydive_…`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** The current value(s); may be async (a status read from a worker or a database). */
  read(): ScrapedValue<L> | Promise<ScrapedValue<L>>;
}

/**
 * Registers on `registry` a metric read at scrape time: no timer, no copy kept between scrapes.
 * Every scrape drops the series of the previous one, so a capture or backend gone since then
 * leaves no stale series behind.
 * @example
 * scrapedMetric(registry, {
 *   type: 'counter',
 *   name: 'skydive_flow_received_total',
 *   help: 'Flow updates received',
 *   read: () => server.counters.received,
 * });
 */
export function scrapedMetric<L extends string = never>(
  registry: Registry,
  spec: ScrapedMetricSpec<L>,
): Gauge<L> | Counter<L> {
  const { name, help, read } = spec;
  const collect = (): void | Promise<void> =>
    apply(read(), (v) => {
      metric.reset();
      fill(v, put);
    });
  const options = { name, help, labelNames: spec.labelNames ?? [], registers: [registry], collect };
  let metric: Gauge<L> | Counter<L>;
  let put: (labels: LabelValues<L> | undefined, n: number) => void;
  if (spec.type === 'gauge') {
    const g = (metric = new Gauge<L>(options));
    put = (labels, n) => (labels === undefined ? g.set(n) : g.set(labels, n));
  } else {
    const c = (metric = new Counter<L>(options));
    put = (labels, n) => (labels === undefined ? c.inc(n) : c.inc(labels, n));
  }
  return metric;
}

/** Runs `fn` on the value now, or once the promise settles (a sync read stays sync). */
function apply<T>(v: T | Promise<T>, fn: (v: T) => void): void | Promise<void> {
  if (v instanceof Promise) return v.then(fn);
  fn(v);
}

function fill<L extends string>(
  v: ScrapedValue<L>,
  put: (labels: LabelValues<L> | undefined, n: number) => void,
): void {
  if (v === undefined) return;
  if (typeof v === 'number') {
    put(undefined, v);
    return;
  }
  for (const [labels, n] of v) if (n !== undefined) put(labels, n);
}

/** `GET /metrics` in Prometheus' text format (authenticated like the rest of the API). */
export function metricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get(
    '/metrics',
    {
      config: { rbac: ['status', 'read'] },
      schema: {
        summary: 'Prometheus metrics',
        tags: ['info'],
        produces: ['text/plain'],
      },
    },
    async (_req, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
}
