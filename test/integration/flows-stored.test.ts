// SPDX-License-Identifier: Apache-2.0
// Flows stored by an analyzer with its SQLite flow store (the default backend): a flow sent in
// several updates over time answers Metrics() under At()/Context() with the series of slices the
// store recorded, and RawPackets() under At() with the packets of every update, also as a pcap.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { before, describe, test } from 'node:test';
import { readCapture } from '../../src/flow/pcap/index.js';
import { encodeFlowMessage, type Flow, type FlowMetric } from '../../src/protocol/flow.js';
import { eventually, startTestAnalyzer, suiteTeardown, type TestAnalyzer } from './helpers.js';

const teardown = suiteTeardown();
let an: TestAnalyzer;

/** Sends one flow.Message datagram to the analyzer's UDP flow port. */
function send(flow: Flow): Promise<void> {
  const i = an.address.lastIndexOf(':');
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) =>
    s.send(
      encodeFlowMessage({ Flows: [flow] }),
      Number(an.address.slice(i + 1)),
      an.address.slice(0, i),
      (err) => {
        s.close();
        if (err) reject(err);
        else resolve();
      },
    ),
  );
}

// Slices of S ms from T0, just after the analyzer started (At() before its history begins is
// refused); flow sk-a is updated three times, sk-b once.
let T0 = 0;
const S = 300;

const metric = (from: number, to: number, ab: number): FlowMetric => ({
  ABPackets: ab,
  ABBytes: 100 * ab,
  BAPackets: 1,
  BABytes: 60,
  Start: from,
  Last: to,
});

/** An ICMP echo request in an Ethernet frame (42 bytes; the rest of the header is zeros). */
function frame(proto: number, tag: number): Uint8Array {
  const f = new Uint8Array(42);
  f.set([0x08, 0x00], 12); // IPv4
  f[14] = 0x45;
  f[23] = proto;
  f[41] = tag;
  return f;
}
const ICMP = frame(1, 7);
const TCP = frame(6, 8);

function update(uuid: string, n: number, raw: Flow['LastRawPackets'] = []): Flow {
  const last = T0 + n * S;
  return {
    UUID: uuid,
    LayersPath: 'Ethernet/IPv4/ICMPv4',
    Application: 'ICMPv4',
    Network: {
      Protocol: 'IPV4',
      A: '192.0.2.1',
      B: uuid === 'sk-a' ? '192.0.2.2' : '192.0.2.3',
      ID: 0,
    },
    Metric: metric(T0, last, 3 * n),
    LastUpdateMetric: metric(last - S, last, n),
    Start: T0,
    Last: last,
    ParentUUID: '',
    NodeTID: 'tid-stored',
    TrackingID: `tr-${uuid}`,
    RawPacketsCaptured: raw.length,
    LastRawPackets: raw,
  };
}

type Series = Record<string, { Start: number; Last: number; ABPackets: number }[]>[];
const slices = (v: unknown): Record<string, number[][]> =>
  Object.fromEntries(
    Object.entries((v as Series)[0] ?? {}).map(([k, l]) => [
      k,
      l.map((m) => [m.Start - T0, m.Last - T0, m.ABPackets]),
    ]),
  );

describe('Flows() on stored flows (SQLite flow store)', () => {
  before(async () => {
    an = await startTestAnalyzer(teardown, { logs: 'silent' });
    T0 = Date.now() + 10;
    await send(update('sk-a', 1, [{ Timestamp: T0 + 20, Index: 1, Data: ICMP, LinkType: 1 }]));
    await send(update('sk-a', 2, [{ Timestamp: T0 + S + 100, Index: 2, Data: TCP, LinkType: 1 }]));
    await send(update('sk-a', 3));
    await send(update('sk-b', 2));
    // the queries below ask about times up to T0 + 3S: let them pass first
    while (Date.now() <= T0 + 3 * S) await new Promise((r) => setTimeout(r, 50));
    // stored once the flow server's bulk and the flow writer have run
    await eventually(
      async () => {
        const all = slices(await an.client().query(`G.At(${T0 + 3 * S}).Flows().Metrics()`));
        assert.equal(all['sk-a']?.length, 3, 'three updates of sk-a stored');
        assert.equal(all['sk-b']?.length, 1, 'one update of sk-b stored');
      },
      { timeoutMs: 20_000 },
    );
  });

  test('At(t).Flows().Metrics() answers every slice recorded up to t', async () => {
    const q = (g: string) => an.client().query(g);
    assert.deepEqual(slices(await q(`G.At(${T0 + 3 * S}).Flows().Metrics()`)), {
      'sk-a': [
        [0, S, 1],
        [S, 2 * S, 2],
        [2 * S, 3 * S, 3],
      ],
      'sk-b': [[S, 2 * S, 2]],
    });
    assert.deepEqual(
      slices(await q(`G.At(${T0 + 2 * S}).Flows().Has('UUID', 'sk-a').Metrics()`)),
      {
        'sk-a': [
          [0, S, 1],
          [S, 2 * S, 2],
        ],
      },
      'not the slice recorded after t',
    );
    assert.equal(await q(`G.At(${T0 + 3 * S}).Flows().Metrics().Sum('ABPackets')`), 8);
    // live, the same query answers the last update only
    assert.deepEqual(slices(await q("G.Flows().Has('UUID', 'sk-a').Metrics()")), {
      'sk-a': [[2 * S, 3 * S, 3]],
    });
  });

  test('Context(t, d).Flows().Metrics() answers the slices recorded in [t - d, t]', async () => {
    const t = T0 + 3 * S;
    assert.deepEqual(
      slices(await an.client().query(`G.Context(${t}, '600ms').Flows().Metrics()`)),
      {
        'sk-a': [
          [S, 2 * S, 2],
          [2 * S, 3 * S, 3],
        ],
        'sk-b': [[S, 2 * S, 2]],
      },
    );
    assert.deepEqual(
      slices(await an.client().query(`G.Context(${t}, '450ms').Flows().Metrics()`)),
      {
        'sk-a': [[2 * S, 3 * S, 3]],
      },
    );
  });

  test('RawPackets() under At() serves the packets of every update, as JSON and as a pcap', async () => {
    const q = `G.At(${T0 + 3 * S}).Flows().Has('UUID', 'sk-a').RawPackets()`;
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    assert.deepEqual(await an.client().query(q), [
      {
        'sk-a': [
          { Timestamp: T0 + 20, Index: 1, Data: b64(ICMP), LinkType: 1 },
          { Timestamp: T0 + S + 100, Index: 2, Data: b64(TCP), LinkType: 1 },
        ],
      },
    ]);
    assert.equal(await an.client().query(`${q}.BPF('icmp').Count()`), 1);
    assert.deepEqual(
      await an.client().query(`G.Context(${T0 + 2 * S}, '250ms').Flows().RawPackets()`),
      [{ 'sk-a': [{ Timestamp: T0 + S + 100, Index: 2, Data: b64(TCP), LinkType: 1 }] }],
      'only the packets captured in [t - d, t]',
    );
    const pcap = await an.client().query(q, { accept: 'pcap' });
    const read = readCapture(new Uint8Array(pcap));
    assert.equal(read.format, 'pcap');
    assert.equal(read.stats.packets, 2, 'both packets in the pcap');
    assert.ok(pcap.indexOf(Buffer.from(ICMP)) < pcap.indexOf(Buffer.from(TCP)), 'in time order');
    assert.ok(pcap.indexOf(Buffer.from(ICMP)) > 0);
    // the stored document itself never carries them (Skydive's flow JSON has no LastRawPackets)
    const [flow] = (await an
      .client()
      .query(`G.At(${T0 + 3 * S}).Flows().Has('UUID', 'sk-a')`)) as Record<string, unknown>[];
    assert.equal(flow?.['Last'], T0 + 3 * S);
    assert.equal('LastRawPackets' in (flow ?? {}), false);
  });
});
