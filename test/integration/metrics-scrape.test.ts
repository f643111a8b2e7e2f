// SPDX-License-Identifier: Apache-2.0
// The /metrics text of the read-on-scrape metrics (captures, flows, history, stores) for fixed
// states, compared byte for byte with test/fixtures/metrics/*.prom: names, HELP, TYPE, labels, values.
// Set SKYDIVE_WRITE_GOLDEN=1 to write the fixtures from the code instead (then review the diff).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { registerCaptureMetrics } from '../../src/agent/capture/metrics.js';
import {
  newTableQueryStats,
  type AgentCaptures,
  type TableQueryStats,
} from '../../src/agent/capture/index.js';
import { registerFlowMetrics } from '../../src/analyzer/flow/metrics.js';
import type { FlowServices } from '../../src/analyzer/flow/index.js';
import { registerHistoryMetrics } from '../../src/analyzer/history/metrics.js';
import { registerStorageMetrics } from '../../src/analyzer/storage-metrics.js';
import { createMetricsRegistry } from '../../src/api/metrics.js';
import type { StorageStatus } from '../../src/protocol/index.js';
import type { StoresStatus } from '../../src/storage/open.js';

const FIXTURES = new URL('../fixtures/metrics/', import.meta.url);

/** Compares the scrape of `name`'s registry with its fixture (or writes the fixture). */
async function same(name: string, scrape: () => Promise<string>): Promise<void> {
  const text = await scrape();
  const file = new URL(`${name}.prom`, FIXTURES);
  if (process.env.SKYDIVE_WRITE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name}: /metrics text changed`);
}

// The registration functions read only these parts of the running services; each state below is
// what those parts report at one scrape.

interface CaptureState {
  list: ReturnType<AgentCaptures['manager']['list']>;
  sender: { sent: number; dropped: number; queued: number; connected: number };
  queries: TableQueryStats;
}

function captures(s: CaptureState): AgentCaptures {
  return {
    manager: { list: () => s.list },
    sender: { stats: () => s.sender },
    tableQueryStats: () => s.queries,
  } as unknown as AgentCaptures;
}

const CAPTURE_BUSY: CaptureState = {
  list: [
    {
      nodeID: 'n1',
      ifName: 'eth0',
      captureID: 'c-1',
      type: 'afpacket',
      counters: { PacketsReceived: 1200, PacketsDropped: 3 } as never,
      table: { size: 17, flowsCreated: 40, flowsExpired: 23, flowsEvicted: 0 } as never,
    },
    {
      nodeID: 'n2',
      ifName: 'br-int',
      captureID: 'c-2',
      type: 'pcap',
      counters: { PacketsReceived: 5, PacketsDropped: 0 } as never,
      table: undefined,
    },
  ],
  sender: { sent: 63, dropped: 2, queued: 4, connected: 1 },
  queries: {
    queries: 9,
    rejected: 1,
    flowsScanned: 5000,
    flowsSent: 120,
    capturesSkipped: 3,
    repliesTruncated: 1,
    flowsTruncated: 40,
  },
};

const CAPTURE_IDLE: CaptureState = {
  list: [],
  sender: { sent: 0, dropped: 0, queued: 0, connected: 0 },
  queries: newTableQueryStats(),
};

function flows(ondemand: boolean, byCapture: [string, Record<string, number>][]): FlowServices {
  const counters = {
    received: 900,
    stored: 880,
    dropped: 12,
    storeErrors: 8,
    published: 450,
    badMessages: 1,
  };
  return {
    server: {
      counters,
      stats: () => ({ buffered: 20 }),
      live: { size: 310, evicted: 7 },
      statsByCapture: () => new Map(byCapture),
    },
    ondemand: ondemand
      ? { stats: { captures: 2, registrations: 3, starts: 5, startFailures: 1 } }
      : undefined,
    partial: { truncated: 4, no_answer: ondemand ? 2 : 0, refused: 0 },
  } as unknown as FlowServices;
}

const HISTORY: StorageStatus = {
  Backend: 'sqlite',
  Backlog: 14,
  Written: 5000,
  Dropped: 0,
  Failures: 2,
  WriterRestarts: 1,
  Horizon: 1_700_000_000_500,
  Retention: { Runs: 6, Removed: 120 },
};

const HISTORY_EMPTY: StorageStatus = {
  Backend: 'postgres',
  Backlog: 0,
  Written: 0,
  Dropped: 0,
  Failures: 0,
  Retention: { Runs: 0, Removed: 0 },
};

const STORES: StoresStatus = {
  resources: { backend: 'sqlite', healthy: true } as StoresStatus['resources'],
  flows: {
    backend: 'postgres',
    queued: 1000,
    written: 990,
    dropped: 4,
    rejected: 3,
    rawPacketsRejected: 9,
    failures: 1,
    buffered: 6,
    retrying: false,
    lastError: undefined,
  },
};

test('agent capture metrics: busy and idle', async () => {
  for (const [name, state] of [
    ['capture-busy', CAPTURE_BUSY],
    ['capture-idle', CAPTURE_IDLE],
  ] as const) {
    const registry = createMetricsRegistry('agent', false);
    registerCaptureMetrics(registry, captures(state));
    await same(name, () => registry.metrics());
  }
});

test('analyzer flow metrics: with and without on-demand captures', async () => {
  const stats = { PacketsReceived: 70, PacketsDropped: 1, FlowCount: 9, FlowDropped: 2 };
  const cases: [string, FlowServices][] = [
    [
      'flow-ondemand',
      flows(true, [
        ['cap-a', stats],
        ['cap-b', { PacketsReceived: 3 }],
      ]),
    ],
    ['flow-plain', flows(false, [])],
  ];
  for (const [name, services] of cases) {
    const registry = createMetricsRegistry('analyzer', false);
    registerFlowMetrics(registry, services);
    await same(name, () => registry.metrics());
  }
});

test('history metrics: an async status read, with and without a horizon', async () => {
  for (const [name, status] of [
    ['history-full', HISTORY],
    ['history-empty', HISTORY_EMPTY],
  ] as const) {
    const registry = createMetricsRegistry('analyzer', false);
    registerHistoryMetrics(registry, async () => {
      await new Promise((r) => setImmediate(r));
      return status;
    });
    await same(name, () => registry.metrics());
  }
});

test('store metrics: flow writer and resource store', async () => {
  for (const [name, status] of [
    ['stores-up', STORES],
    ['stores-down', { ...STORES, resources: { ...STORES.resources, healthy: false } }],
  ] as const) {
    const registry = createMetricsRegistry('analyzer', false);
    registerStorageMetrics(registry, () => status);
    await same(name, () => registry.metrics());
  }
});

test('a second scrape of a changed state reports the new values only', async () => {
  const state: CaptureState = structuredClone(CAPTURE_BUSY);
  const registry = createMetricsRegistry('agent', false);
  registerCaptureMetrics(registry, captures(state));
  await registry.metrics();
  state.list = state.list.slice(1);
  state.sender = { sent: 70, dropped: 2, queued: 0, connected: 1 };
  const text = await registry.metrics();
  assert.ok(!text.includes('capture="c-1"'), 'a gone capture left its series behind');
  assert.match(text, /^skydive_capture_packets_received\{[^}]*capture="c-2"[^}]*\} 5$/m);
  assert.match(text, /^skydive_flow_sender_sent_total\{service="agent"\} 70$/m);
  assert.match(text, /^skydive_flow_sender_queued\{service="agent"\} 0$/m);
});
