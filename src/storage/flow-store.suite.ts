// SPDX-License-Identifier: Apache-2.0
// Conformance suite every FlowStore passes (memory, SQLite, PostgreSQL): hand-written answers on
// sample flows, then many generated queries whose answers must equal the in-memory reference's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowFilter } from './flow-filter.js';
import { generateFlows, prng, sampleFlows } from './flow-store.fixtures.js';
import type { FlowQuery, FlowStore } from './flow-store.js';
import { MemoryFlowStore } from './memory/flow-store.js';

const ids = (flows: { UUID: string }[]): string[] => flows.map((f) => f.UUID);
const term = (Key: string, Value: string): FlowFilter => ({ TermStringFilter: { Key, Value } });
const and = (...Filters: FlowFilter[]): FlowFilter => ({ BoolFilter: { Op: 'AND', Filters } });
const or = (...Filters: FlowFilter[]): FlowFilter => ({ BoolFilter: { Op: 0, Filters } });
const not = (f: FlowFilter): FlowFilter => ({ BoolFilter: { Op: 2, Filters: [f] } });

/** Queries on sampleFlows() and their answers (UUIDs in result order). */
const CASES: Array<[string, FlowQuery, string[]]> = [
  ['everything, by Start', {}, ['f5', 'f1', 'f2', 'f3', 'f6', 'f7', 'f4']],
  ['a string term on an indexed key', { filter: term('Network.A', '10.0.0.1') }, ['f1', 'f2']],
  ['a layer alias', { filter: term('IPV4.A', '10.0.0.1') }, ['f1', 'f2']],
  ['an int term', { filter: { TermInt64Filter: { Key: 'Transport.B', Value: 80 } } }, ['f1', 'f2']],
  [
    'an int64 given as a string',
    { filter: { TermInt64Filter: { Key: 'Transport.B', Value: '80' } } },
    ['f1', 'f2'],
  ],
  ['types must match', { filter: term('Transport.B', '80') }, []],
  [
    'Gt on a JSON key',
    { filter: { GtInt64Filter: { Key: 'Metric.ABBytes', Value: 950 } } },
    ['f1', 'f6'],
  ],
  [
    'Lte on an indexed int',
    { filter: { LteInt64Filter: { Key: 'Transport.A', Value: 5353 } } },
    ['f3'],
  ],
  ['flows alive in a range', { range: { from: 5050, to: 7000 } }, ['f2', 'f6', 'f4']],
  ['OR', { filter: or(term('Application', 'DNS'), term('Application', 'ARP')) }, ['f5', 'f3']],
  ['NOT', { filter: not(term('Application', 'TCP')) }, ['f5', 'f3', 'f7', 'f4']],
  [
    'not null',
    { filter: not({ NullFilter: { Key: 'Network.A' } }) },
    ['f1', 'f2', 'f3', 'f6', 'f7', 'f4'],
  ],
  ['null', { filter: { NullFilter: { Key: 'Transport' } } }, ['f5', 'f7', 'f4']],
  ['a root string is never null', { filter: { NullFilter: { Key: 'CaptureID' } } }, []],
  [
    'a zero the JSON leaves out reads as zero where its sub-message is (Skydive getters)',
    { filter: { TermInt64Filter: { Key: 'Metric.RTT', Value: 0 } } },
    ['f5', 'f2', 'f3', 'f6', 'f4'],
  ],
  [
    'a comparison that the left-out zero satisfies',
    { filter: { LteInt64Filter: { Key: 'Metric.RTT', Value: 50 } } },
    ['f5', 'f2', 'f3', 'f6', 'f4'],
  ],
  [
    'a left-out zero is not null, a missing sub-message is',
    { filter: { NullFilter: { Key: 'Metric.RTT' } } },
    ['f7'],
  ],
  [
    'a left-out zero under NOT',
    { filter: not({ TermInt64Filter: { Key: 'Metric.RTT', Value: 0 } }) },
    ['f1', 'f7'],
  ],
  ['regex', { filter: { RegexFilter: { Key: 'Network.A', Value: '^10\\.' } } }, ['f1', 'f2', 'f4']],
  [
    'regex under NOT',
    { filter: not({ RegexFilter: { Key: 'Network.A', Value: '^10\\.' } }) },
    ['f5', 'f3', 'f6', 'f7'],
  ],
  [
    'IPv4 range',
    { filter: { IPV4RangeFilter: { Key: 'Network.B', Value: '10.0.0.0/24' } } },
    ['f1', 'f2', 'f7', 'f4'],
  ],
  [
    'nested AND/OR/NOT with a range filter',
    {
      filter: and(
        or(term('Application', 'TCP'), term('Application', 'DNS')),
        not({ IPV4RangeFilter: { Key: 'Network.A', Value: '10.0.0.0/8' } }),
      ),
    },
    ['f3', 'f6'],
  ],
  [
    'regex AND Gte',
    {
      filter: and(
        { RegexFilter: { Key: 'Network.A', Value: '^10\\.' } },
        { GteInt64Filter: { Key: 'Start', Value: 1050 } },
      ),
    },
    ['f2', 'f4'],
  ],
  ['a bool term', { filter: { TermBoolFilter: { Key: 'Custom.Flag', Value: true } } }, ['f7']],
  [
    'an absent root string reads ""',
    { filter: term('ParentUUID', '') },
    ['f5', 'f1', 'f2', 'f6', 'f7', 'f4'],
  ],
  [
    'an empty OR matches all',
    { filter: { BoolFilter: { Op: 0, Filters: [] } } },
    ['f5', 'f1', 'f2', 'f3', 'f6', 'f7', 'f4'],
  ],
  [
    'sort on a JSON key, missing last when descending',
    { sort: { by: 'Metric.ABBytes', order: 'desc' } },
    ['f6', 'f1', 'f2', 'f3', 'f4', 'f5', 'f7'],
  ],
  ['dedup by TrackingID', { dedupBy: 'TrackingID' }, ['f5', 'f1', 'f3', 'f6', 'f7', 'f4']],
  ['pagination', { page: { from: 1, to: 3 } }, ['f1', 'f2']],
  ['pagination without an end', { page: { from: 5 } }, ['f7', 'f4']],
  [
    'sort by Last descending, first two',
    { sort: { by: 'Last', order: 'desc' }, page: { from: 0, to: 2 } },
    ['f6', 'f4'],
  ],
  [
    'sort by a string column',
    { sort: { by: 'Application' }, filter: term('NodeTID', 'n1') },
    ['f3', 'f1', 'f6'],
  ],
  [
    'filter, sort, dedup, page together',
    {
      filter: not(term('Application', 'ARP')),
      sort: { by: 'Metric.ABBytes', order: 'desc' },
      dedupBy: 'NodeTID',
      page: { from: 1 },
    },
    ['f2', 'f7'],
  ],
];

/** Registers the shared FlowStore tests; `factory` returns a fresh, empty store. */
export function flowStoreSuite(name: string, factory: () => Promise<FlowStore>): void {
  describe(`FlowStore conformance: ${name}`, () => {
    const withStore = (fn: (s: FlowStore) => Promise<void>) => async () => {
      const s = await factory();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    it(
      'answers filters, ranges, sort, dedup and pagination as Skydive defines them',
      withStore(async (s) => {
        assert.deepEqual(await s.insert(sampleFlows()), {
          stored: 7,
          rejected: 0,
          rawPacketsRejected: 0,
        });
        for (const [what, q, want] of CASES) {
          assert.deepEqual(ids(await s.search(q)), want, what);
          const { page: _page, ...unpaged } = q;
          assert.equal(await s.count(q), (await s.search(unpaged)).length, `count: ${what}`);
        }
        const [f1] = await s.search({ filter: term('UUID', 'f1') });
        assert.deepEqual(f1, sampleFlows()[0], 'a flow comes back as stored');
      }),
    );

    it(
      'rejects malformed filters and queries with SKY_ERR_INVALID_FILTER',
      withStore(async (s) => {
        const bad: FlowQuery[] = [
          { filter: term('a b', 'x') },
          { filter: { RegexFilter: { Key: 'UUID', Value: '(' } } },
          { filter: { ...term('UUID', 'x'), ...{ NullFilter: { Key: 'UUID' } } } },
          { filter: { IPV4RangeFilter: { Key: 'Network.A', Value: '10.0.0.0/33' } } },
          { filter: { BoolFilter: { Op: 'XOR', Filters: [] } } },
          { filter: { GtInt64Filter: { Key: 'Start', Value: 'soon' } } },
          { page: { from: -1 } },
          { sort: { by: 'Start', order: 'up' as 'asc' } },
        ];
        for (const q of bad)
          await assert.rejects(s.search(q), { code: 'SKY_ERR_INVALID_FILTER' }, JSON.stringify(q));
      }),
    );

    it(
      'keeps the latest state per UUID and counts what it refuses',
      withStore(async (s) => {
        const base = { UUID: 'u', Start: 10, Application: 'TCP' };
        await s.insert([{ ...base, Last: 50, Metric: { ABBytes: 5 } }]);
        const r = await s.insert([
          { ...base, Last: 40, Metric: { ABBytes: 4 } },
          { UUID: '', Start: 1, Last: 2 },
          { UUID: 'v', Start: 'x' as unknown as number, Last: 2 },
          { UUID: 'w', Start: 1, Last: 2.5 },
        ]);
        assert.deepEqual(r, { stored: 0, rejected: 3, rawPacketsRejected: 0 });
        // a fractional counter reads 0 rather than failing an int64 column
        const frac = { ABPackets: 1.5, ABBytes: 2, BAPackets: 0, BABytes: 0, Start: 10, Last: 20 };
        await s.insert([{ UUID: 'x', Start: 10, Last: 20, LastUpdateMetric: frac }]);
        assert.equal((await s.metricSeries(['x']))['x']?.[0]?.ABPackets, 0);
        await s.prune(21);
        assert.deepEqual((await s.search())[0]?.['Metric'], { ABBytes: 5 }, 'older state ignored');
        await s.insert([
          { ...base, Last: 60, Metric: { ABBytes: 6 } },
          { ...base, Last: 70, Metric: { ABBytes: 7 } },
          { ...base, Last: 65, Metric: { ABBytes: 65 } },
        ]);
        const all = await s.search();
        assert.equal(all.length, 1);
        assert.deepEqual(all[0]?.['Metric'], { ABBytes: 7 }, 'greatest Last of a batch wins');
      }),
    );

    it(
      'keeps one metric row per update for Metrics() over a range, and prunes by age',
      withStore(async (s) => {
        const upd = (start: number, last: number, ab: number) => ({
          UUID: 'm',
          Start: 1000,
          Last: last,
          LastUpdateMetric: {
            ABPackets: 1,
            ABBytes: ab,
            BAPackets: 0,
            BABytes: 0,
            Start: start,
            Last: last,
          },
        });
        await s.insert([upd(1000, 2000, 100), upd(2000, 3000, 200)]);
        await s.insert([upd(3000, 4000, 300), upd(3000, 4000, 300)]);
        await s.insert([
          { ...upd(100, 200, 1), UUID: 'old', Start: 100 },
          // malformed: a metric row ending before its flow started is left out
          { ...upd(10, 20, 1), UUID: 'bad', Start: 5000, Last: 6000 },
        ]);
        const inRange = await s.metrics({ filter: term('UUID', 'm') }, { from: 2500, to: 3500 });
        assert.deepEqual(Object.keys(inRange), ['m']);
        assert.deepEqual(
          inRange['m']?.map((m) => [m.Start, m.Last, m.ABBytes]),
          [
            [2000, 3000, 200],
            [3000, 4000, 300],
          ],
        );
        const all = await s.metrics();
        assert.equal(
          all['m']?.reduce((n, m) => n + m.ABBytes, 0),
          600,
        );
        assert.deepEqual(await s.metricSeries(['bad']), {});
        assert.deepEqual(await s.prune(2500), { flows: 1, metrics: 2, rawPackets: 0 });
        assert.deepEqual(ids(await s.search()), ['m', 'bad']);
        assert.deepEqual(
          (await s.metrics())['m']?.map((m) => m.Start),
          [2000, 3000],
        );
      }),
    );

    it(
      'answers the metric series of flows recorded inside a range, as Skydive does under At/Context',
      withStore(async (s) => {
        const upd = (uuid: string, start: number, last: number, ab: number) => ({
          UUID: uuid,
          Start: 1000,
          Last: last,
          LastUpdateMetric: {
            ABPackets: 1,
            ABBytes: ab,
            BAPackets: 2,
            BABytes: 3,
            Start: start,
            Last: last,
            RTT: ab === 300 ? 42 : 0, // 0 is left out, as Skydive's omitempty
          },
        });
        // out of order across batches, a repeated update replaced by the later copy
        await s.insert([upd('m', 3000, 4000, 1), upd('n', 1000, 2000, 7)]);
        await s.insert([upd('m', 1000, 2000, 100), upd('m', 2000, 3000, 200)]);
        await s.insert([upd('m', 3000, 4000, 300)]);
        const series = async (uuids: string[], range?: { from: number; to: number }) =>
          Object.fromEntries(
            Object.entries(await s.metricSeries(uuids, range)).map(([u, rows]) => [
              u,
              rows.map((m) => [m.Start, m.Last, m.ABBytes]),
            ]),
          );
        assert.deepEqual(await series(['m']), {
          m: [
            [1000, 2000, 100],
            [2000, 3000, 200],
            [3000, 4000, 300],
          ],
        });
        assert.deepEqual(
          await series(['m', 'n', 'nothing'], { from: 0, to: 3000 }),
          {
            m: [
              [1000, 2000, 100],
              [2000, 3000, 200],
            ],
            n: [[1000, 2000, 7]],
          },
          'At(3000): every slice recorded up to t',
        );
        assert.deepEqual(
          await series(['m', 'n'], { from: 2000, to: 4000 }),
          {
            m: [
              [2000, 3000, 200],
              [3000, 4000, 300],
            ],
          },
          'Context(4000, 2s): the slices inside [t - d, t]',
        );
        assert.deepEqual(await series(['m'], { from: 2500, to: 3500 }), {}, 'none inside');
        const [last] = (await s.metricSeries(['m'], { from: 3000, to: 4000 }))['m'] ?? [];
        assert.deepEqual(last, {
          ABPackets: 1,
          ABBytes: 300,
          BAPackets: 2,
          BABytes: 3,
          Start: 3000,
          Last: 4000,
          RTT: 42,
        });
        const [first] = (await s.metricSeries(['m']))['m'] ?? [];
        assert.equal(first && 'RTT' in first, false, 'an RTT of 0 is left out');
        assert.deepEqual(await s.metricSeries([]), {});
        await assert.rejects(s.metricSeries(['m'], { from: 'x' as unknown as number, to: 1 }), {
          code: 'SKY_ERR_INVALID_FILTER',
        });
      }),
    );

    it(
      'keeps raw packets apart from the document, serves them by time range and prunes them',
      withStore(async (s) => {
        const b64 = (...bytes: number[]) => Buffer.from(bytes).toString('base64');
        const pkt = (Index: number, Timestamp: number, Data = b64(Index, 1, 2)) => ({
          Timestamp,
          Index,
          Data,
          LinkType: 1,
        });
        const flow = (last: number, raw: unknown[]) => ({
          UUID: 'r',
          Start: 1000,
          Last: last,
          Application: 'TCP',
          LastRawPackets: raw,
        });
        const r1 = await s.insert([flow(2000, [pkt(1, 1000), pkt(2, 1500)])]);
        assert.deepEqual(r1, { stored: 1, rejected: 0, rawPacketsRejected: 0 });
        const r2 = await s.insert([
          flow(3000, [
            pkt(3, 2500),
            pkt(0, 2600),
            pkt(65, 2700),
            pkt(4, 2800, 'not base64!'),
            { Index: 5, Data: b64(1) },
            { ...pkt(6, 2900), LinkType: 2 ** 40 },
            null,
          ]),
          { UUID: 'q', Start: 1, Last: 2, LastRawPackets: 'nope' },
        ]);
        assert.deepEqual(r2, { stored: 2, rejected: 0, rawPacketsRejected: 7 });
        const [doc] = await s.search({ filter: term('UUID', 'r') });
        assert.equal(doc?.Last, 3000);
        assert.equal('LastRawPackets' in (doc ?? {}), false, 'not in the stored document');
        const all = await s.rawPackets(['r', 'q']);
        assert.deepEqual(all, { r: [pkt(1, 1000), pkt(2, 1500), pkt(3, 2500)] });
        assert.deepEqual(await s.rawPackets(['r'], { from: 1500, to: 2500 }), {
          r: [pkt(2, 1500), pkt(3, 2500)],
        });
        await s.insert([flow(3500, [{ ...pkt(3, 2500), Data: b64(9, 9) }])]);
        assert.deepEqual(
          (await s.rawPackets(['r'], { from: 2500, to: 2500 }))['r']?.[0]?.Data,
          b64(9, 9),
          'the later copy of an Index wins',
        );
        assert.deepEqual(await s.prune(1200), { flows: 1, metrics: 0, rawPackets: 1 });
        assert.deepEqual(
          (await s.rawPackets(['r']))['r']?.map((p) => p.Index),
          [2, 3],
        );
      }),
    );

    it(
      'answers generated queries exactly like the in-memory reference',
      withStore(async (s) => {
        const flows = generateFlows(400, 7);
        const ref = new MemoryFlowStore();
        for (let i = 0; i < flows.length; i += 100) {
          await s.insert(flows.slice(i, i + 100));
          await ref.insert(flows.slice(i, i + 100));
        }
        const r = prng(99);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
        const leaf = (): FlowFilter =>
          pick<() => FlowFilter>([
            () => term('Application', pick(['TCP', 'UDP', 'DNS', 'ARP', 'HTTP'])),
            () => term('NodeTID', pick(['n1', 'n2', 'n3'])),
            () => term('Network.A', `10.0.${Math.floor(r() * 4)}.${1 + Math.floor(r() * 20)}`),
            () => ({ TermInt64Filter: { Key: 'Transport.B', Value: pick([53, 80, 443]) } }),
            () => ({ GtInt64Filter: { Key: 'Metric.ABBytes', Value: Math.floor(r() * 100_000) } }),
            () => ({ LtInt64Filter: { Key: 'Start', Value: Math.floor(r() * 100_000) } }),
            () => ({ RegexFilter: { Key: 'Network.B', Value: `\\.${Math.floor(r() * 3)}\\.` } }),
            () => ({
              IPV4RangeFilter: { Key: 'Network.A', Value: `10.0.${Math.floor(r() * 4)}.0/24` },
            }),
            () => ({ NullFilter: { Key: pick(['Transport', 'ICMP', 'FinishType']) } }),
            () => ({ TermInt64Filter: { Key: 'FinishType', Value: 2 } }),
          ])();
        const filter = (depth: number): FlowFilter => {
          if (depth === 0 || r() < 0.4) return leaf();
          const n = 1 + Math.floor(r() * 3);
          const subs = Array.from({ length: n }, () => filter(depth - 1));
          return { BoolFilter: { Op: pick([0, 1, 2]), Filters: subs } };
        };
        for (let i = 0; i < 60; i++) {
          const q: FlowQuery = { filter: filter(3) };
          if (r() < 0.4) {
            const from = Math.floor(r() * 100_000);
            q.range = { from, to: from + Math.floor(r() * 30_000) };
          }
          if (r() < 0.5)
            q.sort = {
              by: pick(['Start', 'Last', 'Metric.ABBytes', 'Network.A', 'UUID', 'Transport.A']),
              order: pick(['asc', 'desc'] as const),
            };
          if (r() < 0.3) q.dedupBy = pick(['TrackingID', 'L3TrackingID', 'Network.A']);
          if (r() < 0.3) q.page = { from: Math.floor(r() * 5), to: 5 + Math.floor(r() * 20) };
          const want = await ref.search(q);
          assert.deepEqual(ids(await s.search(q)), ids(want), JSON.stringify(q));
          assert.equal(await s.count(q), await ref.count(q), `count ${JSON.stringify(q)}`);
          if (i % 10 === 0)
            assert.deepEqual(await s.metrics(q, q.range), await ref.metrics(q, q.range));
          if (i % 6 === 0) {
            const uuids = ids(want).concat('absent');
            const from = Math.floor(r() * 100_000);
            const range = r() < 0.3 ? undefined : { from, to: from + Math.floor(r() * 30_000) };
            assert.deepEqual(
              await s.metricSeries(uuids, range),
              await ref.metricSeries(uuids, range),
              `series ${JSON.stringify(range)}`,
            );
          }
        }
        await ref.close();
      }),
    );
  });
}
