// SPDX-License-Identifier: Apache-2.0
// Classic pcap reading: every shared capture (counts as tcpdump reports them), both byte orders,
// nanosecond magic, chunk boundaries at every byte, damaged streams, and writer → reader round trips.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../graph/errors.js';
import { LinkType, PacketBatchBuilder } from '../packet.js';
import { PcapReader, readCapture } from './reader.js';
import { flatten, haveTraces, tracesDir } from './traces.test-util.js';
import { PcapWriter, writePcap } from './writer.js';

/** Packet counts as `capinfos -c` and tcpdump give them, and snap lengths from the headers. */
const TRACES: Record<string, [packets: number, snaplen: number]> = {
  'contrail-udp-mpls-eth-and-ipv4.pcap': [2, 65535],
  'dns.pcap': [16, 262144],
  'erspanII.pcap': [4, 262144],
  'eth-ip4-arp-dns-req-http-google.pcap': [58, 65535],
  'eth-ipv4-tcp-http-ooo.pcap': [38, 65535],
  'geneve.pcap': [39, 262144],
  'gre-gre-icmpv4.pcap': [10, 65535],
  'gre-mpls-icmpv4.pcap': [2, 262144],
  'icmp-vlan.pcap': [2, 262144],
  'icmpv4-4vlanQinQ-id-8-10-20-30.pcap': [91, 262144],
  'icmpv4-symetric.pcap': [200, 262144],
  'icmpv4-truncated.pcap': [2, 256],
  'iperf-same-L2L3.pcap': [23, 262144],
  'ipv4-fragments.pcap': [3, 2000],
  'layer-key-mode.pcap': [4, 262144],
  'link-type-12.pcap': [1, 262144],
  'lldp-detailed.pcap': [1, 65535],
  'ntp-corrupted.pcap': [1, 65535],
  'ping-with-without-ethernet.pcap': [2, 262144],
  'simple-tcpv4.pcap': [8, 262144],
  'simple-tcpv6.pcap': [5, 262144],
  'vxlan-icmpv4-truncated.pcap': [2, 256],
  'vxlan-src-port.pcap': [2, 262144],
};

function sample(): Uint8Array {
  const b = new PacketBatchBuilder(LinkType.ETHERNET);
  for (let i = 0; i < 5; i++) b.push(new Uint8Array(40 + i * 7).fill(i + 1), 1.7e15 + i * 1001, 90);
  return writePcap([b.take()]);
}

/** Rewrites a little-endian pcap (as PcapWriter makes) in big-endian byte order. */
function toBigEndian(le: Uint8Array): Uint8Array {
  const out = le.slice();
  const dv = new DataView(out.buffer);
  const swap32 = (at: number) => dv.setUint32(at, dv.getUint32(at, true), false);
  const swap16 = (at: number) => dv.setUint16(at, dv.getUint16(at, true), false);
  swap32(0);
  swap16(4);
  swap16(6);
  for (const at of [8, 12, 16, 20]) swap32(at);
  for (let p = 24; p < out.length; ) {
    const cap = dv.getUint32(p + 8, true);
    for (let k = 0; k < 16; k += 4) swap32(p + k);
    p += 16 + cap;
  }
  return out;
}

describe('classic pcap', { skip: !haveTraces && 'shared pcaptraces missing' }, () => {
  for (const [file, [packets, snaplen]] of Object.entries(TRACES)) {
    it(`reads ${file}`, () => {
      const bytes = readFileSync(join(tracesDir, file));
      const r = readCapture(bytes, { batchPackets: 7 });
      assert.equal(r.format, 'pcap');
      assert.equal(r.stats.packets, packets);
      assert.equal(r.stats.errors, 0, JSON.stringify(r.damage));
      assert.equal(r.header?.snaplen, snaplen);
      assert.equal(r.header?.linkType, LinkType.ETHERNET);
      assert.equal(r.batches.length, Math.ceil(packets / 7));
      const all = flatten(r.batches);
      assert.ok(all.every((p) => p.linkType === LinkType.ETHERNET && p.wire >= p.data.length));
      const bytesSum = all.reduce((n, p) => n + p.data.length, 0);
      assert.equal(bytesSum + 24 + 16 * packets, bytes.length, 'every byte accounted for');
    });
  }

  it('reads the first packet of dns.pcap as tcpdump shows it', () => {
    const r = readCapture(readFileSync(join(tracesDir, 'dns.pcap')));
    const first = flatten(r.batches)[0]!;
    // tcpdump -tt: 1559792414.972502, length 75
    assert.equal(first.ts, 1559792414972502);
    assert.equal(first.data.length, 75);
    assert.deepEqual(first.data.slice(12, 14), [0x08, 0x00]);
  });
});

describe('pcap streams', () => {
  it('gives the same packets for every chunk boundary', () => {
    const file = sample();
    const whole = flatten(readCapture(file).batches);
    assert.equal(whole.length, 5);
    for (let cut = 1; cut < file.length; cut++) {
      const r = new PcapReader({ batchPackets: 2 });
      const got = [...r.push(file.subarray(0, cut)), ...r.push(file.subarray(cut)), ...r.end()];
      assert.deepEqual(flatten(got), whole, `cut at ${cut}`);
      assert.equal(r.stats.errors, 0);
    }
    const r = new PcapReader();
    const got = [];
    for (let i = 0; i < file.length; i++) got.push(...r.push(file.subarray(i, i + 1)));
    got.push(...r.end());
    assert.deepEqual(flatten(got), whole, 'one byte at a time');
  });

  it('reuses recycled batches and still gives the same packets', () => {
    const file = sample();
    const whole = flatten(readCapture(file).batches);
    const r = new PcapReader({ batchPackets: 1 });
    const got = [];
    const buffers = new Set<Uint8Array>();
    for (let i = 0; i < file.length; i += 7)
      for (const b of [...r.push(file.subarray(i, i + 7))]) {
        got.push(...flatten([b]));
        buffers.add(b.buffer);
        r.recycle(b);
      }
    for (const b of r.end()) {
      got.push(...flatten([b]));
      buffers.add(b.buffer);
    }
    assert.deepEqual(got, whole);
    // 5 one-packet batches, each handed back before the next one is taken: after the first (too
    // small an index to keep), two buffers alternate instead of five new ones
    assert.equal(buffers.size, 3);
  });

  it('flush() hands over the packets read so far (live streams)', () => {
    const file = sample();
    const r = new PcapReader();
    assert.deepEqual(r.push(file.subarray(0, 24 + 16 + 40 + 16 + 47 + 5)), []);
    assert.deepEqual(
      flatten(r.flush()).map((p) => p.data[0]),
      [1, 2],
    );
    r.push(file.subarray(24 + 16 + 40 + 16 + 47 + 5));
    assert.deepEqual(
      flatten(r.end()).map((p) => p.data[0]),
      [3, 4, 5],
    );
  });

  it('reads big-endian files and nanosecond timestamps', () => {
    const le = sample();
    const be = readCapture(toBigEndian(le));
    assert.equal(be.header?.littleEndian, false);
    assert.deepEqual(flatten(be.batches), flatten(readCapture(le).batches));

    const w = new PcapWriter({ nanos: true, linkType: LinkType.RAW, snaplen: 20 });
    const ns = new Uint8Array([
      ...w.header(),
      ...w.packet(new Uint8Array(30).fill(9), 1e15 + 5, 30),
    ]);
    const r = readCapture(ns);
    assert.equal(r.header?.nanos, true);
    const [p] = flatten(r.batches);
    assert.deepEqual(p, {
      linkType: LinkType.RAW,
      data: new Array(20).fill(9),
      ts: 1e15 + 5,
      wire: 30,
    });
  });

  it('refuses what is not a capture', () => {
    assert.throws(
      () => new PcapReader().push(new TextEncoder().encode('GET / HTTP/1.1')),
      (e: unknown) => e instanceof InvalidArgumentError && e.code === 'SKY_ERR_PCAP_FORMAT',
    );
    assert.throws(() => readCapture(new Uint8Array(0)), InvalidArgumentError);
  });
});

describe('damaged pcap', () => {
  it('counts a truncated last record and keeps the packets before it', () => {
    const file = sample();
    const r = readCapture(file.subarray(0, file.length - 10));
    assert.equal(r.stats.packets, 4);
    assert.equal(r.stats.errors, 1);
    assert.equal(r.damage[0]?.kind, 'truncated');
    assert.equal(r.damage[0]?.code, 'SKY_ERR_PCAP_DAMAGED');
    assert.equal(r.damage[0]?.offset, file.length - (16 + 40 + 4 * 7));
  });

  it('counts a truncated global header', () => {
    const r = readCapture(sample().subarray(0, 10));
    assert.equal(r.stats.errors, 1);
    assert.match(r.damage[0]!.message, /global header/);
  });

  it('resyncs after an absurd record length and reports its byte offset', () => {
    const file = sample();
    const second = 24 + 16 + 40;
    new DataView(file.buffer).setUint32(second + 8, 0x7fffffff, true);
    for (let cut = 1; cut < file.length; cut += 13) {
      const r = new PcapReader();
      const got = [...r.push(file.subarray(0, cut)), ...r.push(file.subarray(cut)), ...r.end()];
      const packets = flatten(got);
      assert.equal(r.stats.errors, 1, `cut ${cut}`);
      assert.equal(r.damage[0]?.offset, second);
      assert.equal(r.damage[0]?.kind, 'bad-length');
      assert.deepEqual(
        packets.map((p) => p.data[0]),
        [1, 3, 4, 5],
        `cut ${cut}: the damaged record is lost, the later ones are read`,
      );
      assert.equal(r.stats.skippedBytes, 16 + 47);
    }
  });
});

/**
 * Reads `file` in zero-copy mode through one chunk buffer of `size` bytes that is overwritten after
 * every push (as a file reader reusing its buffer does); flattens each push's batches at once.
 */
function readZeroCopy(file: Uint8Array, size: number, batchPackets = 3) {
  const r = new PcapReader({ zeroCopy: true, batchPackets });
  const chunk = new Uint8Array(size);
  const got = [];
  for (let at = 0; at < file.length; at += size) {
    const n = Math.min(size, file.length - at);
    chunk.set(file.subarray(at, at + n));
    for (const b of r.push(chunk.subarray(0, n))) {
      got.push(...flatten([b]));
      r.recycle(b);
    }
    chunk.fill(0xee);
  }
  for (const b of r.end()) got.push(...flatten([b]));
  return { r, got };
}

describe('zero-copy pcap streams', () => {
  it('give the same packets as copies for every chunk size, the chunk reused', () => {
    const file = sample();
    const whole = flatten(readCapture(file).batches);
    for (let size = 1; size <= file.length; size++) {
      const { r, got } = readZeroCopy(file, size);
      assert.deepEqual(got, whole, `chunks of ${size}`);
      assert.equal(r.stats.errors, 0);
      assert.equal(r.stats.packets, 5);
    }
  });

  it(
    'read every shared capture as the copying reader does',
    {
      skip: !haveTraces,
    },
    () => {
      for (const file of Object.keys(TRACES)) {
        const bytes = readFileSync(join(tracesDir, file));
        const whole = flatten(readCapture(bytes).batches);
        for (const size of [97, 1000, 65536]) {
          const { r, got } = readZeroCopy(bytes, size, 64);
          assert.deepEqual(got, whole, `${file} in chunks of ${size}`);
          assert.equal(r.stats.errors, 0);
        }
      }
    },
  );

  it('resync after damage as the copying reader does', () => {
    const file = sample();
    const second = 24 + 16 + 40;
    new DataView(file.buffer).setUint32(second + 8, 0x7fffffff, true);
    for (let size = 5; size < file.length; size += 11) {
      const { r, got } = readZeroCopy(file, size);
      assert.equal(r.stats.errors, 1, `chunks of ${size}`);
      assert.equal(r.damage[0]?.offset, second);
      assert.deepEqual(
        got.map((p) => p.data[0]),
        [1, 3, 4, 5],
      );
    }
  });
});

describe('pcap writer', () => {
  it('round-trips batches, snap length and wire length', () => {
    const b = new PacketBatchBuilder(LinkType.ETHERNET);
    b.push(Uint8Array.of(1, 2, 3), 1_600_000_000_123_456, 60);
    b.push(new Uint8Array(100).fill(7), 1_600_000_001_000_000);
    const batch = b.take();
    const r = readCapture(writePcap([batch], { snaplen: 64 }));
    assert.equal(r.header?.snaplen, 64);
    assert.deepEqual(flatten(r.batches), [
      { linkType: 1, data: [1, 2, 3], ts: 1_600_000_000_123_456, wire: 60 },
      { linkType: 1, data: new Array(64).fill(7), ts: 1_600_000_001_000_000, wire: 100 },
    ]);
  });

  it('rewrites a shared capture byte for byte', { skip: !haveTraces }, () => {
    const bytes = readFileSync(join(tracesDir, 'simple-tcpv4.pcap'));
    const r = readCapture(bytes);
    const again = writePcap(r.batches, { snaplen: r.header!.snaplen });
    // Same records; the header may differ only in thiszone/sigfigs (zero in both here).
    assert.deepEqual(Buffer.from(again), bytes);
  });
});
