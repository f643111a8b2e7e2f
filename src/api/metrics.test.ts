// SPDX-License-Identifier: Apache-2.0
// scrapedMetric: values read at scrape time, sync or async, labelled or not; a series gone from the
// service is gone from the next scrape; a counter copies the service's total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetricsRegistry, scrapedMetric, type ScrapedSample } from './metrics.js';

test('a labelled gauge shows exactly the series of the last read', async () => {
  const registry = createMetricsRegistry('t', false);
  let rows: ScrapedSample<'disk'>[] = [
    [{ disk: 'a' }, 1],
    [{ disk: 'b' }, 2],
    [{ disk: 'c' }, undefined],
  ];
  scrapedMetric(registry, {
    type: 'gauge',
    name: 'skydive_test_used',
    help: 'Used',
    labelNames: ['disk'],
    read: () => rows,
  });
  let text = await registry.metrics();
  assert.match(text, /^# TYPE skydive_test_used gauge$/m);
  assert.match(text, /^skydive_test_used\{disk="a",service="t"\} 1$/m);
  assert.match(text, /^skydive_test_used\{disk="b",service="t"\} 2$/m);
  assert.ok(!text.includes('disk="c"'), 'an undefined value made a series');
  rows = [[{ disk: 'b' }, 5]];
  text = await registry.metrics();
  assert.ok(!text.includes('disk="a"'), 'a series gone from the service is still reported');
  assert.match(text, /^skydive_test_used\{disk="b",service="t"\} 5$/m);
});

test('a counter reports the service total, even after the service started again', async () => {
  const registry = createMetricsRegistry('t', false);
  let total = 40;
  scrapedMetric(registry, {
    type: 'counter',
    name: 'skydive_test_events_total',
    help: 'Events',
    read: async () => {
      await new Promise((r) => setImmediate(r));
      return total;
    },
  });
  assert.match(await registry.metrics(), /^skydive_test_events_total\{service="t"\} 40$/m);
  // Scraped twice: a counter that added instead of copying would show 80.
  assert.match(await registry.metrics(), /^skydive_test_events_total\{service="t"\} 40$/m);
  total = 3;
  const text = await registry.metrics();
  assert.match(text, /^# TYPE skydive_test_events_total counter$/m);
  assert.match(text, /^skydive_test_events_total\{service="t"\} 3$/m);
});

test('an unlabelled gauge without a value reads 0 (prom-client keeps its one series)', async () => {
  const registry = createMetricsRegistry('t', false);
  let v: number | undefined;
  scrapedMetric(registry, {
    type: 'gauge',
    name: 'skydive_test_horizon',
    help: 'H',
    read: () => v,
  });
  v = 7.5;
  assert.match(await registry.metrics(), /^skydive_test_horizon\{service="t"\} 7.5$/m);
  v = undefined;
  assert.match(await registry.metrics(), /^skydive_test_horizon\{service="t"\} 0$/m);
  v = 7.5;
  assert.match(await registry.metrics(), /^skydive_test_horizon\{service="t"\} 7.5$/m);
});
