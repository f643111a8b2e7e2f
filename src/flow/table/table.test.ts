// SPDX-License-Identifier: Apache-2.0
// Flow table: Skydive's single-trace tests (metrics, RTT, tunnels, defrag, TCP metrics), the
// flow-ids.md vectors found in real traces, and the timers, eviction and raw packets on made frames.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkType, PacketBatchBuilder } from '../packet.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../pcap/index.js';
import { haveTraces, tracesDir } from '../pcap/traces.test-util.js';
import { flowsOf } from './flows-of.test-util.js';
import { FlowTable } from './table.js';
import { XXH64 } from './xxhash64.js';

const skip = !haveTraces;

test('simple-tcpv4: one flow, Skydive metrics, RTT, SYN/FIN times and TTLs', { skip }, () => {
  const flows = flowsOf('simple-tcpv4.pcap');
  assert.equal(flows.length, 1);
  const f = flows[0]!;
  assert.equal(f.LayersPath, 'Ethernet/IPv4/TCP');
  const m = f.Metric!;
  assert.deepEqual(
    [m.ABPackets, m.ABBytes, m.BAPackets, m.BABytes, m.RTT],
    [5, 344, 3, 206, 33000],
  );
  assert.equal(f.LastUpdateMetric, undefined);
  const t = f.TCPMetric!;
  assert.equal(t.ABSynStart, 1490086703768);
  assert.equal(t.BASynStart, 1490086703768);
  assert.equal(t.ABSynTTL, 64);
  assert.equal(t.BASynTTL, 64);
  assert.equal(t.ABFinStart, 1490086707507);
  assert.equal(t.BAFinStart, 1490086707507);
});

test('icmpv4-truncated: wire lengths counted, RTT in ns, truncation counted', { skip }, () => {
  const f = flowsOf('icmpv4-truncated.pcap')[0]!;
  const m = f.Metric!;
  assert.deepEqual(
    [m.ABPackets, m.ABBytes, m.BAPackets, m.BABytes, m.RTT],
    [1, 1066, 1, 1066, 13104000],
  );
});

test('simple-tcpv6, erspanII, fragments, out-of-order TCP', { skip }, () => {
  const v6 = flowsOf('simple-tcpv6.pcap');
  assert.equal(v6.length, 1);
  assert.equal(v6[0]!.LayersPath, 'Ethernet/IPv6/TCP');
  assert.equal(v6[0]!.Metric!.RTT, 28000);

  const er = flowsOf('erspanII.pcap');
  assert.deepEqual(
    er.map((f) => f.LayersPath),
    ['Ethernet/IPv4/GRE', 'Ethernet/IPv4/ICMPv4'],
  );
  assert.equal(er[1]!.ParentUUID, er[0]!.UUID);

  const noDefrag = flowsOf('ipv4-fragments.pcap', { extraTCPMetric: true, reassembleTCP: true });
  assert.equal(noDefrag.length, 2);
  assert.ok(noDefrag.some((f) => f.LayersPath === 'Ethernet/IPv4/Fragment'));
  const defrag = flowsOf('ipv4-fragments.pcap');
  assert.equal(defrag.length, 1);
  assert.equal(defrag[0]!.LayersPath, 'Ethernet/IPv4/Fragment/ICMPv4');
  assert.deepEqual(defrag[0]!.IPMetric, { Fragments: 1, FragmentErrors: 0 });

  const ooo = flowsOf('eth-ipv4-tcp-http-ooo.pcap');
  assert.equal(ooo.length, 1);
  assert.equal(ooo[0]!.TCPMetric!.ABSegmentOutOfOrder, 0);
  assert.equal(ooo[0]!.TCPMetric!.BASegmentOutOfOrder, 3);
});

test('ping-with-without-ethernet: every ICMPv4 flow has the same L3TrackingID', { skip }, () => {
  const icmp = flowsOf('ping-with-without-ethernet.pcap').filter((f) => f.Application === 'ICMPv4');
  assert.ok(icmp.length >= 2);
  assert.equal(new Set(icmp.map((f) => f.L3TrackingID)).size, 1);
});

test('flow-ids.md vectors appear on the real traces', { skip }, () => {
  const dns = flowsOf('dns.pcap').find((f) => f.Transport?.A === 41278)!;
  assert.equal(dns.L3TrackingID, '1a2a86685b29c35e');
  assert.equal(dns.TrackingID, '181ad6ecea69f1b3');
  const vx = flowsOf('vxlan-src-port.pcap').filter((f) => f.Application === 'VXLAN');
  assert.ok(vx.length >= 1);
  for (const f of vx) {
    assert.equal(f.L3TrackingID, '966aa2a8220b5690');
    assert.equal(f.TrackingID, '41c208dd8e419276');
  }
  const l3 = flowsOf('layer-key-mode.pcap', { layerKeyMode: 'L3' });
  assert.equal(l3[0]!.UUID, 'b19e0a54df6a2006');
  // NodeTID is part of the UUID, not of the TrackingID
  const tid = flowsOf('layer-key-mode.pcap', { layerKeyMode: 'L3', nodeTID: 'host-tid' })[0]!;
  assert.equal(tid.TrackingID, '9e42a86914a043b8');
  assert.equal(tid.NodeTID, 'host-tid');
  const want = new XXH64(0x9e42a869, 0x14a043b8)
    .u64be(0x163, 0x6897912b)
    .ascii('host-tid')
    .digest()
    .hex();
  assert.equal(tid.UUID, want);
});

test('damaged traces give counted errors and flows, never a throw', { skip }, () => {
  for (const name of [
    'icmpv4-truncated.pcap',
    'vxlan-icmpv4-truncated.pcap',
    'ntp-corrupted.pcap',
  ]) {
    const flows = flowsOf(name);
    assert.ok(flows.length >= 1, name);
  }
});

/** An Ethernet/IPv4/UDP or TCP frame from host `a` to host `b`. */
function frame(
  a: number,
  b: number,
  sport: number,
  dport: number,
  proto = 17,
  tcpFlags = 0,
): Uint8Array {
  const l4 = proto === 6 ? 20 : 8;
  const f = new Uint8Array(14 + 20 + l4 + 12);
  f.set([2, 0, 0, 0, 0, b, 2, 0, 0, 0, 0, a, 0x08, 0x00], 0);
  const ip = 14;
  f.set([0x45, 0, 0, 20 + l4 + 12, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, a, 10, 0, 0, b], ip);
  const t = ip + 20;
  f.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff], t);
  if (proto === 6) {
    f[t + 12] = 0x50;
    f[t + 13] = tcpFlags;
  } else f.set([0, l4 + 12], t + 4);
  return f;
}

function feed(table: FlowTable, packets: [Uint8Array, number][]): void {
  const b = new PacketBatchBuilder(LinkType.ETHERNET);
  for (const [data, ms] of packets) b.push(data, ms * 1000);
  table.feed(b.take());
}

test('update ticks send touched flows with deltas; expire ticks end idle flows', () => {
  const t = new FlowTable({ nodeTID: 'n1', captureID: 'c1' });
  feed(t, [
    [frame(1, 2, 1000, 2000), 1000],
    [frame(2, 1, 2000, 1000), 1500],
    [frame(3, 4, 1000, 2000), 1600],
  ]);
  assert.equal(t.size, 2);
  let sent = t.update(2000);
  assert.equal(sent.length, 2);
  const f12 = sent.find((f) => f.Network?.A === '10.0.0.1')!;
  assert.deepEqual(
    [
      f12.LastUpdateMetric!.ABPackets,
      f12.LastUpdateMetric!.BAPackets,
      f12.LastUpdateMetric!.Start,
      f12.LastUpdateMetric!.Last,
    ],
    [1, 1, 1000, 2000],
  );
  assert.equal(f12.NodeTID, 'n1');
  assert.equal(f12.CaptureID, 'c1');
  feed(t, [[frame(1, 2, 1000, 2000), 2500]]);
  sent = t.update(3000);
  assert.equal(sent.length, 1, 'only the touched flow is sent');
  assert.deepEqual([sent[0]!.LastUpdateMetric!.ABPackets, sent[0]!.Metric!.ABPackets], [1, 2]);
  assert.deepEqual(
    [sent[0]!.LastUpdateMetric!.Start, sent[0]!.LastUpdateMetric!.Last],
    [2000, 3000],
  );

  assert.deepEqual(t.expire(10_000), [], 'the first expire tick only sets the mark');
  feed(t, [[frame(3, 4, 1000, 2000), 11_000]]);
  const expired = t.expire(20_000);
  assert.equal(expired.length, 1);
  assert.equal(expired[0]!.Network!.A, '10.0.0.1');
  assert.equal(expired[0]!.FinishType, 1);
  assert.equal(t.size, 1);
  assert.equal(t.counters.flowsExpired, 1);
  assert.equal(t.takeStats({ received: 5 }).FlowCount, 1);
});

test('application timeouts end DNS flows; FIN-started flows leave after the 15 s hold', () => {
  const t = new FlowTable({ keepRemoved: true });
  feed(t, [
    [frame(1, 2, 5353, 53), 1000],
    [frame(1, 2, 40000, 80, 6, 0x01), 1000],
  ]);
  assert.equal(t.update(2000).length, 2);
  const sent = t.update(12_000);
  assert.equal(sent.length, 1, 'the idle DNS flow is sent once more');
  assert.equal(sent[0]!.Transport!.B, 53);
  assert.equal(sent[0]!.FinishType, 1);
  assert.equal(t.size, 1);
  t.update(17_000);
  assert.equal(t.size, 0, 'the FIN flow is gone after 15 s');
  assert.equal(t.counters.flowsAppTimeout, 1);
  assert.equal(t.counters.flowsFinished, 1);
  assert.equal(t.takeRemoved().length, 2);
});

test('a full table evicts the least recently used flow and counts it', () => {
  const t = new FlowTable({ maxEntries: 2 });
  feed(t, [
    [frame(1, 2, 1, 1), 1000],
    [frame(3, 4, 1, 1), 1001],
    [frame(1, 2, 1, 1), 1002],
    [frame(5, 6, 1, 1), 1003],
  ]);
  assert.equal(t.size, 2);
  assert.deepEqual(
    t
      .flows()
      .map((f) => f.Network!.A)
      .sort(),
    ['10.0.0.1', '10.0.0.5'],
  );
  assert.equal(t.counters.flowsEvicted, 1);
  assert.equal(t.takeStats().FlowDropped, 1);
  assert.equal(t.takeStats().FlowDropped, 0, 'reset after each Stats');
});

test('raw packets: the first N per flow are kept until sent', () => {
  const t = new FlowTable({ rawPacketLimit: 2 });
  const a = frame(1, 2, 1, 1);
  feed(t, [
    [a, 1000],
    [a, 1001],
    [a, 1002],
  ]);
  const f = t.flows(true)[0]!;
  assert.equal(f.RawPacketsCaptured, 2);
  assert.equal(f.LastRawPackets!.length, 2);
  assert.deepEqual([...f.LastRawPackets![1]!.Data!], [...a]);
  assert.equal(f.LastRawPackets![1]!.Index, 2);
  assert.equal(f.LastRawPackets![0]!.LinkType, 1);
  t.update(2000);
  assert.equal(t.flows(true)[0]!.LastRawPackets, undefined, 'cleared after a send');
});

test('garbage frames are counted, not thrown', () => {
  const t = new FlowTable();
  const b = new PacketBatchBuilder(LinkType.ETHERNET);
  b.push(Uint8Array.of(1, 2, 3), 1);
  b.push(new Uint8Array(0), 2);
  const junk = frame(1, 2, 1, 1);
  junk[14] = 0x4f; // IHL beyond the frame
  b.push(junk, 3);
  t.feed(b.take());
  assert.equal(t.counters.packets, 3);
  const errors = Object.values(t.counters.decodeErrors).reduce((x, y) => x + y, 0);
  assert.ok(errors >= 2, JSON.stringify(t.counters));
});

test('ICMPv6 echo: one flow for request and reply, keyed by 2<<24 | identifier (flow-ids.md §4)', () => {
  const src = Uint8Array.from([0xfd, 0, ...new Array<number>(13).fill(0), 2]);
  const dst = Uint8Array.from([0xfd, 0, ...new Array<number>(13).fill(0), 1]);
  const echo = (from: Uint8Array, to: Uint8Array, type: number) => {
    const f = new Uint8Array(14 + 40 + 8);
    f.set([2, 0, 0, 0, 0, to[15]!, 2, 0, 0, 0, 0, from[15]!, 0x86, 0xdd], 0);
    f.set([0x60, 0, 0, 0, 0, 8, 58, 64], 14);
    f.set(from, 22);
    f.set(to, 38);
    f.set([type, 0, 0, 0, 0x12, 0x34, 0, 1], 54);
    return f;
  };
  const t = new FlowTable({ layerKeyMode: 'L3' });
  feed(t, [
    [echo(src, dst, 128), 1000],
    [echo(dst, src, 129), 1002],
  ]);
  const flows = t.flows();
  assert.equal(flows.length, 1);
  const f = flows[0]!;
  assert.equal(f.LayersPath, 'Ethernet/IPv6/ICMPv6/ICMPv6Echo');
  assert.deepEqual(f.ICMP, { Type: 'ECHO', ID: 0x1234 });
  assert.equal(f.Metric!.RTT, 2_000_000);
  // dst < src: swapped network record, then the ICMP value
  const key = new Uint8Array(16 + 16 + 8 + 4 + 8);
  key.set(dst, 0);
  key.set(src, 16);
  key[39] = 2;
  key.set([2, 0, 0x12, 0x34], 40);
  assert.equal(f.L3TrackingID, new XXH64().update(key).digest().hex());
  assert.equal(f.TrackingID, f.L3TrackingID);
});

test('TCP metrics are the same when a snap length cuts the payload off', { skip }, () => {
  const opts = { extraTCPMetric: true, reassembleTCP: true, ipDefrag: true };
  const full = new FlowTable(opts);
  const cut = new FlowTable(opts);
  const trace = readCapture(readFileSync(join(tracesDir, 'eth-ipv4-tcp-http-ooo.pcap')));
  let truncated = 0;
  for (const b of trace.batches) {
    full.feed(b);
    // The same packets as a capture with HeaderSize 80 would hand over them.
    const nb = new PacketBatchBuilder(b.linkType, b.count);
    for (let i = 0; i < b.count; i++) {
      const start = b.offsets[i]!;
      const len = b.capLens[i]!;
      if (len > 80) truncated++;
      nb.push(
        b.buffer.subarray(start, start + Math.min(len, 80)),
        b.timestamps[i]!,
        b.wireLens[i]!,
      );
    }
    cut.feed(nb.take());
  }
  assert.ok(truncated > 3, 'the trace has segments longer than the snap length');
  const [a] = full.flows();
  const [c] = cut.flows();
  assert.deepEqual(c!.Metric, a!.Metric);
  assert.deepEqual(c!.TCPMetric, a!.TCPMetric);
  assert.equal(a!.TCPMetric!.BASegmentOutOfOrder, 3);
});
