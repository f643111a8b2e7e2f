// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of a service: one prom-client Registry per server (no global registry, so two
// services in one process do not collide), the `skydive_` prefix, and the `GET /metrics` route.
import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Prefix of every metric name of ours. */
export const METRIC_PREFIX = 'skydive_';

/**
 * A registry for one service; parts of the service add their metrics to it
 * (`new Gauge({ name: 'skydive_…', registers: [registry], collect() {…} })`).
 * @param service labels every metric with `service` (analyzer, agent).
 * @param processMetrics also collect Node's process metrics (CPU, memory, event loop lag).
 */
export function createMetricsRegistry(service: string, processMetrics = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
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
