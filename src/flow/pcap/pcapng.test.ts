// SPDX-License-Identifier: Apache-2.0
// pcapng reading: editcap conversions of the shared captures match the classic reads; crafted files
// cover both byte orders, several sections and interfaces, if_tsresol, SPB/OPB, unknown and damaged blocks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LinkType } from '../packet.js';
import { PcapReader, readCapture } from './reader.js';
import { flatten, haveTraces, tracesDir } from './traces.test-util.js';

/** A tiny pcapng writer for the tests, in either byte order. */
class NgWriter {
  private parts: number[] = [];
  constructor(private le = true) {}

  private block(type: number, body: number[]): this {
    const pad = (4 - (body.length % 4)) % 4;
    const len = 12 + body.length + pad;
    this.parts.push(...this.u32(type), ...this.u32(len), ...body, ...new Array(pad).fill(0));
    this.parts.push(...this.u32(len));
    return this;
  }
  u32(v: number): number[] {
    const b = [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    return this.le ? b.reverse() : b;
  }
  u16(v: number): number[] {
    const b = [(v >>> 8) & 255, v & 255];
    return this.le ? b.reverse() : b;
  }
  section(le: boolean): this {
    this.le = le;
    return this.block(
      0x0a0d0d0a,
      [...this.u32(0x1a2b3c4d), ...this.u16(1), ...this.u16(0)].concat(new Array(8).fill(255)),
    );
  }
  iface(linkType: number, snaplen: number, tsresol?: number): this {
    const opts = tsresol === undefined ? [] : [...this.u16(9), ...this.u16(1), tsresol, 0, 0, 0];
    if (opts.length) opts.push(...this.u16(0), ...this.u16(0));
    return this.block(1, [...this.u16(linkType), 0, 0, ...this.u32(snaplen), ...opts]);
  }
  epb(ifid: number, ts: number, data: number[], wire = data.length): this {
    const hi = Math.floor(ts / 4294967296);
    const lo = ts % 4294967296;
    const head = [...this.u32(ifid), ...this.u32(hi), ...this.u32(lo)];
    return this.block(6, [...head, ...this.u32(data.length), ...this.u32(wire), ...data]);
  }
  spb(data: number[], wire = data.length): this {
    return this.block(3, [...this.u32(wire), ...data]);
  }
  opb(ifid: number, drops: number, ts: number, data: number[]): this {
    const hi = Math.floor(ts / 4294967296);
    const lo = ts % 4294967296;
    const head = [...this.u16(ifid), ...this.u16(drops), ...this.u32(hi), ...this.u32(lo)];
    return this.block(2, [...head, ...this.u32(data.length), ...this.u32(data.length), ...data]);
  }
  unknown(): this {
    return this.block(0x00000bad, [1, 2, 3, 4, 5]);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function crafted(): Uint8Array {
  const w = new NgWriter();
  w.section(false).iface(LinkType.ETHERNET, 1500).iface(LinkType.RAW, 0, 9); // big-endian
  w.epb(0, 1_700_000_000_000_001, [1, 1, 1], 64);
  w.unknown();
  w.epb(1, 1_700_000_000_000_002_345, [2, 2, 2, 2, 2]); // nanoseconds on interface 1
  w.opb(0, 3, 1_700_000_000_000_003, [3]);
  w.section(true).iface(LinkType.LINUX_SLL, 2, 0x80 | 10); // little-endian, 2^-10 s, snaplen 2
  w.spb([4, 4, 4, 4], 40);
  w.epb(0, 1024 * 5, [5, 5]);
  return w.bytes();
}

const EXPECTED = [
  { linkType: LinkType.ETHERNET, data: [1, 1, 1], ts: 1_700_000_000_000_001, wire: 64 },
  { linkType: LinkType.RAW, data: [2, 2, 2, 2, 2], ts: 1_700_000_000_000_002, wire: 5 },
  { linkType: LinkType.ETHERNET, data: [3], ts: 1_700_000_000_000_003, wire: 1 },
  { linkType: LinkType.LINUX_SLL, data: [4, 4], ts: 0, wire: 40 },
  { linkType: LinkType.LINUX_SLL, data: [5, 5], ts: 5_000_000, wire: 2 },
];

describe('pcapng', () => {
  it('reads sections of both byte orders, interfaces, SPB, OPB; skips unknown blocks', () => {
    const r = readCapture(crafted());
    assert.equal(r.format, 'pcapng');
    assert.deepEqual(flatten(r.batches), EXPECTED);
    assert.equal(r.stats.errors, 0, JSON.stringify(r.damage));
    assert.equal(r.stats.sections, 2);
    assert.equal(r.stats.skippedBlocks, 1);
    assert.equal(r.stats.fileDrops, 3);
    assert.equal(r.batches.length, 4, 'a batch per run of one link type');
  });

  it('gives the same packets for every chunk boundary', () => {
    const file = crafted();
    for (let cut = 1; cut < file.length; cut++) {
      const r = new PcapReader();
      const got = [...r.push(file.subarray(0, cut)), ...r.push(file.subarray(cut)), ...r.end()];
      assert.deepEqual(flatten(got), EXPECTED, `cut at ${cut}`);
    }
  });

  it('zero-copy: the same packets for every chunk size, the chunk reused after each push', () => {
    const file = crafted();
    for (let size = 1; size <= file.length; size++) {
      const r = new PcapReader({ zeroCopy: true, batchPackets: 2 });
      const chunk = new Uint8Array(size);
      const got = [];
      for (let at = 0; at < file.length; at += size) {
        const n = Math.min(size, file.length - at);
        chunk.set(file.subarray(at, at + n));
        got.push(...flatten(r.push(chunk.subarray(0, n))));
        chunk.fill(0xee);
      }
      got.push(...flatten(r.end()));
      assert.deepEqual(got, EXPECTED, `chunks of ${size}`);
      assert.equal(r.stats.errors, 0);
    }
  });

  it('counts a packet of an undeclared interface and a truncated block', () => {
    const w = new NgWriter().section(true).iface(1, 0).epb(4, 1, [1]).epb(0, 2, [2]);
    const file = w.bytes();
    const r = readCapture(file.subarray(0, file.length - 3));
    assert.equal(r.stats.packets, 0);
    assert.deepEqual(
      r.damage.map((d) => [d.kind, d.offset]),
      [
        ['unknown-interface', 28 + 20],
        ['truncated', 28 + 20 + 36],
      ],
    );
  });

  it('resyncs after a block with an absurd length', () => {
    const w = new NgWriter().section(true).iface(1, 0);
    for (let i = 0; i < 4; i++) w.epb(0, i, [i, i, i, i]);
    const file = w.bytes();
    const second = 28 + 20 + 36;
    new DataView(file.buffer).setUint32(second + 4, 0x7ffffff0, true);
    const r = readCapture(file);
    assert.deepEqual(
      flatten(r.batches).map((p) => p.data[0]),
      [0, 2, 3],
    );
    assert.equal(r.stats.errors, 1);
    assert.deepEqual(r.damage[0], {
      offset: second,
      code: 'SKY_ERR_PCAP_DAMAGED',
      kind: 'bad-length',
      message: `pcapng block at byte ${second} has length ${0x7ffffff0}`,
    });
  });
});

describe('pcapng from editcap', { skip: !haveTraces && 'shared pcaptraces missing' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sktest-pcapng-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = haveTraces ? readdirSync(tracesDir).filter((f) => f.endsWith('.pcap')) : [];

  it('reads every shared capture converted to pcapng and to nanosecond pcap as the original', () => {
    assert.ok(files.length >= 20);
    for (const f of files) {
      const original = flatten(readCapture(readFileSync(join(tracesDir, f))).batches);
      for (const format of ['pcapng', 'nsecpcap']) {
        const out = join(dir, `${f}.${format}`);
        execFileSync('editcap', ['-F', format, join(tracesDir, f), out]);
        const r = readCapture(readFileSync(out));
        assert.equal(r.format, format === 'pcapng' ? 'pcapng' : 'pcap');
        assert.equal(r.stats.errors, 0, `${f} ${format}`);
        assert.deepEqual(flatten(r.batches), original, `${f} as ${format}`);
      }
    }
  });

  it('reads two pcapng files concatenated (two sections)', () => {
    const a = join(dir, 'a.pcapng');
    const b = join(dir, 'b.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', join(tracesDir, 'dns.pcap'), a]);
    execFileSync('editcap', ['-F', 'pcapng', join(tracesDir, 'simple-tcpv6.pcap'), b]);
    const r = readCapture(Buffer.concat([readFileSync(a), readFileSync(b)]));
    assert.equal(r.stats.sections, 2);
    assert.equal(r.stats.packets, 16 + 5);
  });
});
