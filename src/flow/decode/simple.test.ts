// SPDX-License-Identifier: Apache-2.0
// decodeSimple must leave exactly the frame the generic walk makes whenever it accepts one: over every
// Ethernet frame of the shared captures, each truncation of them, random byte flips and hand-made
// TCP/UDP/ICMP frames with options, odd lengths, fragments and tunnel ports.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { it } from 'node:test';
import { FrameDecoder } from './decode.js';
import { createDecodedFrame, type DecodedFrame } from './layers.js';
import { readPcapRecords } from './testing/pcap-records.js';

const dir =
  process.env['SKYDIVE_PCAPTRACES'] ??
  new URL('../../../test/fixtures/pcaptraces', import.meta.url).pathname;

/** Deterministic xorshift32. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function snapshot(f: DecodedFrame) {
  const n = f.count;
  return {
    buffer: f.buffer,
    count: n,
    types: [...f.types.subarray(0, n)],
    offsets: [...f.offsets.subarray(0, n)],
    lengths: [...f.lengths.subarray(0, n)],
    headerLengths: [...f.headerLengths.subarray(0, n)],
    truncated: f.truncated,
    error: f.error,
    fragment: f.fragment,
    ipFragments: f.ipFragments,
    ipFragmentErrors: f.ipFragmentErrors,
  };
}

const walk = new FrameDecoder({ extraLayers: 0, ipDefrag: false, mplsUdpPorts: [6635] });
const simple = new FrameDecoder({ extraLayers: 0, ipDefrag: false, mplsUdpPorts: [6635] });
const fw = createDecodedFrame();
const fs = createDecodedFrame();
let accepted = 0;

/** Decodes `data` (inside a larger buffer) both ways; compares when the simple path accepts it. */
function compare(data: Uint8Array, what: string): void {
  const buf = new Uint8Array(data.length + 16).fill(0x5a);
  buf.set(data, 8);
  walk.decodeAt(1, buf, 8, 8 + data.length, fw);
  // leave garbage from another frame in the simple side's frame first
  fs.count = 7;
  fs.truncated = true;
  fs.error = 3;
  if (!simple.decodeSimpleAt(buf, 8, 8 + data.length, fs)) return;
  accepted++;
  assert.deepEqual(snapshot(fs), snapshot(fw), what);
}

it('equals the walk on every Ethernet frame of the captures, cut and corrupted', () => {
  const next = rng(7);
  accepted = 0;
  for (const file of readdirSync(dir).filter((n) => n.endsWith('.pcap'))) {
    const { linkType, records } = readPcapRecords(`${dir}/${file}`);
    if (linkType !== 1) continue;
    for (const [i, r] of records.entries()) {
      compare(r.data, `${file} #${i}`);
      for (let cut = 0; cut < r.data.length; cut += 3)
        compare(r.data.subarray(0, cut), `${file} #${i} cut ${cut}`);
      for (let n = 0; n < 10; n++) {
        const copy = Uint8Array.from(r.data);
        for (let flips = 1 + Math.floor(next() * 3); flips > 0; flips--)
          copy[14 + Math.floor(next() * Math.min(48, copy.length - 14))] = Math.floor(next() * 256);
        compare(copy, `${file} #${i} flipped`);
      }
    }
  }
  assert.ok(accepted > 1000, `simple path taken ${accepted} times`);
});

/** Ethernet/IPv4 frame: `ip` patches the IP header, `l4` is the transport header and payload. */
function frame(proto: number, l4: number[], ip: Record<number, number> = {}): Uint8Array {
  const f = new Uint8Array(14 + 20 + l4.length);
  f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0], 0);
  const total = 20 + l4.length;
  f.set(
    [0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2],
    14,
  );
  for (const [k, v] of Object.entries(ip)) f[14 + Number(k)] = v;
  f.set(l4, 34);
  return f;
}

it('equals the walk on hand-made frames, and declines what it does not handle', () => {
  accepted = 0;
  const tcp = (off: number, opts: number[], pay: number) => [
    0,
    80,
    4,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    off << 4,
    0x18,
    0,
    0,
    0,
    0,
    0,
    0,
    ...opts,
    ...new Array<number>(pay).fill(9),
  ];
  const udp = (sp: number, dp: number, len: number, pay: number) => [
    sp >> 8,
    sp & 0xff,
    dp >> 8,
    dp & 0xff,
    len >> 8,
    len & 0xff,
    0,
    0,
    ...new Array<number>(pay).fill(7),
  ];
  const cases: [string, Uint8Array, boolean][] = [
    ['tcp', frame(6, tcp(5, [], 10)), true],
    ['tcp no payload', frame(6, tcp(5, [], 0)), true],
    ['tcp options', frame(6, tcp(7, [2, 4, 5, 0xb4, 1, 1, 1, 0], 3)), true],
    ['tcp bad option', frame(6, tcp(6, [2, 9, 0, 0], 3)), false],
    ['tcp header past the end', frame(6, tcp(15, [], 4)), false],
    ['udp', frame(17, udp(1000, 2000, 12, 4)), true],
    ['udp length 0', frame(17, udp(1000, 2000, 0, 4)), true],
    ['udp shorter than the IP payload', frame(17, udp(1000, 2000, 9, 4)), true],
    ['udp length 5', frame(17, udp(1000, 2000, 5, 4)), false],
    ['udp truncated', frame(17, udp(1000, 2000, 40, 4)), false],
    ['dns', frame(17, udp(1000, 53, 12, 4)), false],
    ['vxlan source port', frame(17, udp(4789, 2000, 12, 4)), false],
    ['mpls port', frame(17, udp(6635, 2000, 12, 4)), false],
    ['icmp', frame(1, [8, 0, 0, 0, 0, 1, 0, 1, 5, 5]), true],
    ['icmp no payload', frame(1, [0, 0, 0, 0, 0, 1, 0, 1]), true],
    ['fragment MF', frame(6, tcp(5, [], 4), { 6: 0x20 }), false],
    ['fragment offset', frame(6, tcp(5, [], 4), { 7: 1 }), false],
    ['ip options', frame(6, tcp(5, [], 4), { 0: 0x46 }), false],
    ['ip total 0 (offload)', frame(6, tcp(5, [], 4), { 2: 0, 3: 0 }), true],
    ['ip total short of the frame', frame(6, tcp(5, [], 8), { 3: 20 + 24 }), true],
    ['ip total past the frame', frame(6, tcp(5, [], 4), { 3: 200 }), false],
    ['sctp', frame(132, new Array<number>(20).fill(1)), false],
  ];
  for (const [what, data, taken] of cases) {
    const before = accepted;
    compare(data, what);
    assert.equal(accepted > before, taken, `${what}: simple path ${taken ? 'taken' : 'declined'}`);
  }
  const vlan = frame(6, tcp(5, [], 4));
  vlan.set([0x81, 0], 12);
  const before = accepted;
  compare(vlan, 'vlan');
  assert.equal(accepted, before, 'a VLAN tag is declined');
});
