// SPDX-License-Identifier: Apache-2.0
// Flows() and its steps on a small graph and a fixed set of flows: node restriction by capture
// node TID, aliases, either-side keys, Dedup/Sort/Limit/Range, Values/Keys/Sum, nodes reached from
// flows, metrics and aggregates, groups, raw packets with BPF, sockets, and the time context.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/graph.js';
import type { GraphView } from '../../graph/types.js';
import { GremlinEngine, toJSON } from '../../gremlin/index.js';
import type { Flow } from '../../protocol/flow.js';
import { flowExtensions, type FlowSource } from './extension.js';

const MAC_A = 'aa:00:00:00:00:01';
const MAC_B = 'aa:00:00:00:00:02';

function flow(i: number, over: Partial<Flow> = {}): Flow {
  return {
    UUID: `f${i}`,
    LayersPath: 'Ethernet/IPv4/TCP',
    Application: 'TCP',
    Link: { Protocol: 'ETHERNET', A: MAC_A, B: MAC_B, ID: 0 },
    Network: { Protocol: 'IPV4', A: '10.0.0.1', B: `10.0.0.${10 + i}`, ID: 0 },
    Transport: { Protocol: 'TCP', A: 40000 + i, B: 80, ID: 0 },
    Metric: {
      ABPackets: i,
      ABBytes: 100 * i,
      BAPackets: 1,
      BABytes: 60,
      Start: 1000,
      Last: 1000 + i,
    },
    LastUpdateMetric: {
      ABPackets: 1,
      ABBytes: 10,
      BAPackets: 0,
      BABytes: 0,
      Start: 30_000 * i,
      Last: 30_000 * i + 5,
    },
    Start: 1000,
    Last: 1000 + i,
    TrackingID: i < 2 ? 'same' : `t${i}`,
    ParentUUID: '',
    NodeTID: i === 3 ? 'tid-b' : 'tid-a',
    RawPacketsCaptured: 0,
    ...over,
  };
}

const FLOWS: Flow[] = [0, 1, 2, 3].map((i) => flow(i));

function setup(stored?: FlowSource['stored'], extra: Partial<FlowSource> = {}) {
  const g = new Graph({ host: 'h', origin: 'analyzer.h' });
  g.newNode({ Name: 'eth-a', Type: 'veth', TID: 'tid-a', MAC: MAC_A }, { id: 'na' });
  g.newNode(
    {
      Name: 'eth-b',
      Type: 'veth',
      TID: 'tid-b',
      MAC: MAC_B,
      Sockets: [
        {
          Protocol: 'TCP',
          LocalAddress: '10.0.0.12',
          LocalPort: 80,
          RemoteAddress: '10.0.0.1',
          RemotePort: 40002,
          Process: 'httpd',
        },
      ],
    },
    { id: 'nb' },
  );
  g.newNode({ Name: 'host', Type: 'host', TID: 'tid-a' }, { id: 'nh' });
  const engine = new GremlinEngine({
    history: {
      at: (t: number): GraphView => Object.assign(Object.create(g) as GraphView, { at: t }),
    },
  });
  const source: FlowSource = {
    live: () => FLOWS,
    expireMs: 600_000,
    ...(stored ? { stored } : {}),
    ...extra,
  };
  for (const ext of flowExtensions(source)) engine.register(ext);
  return async (q: string) => toJSON(await engine.execute(q, g));
}

const uuids = (v: unknown) => (v as { UUID: string }[]).map((f) => f.UUID);

describe('Flows()', () => {
  it('G.Flows() gives every live flow; V().Flows() those captured on the nodes', async () => {
    const q = setup();
    assert.deepEqual(uuids(await q('G.Flows()')), ['f0', 'f1', 'f2', 'f3']);
    assert.deepEqual(uuids(await q("G.V().Has('Name', 'eth-b').Flows()")), ['f3']);
    assert.deepEqual(await q("G.V().Has('Type', 'host').Flows()"), [], 'hosts capture nothing');
  });

  it('filters with aliases, either-side keys and predicates', async () => {
    const q = setup();
    assert.deepEqual(uuids(await q("G.Flows().Has('Network', '10.0.0.12')")), ['f2']);
    assert.deepEqual(uuids(await q("G.Flows('IPV4.B', '10.0.0.11')")), ['f1']);
    assert.deepEqual(uuids(await q("G.Flows().Has('TCP.A', GT(40001))")), ['f2', 'f3']);
    assert.deepEqual(uuids(await q("G.Flows().HasEither('UUID', 'f0', 'UUID', 'f3')")), [
      'f0',
      'f3',
    ]);
    assert.deepEqual(uuids(await q("G.Flows().Has('ETHERNET.A', '" + MAC_A + "').Limit(1)")), [
      'f0',
    ]);
    await assert.rejects(q("G.Flows().Has('UUID')"), /at least two parameters/);
  });

  it('Dedup, Sort, Range, Count, Values, Keys, Sum', async () => {
    const q = setup();
    assert.deepEqual(uuids(await q('G.Flows().Dedup()')), ['f0', 'f2', 'f3'], 'by TrackingID');
    assert.deepEqual(uuids(await q("G.Flows().Sort(DESC, 'Metric.ABBytes')")), [
      'f3',
      'f2',
      'f1',
      'f0',
    ]);
    assert.deepEqual(uuids(await q('G.Flows().Sort().Range(1, 3)')), ['f1', 'f2']);
    assert.equal(await q('G.Flows().Count()'), 4);
    assert.deepEqual(await q("G.Flows().Values('Transport.A')"), [40000, 40001, 40002, 40003]);
    assert.ok(((await q('G.Flows().Keys()')) as string[]).includes('Metric.ABPackets'));
    assert.equal(await q("G.Flows().Sum('Metric.ABPackets')"), 6);
    await assert.rejects(q("G.Flows().Sum('Start')"), /only sub fields of Metric/);
  });

  it('reaches nodes: capture node, A/B ends by MAC, all of them', async () => {
    const q = setup();
    const names = (v: unknown) =>
      (v as { Metadata: { Name: string } }[]).map((n) => n.Metadata.Name);
    assert.deepEqual(names(await q("G.Flows().Has('UUID', 'f3').CaptureNode()")), ['eth-b']);
    assert.deepEqual(names(await q("G.Flows().Has('UUID', 'f3').Node()")), ['eth-b']);
    assert.deepEqual(names(await q("G.Flows().Has('UUID', 'f0').Out()")), ['eth-b']);
    assert.deepEqual(names(await q("G.Flows().Has('UUID', 'f0').In()")), ['eth-a']);
    assert.deepEqual(names(await q("G.Flows().Has('UUID', 'f0').Nodes()")), [
      'eth-a',
      'eth-a',
      'eth-b',
    ]);
    assert.deepEqual(names(await q("G.Flows().Has('UUID', 'f0').Hops('Type', 'veth')")), ['eth-a']);
  });

  it('metrics, aggregates and their sum', async () => {
    const q = setup();
    const m = (await q("G.Flows().Has('UUID', 'f1').Metrics()")) as Record<string, unknown[]>[];
    assert.deepEqual(Object.keys(m[0]!), ['f1']);
    assert.deepEqual(await q('G.Flows().Metrics().Aggregates()'), [
      {
        Aggregated: [0, 1, 2, 3].map((i) => ({
          ABPackets: 1,
          ABBytes: 10,
          BAPackets: 0,
          BABytes: 0,
          Start: 30_000 * i,
          Last: 30_000 * (i + 1),
        })),
      },
    ]);
    assert.equal(await q("G.Flows().Metrics().Sum('ABBytes')"), 40);
    assert.deepEqual(await q("G.Flows().Has('UUID', 'nope').Metrics()"), []);
  });

  it('groups by TrackingID; MoreThan keeps groups of several flows', async () => {
    const q = setup();
    const groups = (await q('G.Flows().Group().MoreThan(1)')) as Record<string, unknown[]>[];
    assert.deepEqual(Object.keys(groups[0]!), ['same']);
    assert.equal(groups[0]!.same!.length, 2);
  });

  it('sockets at either end of a flow', async () => {
    const q = setup();
    const s = (await q('G.Flows().Sockets()')) as Record<string, { Process: string }[]>[];
    assert.deepEqual(Object.keys(s[0]!), ['f2']);
    assert.equal(s[0]!.f2![0]!.Process, 'httpd');
    assert.equal(await q("G.V().Has('Name', 'eth-b').Sockets().Count()"), 1);
  });

  it('raw packets, filtered with BPF', async () => {
    const icmp = new Uint8Array(42);
    icmp.set([0x08, 0x00], 12);
    icmp[14] = 0x45;
    icmp[23] = 1;
    const tcp = icmp.slice();
    tcp[23] = 6;
    FLOWS[0]!.LastRawPackets = [
      { Timestamp: 1, Index: 0, Data: icmp, LinkType: 1 },
      { Timestamp: 2, Index: 1, Data: tcp, LinkType: 1 },
    ];
    try {
      const q = setup();
      const raw = (await q('G.Flows().RawPackets()')) as Record<string, { Data: string }[]>[];
      assert.equal(raw[0]!.f0!.length, 2);
      assert.equal(raw[0]!.f0![0]!.Data, Buffer.from(icmp).toString('base64'));
      assert.equal(await q("G.Flows().RawPackets().BPF('icmp').Count()"), 1);
      await assert.rejects(q("G.Flows().RawPackets().BPF('port nope')"), /unknown port/);
    } finally {
      delete FLOWS[0]!.LastRawPackets;
    }
  });

  it('under At(): stored flows over [t - flow.expire, t], or a clear error without storage', async () => {
    let asked: { from: number; to: number } | undefined;
    const q = setup(async (range) => {
      asked = range;
      return [flow(7)];
    });
    assert.deepEqual(uuids(await q('G.At(1700000000).Flows()')), ['f7']);
    assert.deepEqual(asked, { from: 1_700_000_000_000 - 600_000, to: 1_700_000_000_000 });
    await assert.rejects(setup()('G.At(1700000000).Flows()'), /No flow storage configured/);
  });

  it('pushes Has filters it can express down to the store, keeping a superset', async () => {
    let pushed: unknown;
    const q = setup(async (_range, _tids, filter) => {
      pushed = filter;
      return [flow(7)];
    });
    await q(
      "G.At(1700000000).Flows().Has('Network', '10.0.0.1', 'TCP.B', GT(79), 'UUID', NE('x'))",
    );
    assert.deepEqual(pushed, {
      BoolFilter: {
        Op: 1,
        Filters: [
          {
            BoolFilter: {
              Op: 0,
              Filters: [
                { TermStringFilter: { Key: 'Network.A', Value: '10.0.0.1' } },
                { TermStringFilter: { Key: 'Network.B', Value: '10.0.0.1' } },
              ],
            },
          },
          { GtInt64Filter: { Key: 'Transport.B', Value: 79 } },
        ],
      },
    });
    await q("G.At(1700000000).Flows().HasEither('UUID', 'a', 'UUID', NE('b'))");
    assert.equal(pushed, undefined, 'an OR with an inexpressible term pushes nothing');
  });

  it('Metrics() and RawPackets() under At()/Context() read the series the store recorded', async () => {
    const T = 1_700_000_000_000;
    const row = (start: number, ab: number) => ({
      ABPackets: 1,
      ABBytes: ab,
      BAPackets: 0,
      BABytes: 0,
      Start: start,
      Last: start + 30_000,
    });
    // what a store recorded: one row per update of f7, the last one after t
    const recorded: Record<string, ReturnType<typeof row>[]> = {
      f7: [row(T - 120_000, 1), row(T - 90_000, 2), row(T - 30_000, 3), row(T + 10_000, 4)],
    };
    const asked: unknown[] = [];
    const flowsAsked: unknown[] = [];
    const icmp = new Uint8Array(42);
    icmp.set([0x08, 0x00, 0x45], 12);
    icmp[23] = 1;
    const q = setup(
      async (range) => {
        flowsAsked.push(range);
        return [flow(7), flow(8)];
      },
      {
        storedMetrics: async (ids, range) => {
          asked.push([ids, range]);
          const out: Record<string, ReturnType<typeof row>[]> = {};
          for (const id of ids) {
            const l = (recorded[id] ?? []).filter(
              (m) => m.Start >= range.from && m.Last <= range.to,
            );
            if (l.length > 0) out[id] = l;
          }
          return out;
        },
        storedRawPackets: async (ids, range) => {
          asked.push([ids, range]);
          const pkt = { Timestamp: T - 1000, Index: 1, Data: '', LinkType: 1 };
          return ids.includes('f7') && pkt.Timestamp >= range.from && pkt.Timestamp <= range.to
            ? { f7: [{ ...pkt, Data: Buffer.from(icmp).toString('base64') }] }
            : {};
        },
      },
    );
    const series = (v: unknown) =>
      Object.fromEntries(
        Object.entries((v as Record<string, { ABBytes: number }[]>[])[0] ?? {}).map(([k, l]) => [
          k,
          l.map((m) => m.ABBytes),
        ]),
      );
    assert.deepEqual(series(await q('G.At(1700000000).Flows().Metrics()')), { f7: [1, 2, 3] });
    assert.deepEqual(asked.pop(), [['f7', 'f8'], { from: 0, to: T }], 'At(t): everything up to t');
    assert.deepEqual(series(await q('G.Context(1700000000, 60).Flows().Metrics()')), { f7: [3] });
    assert.deepEqual(asked.pop(), [['f7', 'f8'], { from: T - 60_000, to: T }]);
    assert.deepEqual(flowsAsked.pop(), { from: T - 60_000 - 600_000, to: T });
    assert.equal(await q('G.At(1700000000).Flows().Metrics().Count()'), 3);
    assert.equal(await q("G.At(1700000000).Flows().Metrics().Sum('ABBytes')"), 6);
    assert.deepEqual(await q("G.At(1700000000).Flows().Has('UUID', 'f8').Metrics()"), []);
    const raw = (await q('G.At(1700000000).Flows().RawPackets()')) as Record<string, unknown>[];
    assert.deepEqual(raw, [
      {
        f7: [
          {
            Timestamp: T - 1000,
            Index: 1,
            Data: Buffer.from(icmp).toString('base64'),
            LinkType: 1,
          },
        ],
      },
    ]);
    assert.equal(await q("G.At(1700000000).Flows().RawPackets().BPF('icmp').Count()"), 1);
    assert.deepEqual(await q("G.Context(1700000000, '500ms').Flows().RawPackets()"), []);
    const noSeries = setup(async () => [flow(7)]);
    assert.deepEqual(
      await noSeries('G.At(1700000000).Flows().RawPackets()'),
      [],
      'a store without raw packets answers none, never the live ones',
    );
  });
});
