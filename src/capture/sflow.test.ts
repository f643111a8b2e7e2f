// SPDX-License-Identifier: Apache-2.0
// SFlowSource on loopback: datagrams sent over UDP become batches with sampling rates and SFlow
// metadata; damaged datagrams are counted; a port range hands out the next free port.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import type { PacketBatch } from '../flow/packet.js';
import { encodeDatagram } from '../flow/sflow/encoder.js';
import type { SFlowMetadata } from '../flow/sflow/index.js';
import { SFlowSource } from './sflow.js';

async function send(port: number, msgs: Uint8Array[]): Promise<void> {
  const s = createSocket('udp4');
  for (const m of msgs) await new Promise<void>((r) => s.send(m, port, '127.0.0.1', () => r()));
  s.close();
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

const generic = {
  ifIndex: 2,
  ifType: 6,
  ifSpeed: 0,
  ifDirection: 0,
  ifStatus: 1,
  ifInOctets: 500,
  ifInUcastPkts: 5,
  ifInMulticastPkts: 0,
  ifInBroadcastPkts: 0,
  ifInDiscards: 0,
  ifInErrors: 0,
  ifInUnknownProtos: 0,
  ifOutOctets: 700,
  ifOutUcastPkts: 7,
  ifOutMulticastPkts: 0,
  ifOutBroadcastPkts: 0,
  ifOutDiscards: 0,
  ifOutErrors: 0,
  ifPromiscuousMode: 0,
};

describe('SFlowSource', () => {
  it('collects sampled packets and counters from UDP datagrams', async () => {
    const batches: PacketBatch[] = [];
    const metadata: SFlowMetadata[] = [];
    const src = new SFlowSource({
      port: 0,
      sink: (b) => batches.push(b),
      onCounters: (m) => metadata.push(m),
    });
    await src.start();
    try {
      assert.match(src.address!, /^127\.0\.0\.1:\d+$/);
      const port = Number(src.address!.split(':')[1]);
      const flows = encodeDatagram({
        samples: [
          { samplingRate: 10, packets: [{ header: new Uint8Array(64).fill(1) }] },
          { samplingRate: 20, packets: [{ header: new Uint8Array(70).fill(2) }] },
        ],
      });
      const counters = encodeDatagram({ samples: [{ sourceIndex: 2, generic }] });
      await send(port, [flows, counters, Uint8Array.of(0, 0, 0, 5, 1, 2), flows]);
      await until(() => src.stats().packets === 4 && metadata.length > 0);
      const st = src.stats();
      assert.equal(st.packets, 4);
      assert.equal(st.decodeErrors, 1);
      assert.equal(st.kernelDrops, 0);
      const rates = batches.flatMap((b) => [...b.samplingRates!.subarray(0, b.count)]);
      assert.deepEqual(rates, [10, 20, 10, 20]);
      assert.equal(metadata.at(-1)!.IfMetrics['2']!.IfOutOctets, 700);
      assert.equal(metadata.at(-1)!.Metric['IfInUcastPkts'], 5);
    } finally {
      await src.stop();
    }
    assert.equal(src.state, 'stopped');
  });

  it('applies the capture BPF filter to sampled packets', async () => {
    const udp = new Uint8Array(60);
    udp.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17]);
    const icmp = udp.slice();
    icmp[23] = 1;
    const batches: PacketBatch[] = [];
    const src = new SFlowSource({ port: 0, bpf: 'icmp', sink: (b) => batches.push(b) });
    await src.start();
    try {
      const port = Number(src.address!.split(':')[1]);
      const dgram = encodeDatagram({
        samples: [
          { samplingRate: 3, packets: [{ header: udp }] },
          { samplingRate: 5, packets: [{ header: icmp }] },
        ],
      });
      await send(port, [dgram]);
      await until(() => src.stats().packets === 1 && src.filtered === 1);
      assert.equal(src.stats().packets, 1);
      assert.equal(src.filtered, 1);
      assert.equal(batches[0]!.buffer[batches[0]!.offsets[0]! + 23], 1, 'the ICMP packet is kept');
      assert.equal(batches[0]!.samplingRates![0], 5);
    } finally {
      await src.stop();
    }
    await assert.rejects(
      new SFlowSource({ port: 0, bpf: 'port banana', sink: () => undefined }).start(),
      /BPF filter/,
    );
  });

  it('takes the next free port of its range', async () => {
    const a = new SFlowSource({ port: 0, sink: () => undefined });
    await a.start();
    const base = Number(a.address!.split(':')[1]);
    const b = new SFlowSource({ portMin: base, portMax: base + 5, sink: () => undefined });
    const c = new SFlowSource({ portMin: base, portMax: base, sink: () => undefined });
    try {
      await b.start();
      assert.notEqual(b.address, a.address);
      await assert.rejects(c.start(), /no free port/);
      assert.equal(c.state, 'error');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
