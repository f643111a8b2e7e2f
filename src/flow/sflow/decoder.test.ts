// SPDX-License-Identifier: Apache-2.0
// sFlow v5 decoding of crafted datagrams: flow samples (plain and expanded) to packets with sampling
// rates, counter samples, unknown formats skipped by length, and damaged datagrams counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkType, packetAt } from '../packet.js';
import type { IfCounters } from './counters.js';
import { SFlowDecoder } from './decoder.js';
import { encodeDatagram } from './encoder.js';
import { SFlowMetrics } from './metrics.js';

const frame = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function ifCounters(ifIndex: number, inOctets: number, inUcast: number): IfCounters {
  return {
    ifIndex,
    ifType: 6,
    ifSpeed: 10_000_000_000,
    ifDirection: 1,
    ifStatus: 3,
    ifInOctets: inOctets,
    ifInUcastPkts: inUcast,
    ifInMulticastPkts: 0,
    ifInBroadcastPkts: 0,
    ifInDiscards: 0,
    ifInErrors: 0,
    ifInUnknownProtos: 0xffffffff,
    ifOutOctets: 2 ** 40 + 5,
    ifOutUcastPkts: 7,
    ifOutMulticastPkts: 0,
    ifOutBroadcastPkts: 0,
    ifOutDiscards: 0,
    ifOutErrors: 0,
    ifPromiscuousMode: 0,
  };
}

function sampleDatagram(): Uint8Array {
  return encodeDatagram({
    agent: '10.1.2.3',
    samples: [
      {
        samplingRate: 64,
        packets: [{ header: frame(60, 1), frameLength: 1518, stripped: 4 }],
      },
      { sourceIndex: 3, generic: ifCounters(3, 1000, 10) },
      {
        expanded: true,
        samplingRate: 400,
        sourceIndex: 0x1234567,
        packets: [
          { header: frame(42, 2) },
          { header: frame(21, 3), protocol: 11, frameLength: 100 },
        ],
      },
    ],
  });
}

describe('sFlow decoder', () => {
  it('turns raw packet headers into batches with sampling rates, per link type', () => {
    const d = new SFlowDecoder();
    assert.equal(d.decode(sampleDatagram(), 5e15), 3);
    const { batches, counters } = d.take();
    assert.deepEqual(
      batches.map((b) => b.linkType),
      [LinkType.ETHERNET, LinkType.IPV4],
    );
    const [eth, ip] = batches;
    assert.equal(eth!.count, 2);
    assert.deepEqual([...packetAt(eth!, 0)], [...frame(60, 1)]);
    assert.equal(eth!.wireLens[0], 1514, 'frame length minus stripped bytes');
    assert.deepEqual([...packetAt(eth!, 1)], [...frame(42, 2)]);
    assert.equal(eth!.wireLens[1], 42);
    assert.deepEqual([...eth!.samplingRates!.subarray(0, 2)], [64, 400]);
    assert.equal(eth!.timestamps[0], 5e15);
    assert.equal(ip!.count, 1);
    assert.deepEqual([...packetAt(ip!, 0)], [...frame(21, 3)]);
    assert.equal(ip!.samplingRates![0], 400);
    assert.equal(counters.length, 1);
    assert.equal(counters[0]!.agent, '10.1.2.3');
    assert.equal(counters[0]!.sourceIdIndex, 3);
    assert.deepEqual(counters[0]!.generic, ifCounters(3, 1000, 10));
    assert.deepEqual(
      { ...d.stats },
      {
        datagrams: 1,
        badDatagrams: 0,
        flowSamples: 2,
        counterSamples: 1,
        unknownSamples: 0,
        unknownRecords: 0,
        malformed: 0,
        packets: 3,
        unsupportedHeaders: 0,
      },
    );
    assert.equal(d.take().batches.length, 0, 'take() empties the decoder');
  });

  it('reads an IPv6 agent address and expanded counter samples', () => {
    const v4 = encodeDatagram({ samples: [{ sourceIndex: 9, generic: ifCounters(9, 1, 1) }] });
    // IPv6 agent: address type 2 and 16 address bytes instead of 4.
    const v6 = new Uint8Array(v4.length + 12);
    v6.set(v4.subarray(0, 8));
    new DataView(v6.buffer).setUint32(4, 2);
    v6.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42], 8);
    v6.set(v4.subarray(12), 24);
    // Expanded counter sample (format 4): source ID type and index as two words.
    const dv = new DataView(v6.buffer);
    const sample = 24 + 16;
    const body = v6.subarray(sample + 8);
    const expanded = new Uint8Array(v6.length + 4);
    expanded.set(v6.subarray(0, sample));
    const edv = new DataView(expanded.buffer);
    edv.setUint32(sample, 4);
    edv.setUint32(sample + 4, dv.getUint32(sample + 4) + 4);
    edv.setUint32(sample + 8, 1); // sequence
    edv.setUint32(sample + 12, 0); // source ID type
    edv.setUint32(sample + 16, 9); // source ID index
    expanded.set(body.subarray(8), sample + 20); // record count and records
    const d = new SFlowDecoder();
    assert.equal(d.decode(expanded, 0), 1, d.lastError);
    const [c] = d.take().counters;
    assert.equal(c!.agent, '2001:db8::42');
    assert.deepEqual([c!.sourceIdType, c!.sourceIdIndex], [0, 9]);
    assert.equal(c!.generic?.ifIndex, 9);
    assert.equal(d.stats.malformed, 0);
  });

  it('skips unknown samples and records by their length', () => {
    const dgram = sampleDatagram();
    const dv = new DataView(dgram.buffer);
    // First sample: header 28 bytes, then format/length at 28; its first record at 28+8+32.
    dv.setUint32(28 + 8 + 32, 1001); // flow record format → unknown
    const counterAt = 28 + 8 + dv.getUint32(28 + 4);
    dv.setUint32(counterAt, (7 << 12) | 2); // enterprise 7 counter sample → unknown
    const d = new SFlowDecoder();
    d.decode(dgram, 0);
    const { batches, counters } = d.take();
    assert.equal(d.stats.unknownRecords, 1);
    assert.equal(d.stats.unknownSamples, 1);
    assert.equal(counters.length, 0);
    assert.equal(batches[0]!.count, 1, 'the expanded sample after them is read');
    assert.deepEqual([...packetAt(batches[0]!, 0)], [...frame(42, 2)]);
  });

  it('counts truncated and damaged datagrams at every length, never throws', () => {
    const dgram = sampleDatagram();
    const d = new SFlowDecoder();
    for (let n = 0; n < dgram.length; n++) d.decode(dgram.subarray(0, n), 0);
    assert.equal(d.stats.datagrams, dgram.length);
    assert.equal(d.stats.badDatagrams, 28, 'headers shorter than 28 bytes are refused');
    assert.equal(d.stats.badDatagrams + d.stats.malformed, dgram.length, 'one count per cut');
    assert.match(d.lastError ?? '', /byte \d+/);
    const bad = dgram.slice();
    new DataView(bad.buffer).setUint32(0, 4);
    d.decode(bad, 0);
    assert.equal(d.lastError, 'not an sFlow v5 datagram');
    new DataView(bad.buffer).setUint32(0, 5);
    new DataView(bad.buffer).setUint32(28 + 4, 0x7ffffff0);
    const before = d.stats.malformed;
    assert.equal(d.decode(bad, 0), 0);
    assert.equal(d.stats.malformed, before + 1);
  });
});

describe('SFlow metadata', () => {
  it('sums interfaces, keeps old values for 0 and all-ones, and reports the change', () => {
    const m = new SFlowMetrics();
    const c = (i: number, o: number, u: number) => ({
      agent: 'a',
      sourceIdType: 0,
      sourceIdIndex: i,
      sequence: 1,
      generic: ifCounters(i, o, u),
    });
    assert.equal(m.update([], 1000), undefined);
    const first = m.update([c(1, 100, 1), c(2, 50, 2)], 1000)!;
    assert.equal(first.Metric['IfInOctets'], 150);
    assert.equal(first.Metric['IfInUnknownProtos'], undefined, 'all-ones is "unknown"');
    assert.equal(first.Metric['Last'], 1000);
    assert.equal(first.IfMetrics['2']!.IfInUcastPkts, 2);
    const second = m.update([c(1, 160, 0)], 3000)!;
    assert.equal(second.Metric['IfInOctets'], 210);
    assert.equal(second.IfMetrics['1']!.IfInUcastPkts, 1, 'a zero keeps the previous value');
    assert.deepEqual(second.LastUpdateMetric, { IfInOctets: 60, Start: 1000, Last: 3000 });
  });
});
