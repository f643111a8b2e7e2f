// SPDX-License-Identifier: Apache-2.0
// sFlow v5 decoding: flow samples per second on one core through SFlowDecoder (datagrams → sampled
// packets in PacketBatch batches, counter samples) over synthetic datagrams like Open vSwitch sends
// (8 flow samples of a 128-byte header each, a counter sample in every 10th datagram), against the
// named baselines "naive-xdr" (a straightforward decoder building an object per datagram, sample
// and record, copying each header) and, when installed, tshark decoding the same datagrams in a pcap.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PacketBatchBuilder } from '../src/flow/packet.js';
import { writePcap } from '../src/flow/pcap/index.js';
import { encodeDatagram, type DatagramSpec } from '../src/flow/sflow/encoder.js';
import { SFlowDecoder } from '../src/flow/sflow/index.js';
import { printFigure } from './lib/report.js';

const DATAGRAMS = Number(process.env['DATAGRAMS'] ?? 50_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const TSHARK_DATAGRAMS = Number(process.env['TSHARK_DATAGRAMS'] ?? 10_000);
const PER_DATAGRAM = 8;

let seed = 11;
const rnd = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
};

function header(): Uint8Array {
  const h = new Uint8Array(128);
  for (let i = 0; i < h.length; i++) h[i] = rnd(256);
  h[12] = 8;
  h[13] = 0;
  return h;
}

const generic = {
  ifIndex: 3,
  ifType: 6,
  ifSpeed: 1e10,
  ifDirection: 1,
  ifStatus: 3,
  ifInOctets: 123456789,
  ifInUcastPkts: 1000,
  ifInMulticastPkts: 1,
  ifInBroadcastPkts: 2,
  ifInDiscards: 0,
  ifInErrors: 0,
  ifInUnknownProtos: 0,
  ifOutOctets: 987654321,
  ifOutUcastPkts: 2000,
  ifOutMulticastPkts: 3,
  ifOutBroadcastPkts: 4,
  ifOutDiscards: 0,
  ifOutErrors: 0,
  ifPromiscuousMode: 0,
};

// A pool of distinct datagrams, cycled through.
const pool: Uint8Array[] = [];
for (let d = 0; d < 1000; d++) {
  const spec: DatagramSpec = { sequence: d, samples: [] };
  for (let s = 0; s < PER_DATAGRAM; s++)
    spec.samples.push({
      samplingRate: 400,
      sequence: d * PER_DATAGRAM + s,
      sourceIndex: 1 + (s % 4),
      input: 1 + (s % 4),
      output: 2,
      packets: [{ header: header(), frameLength: 1514, stripped: 4 }],
    });
  if (d % 10 === 0) spec.samples.push({ sourceIndex: 3, generic });
  pool.push(encodeDatagram(spec));
}
const flowSamples = DATAGRAMS * PER_DATAGRAM;

/** Ours: the decoder, handing batches over every 64 datagrams as a collector tick would. */
function ours(): number {
  const dec = new SFlowDecoder();
  let packets = 0;
  for (let i = 0; i < DATAGRAMS; i++) {
    dec.decode(pool[i % pool.length]!, 1.7e15);
    if ((i & 63) === 63) for (const b of dec.take().batches) packets += b.count;
  }
  for (const b of dec.take().batches) packets += b.count;
  if (packets !== flowSamples) throw new Error(`decoded ${packets} packets, want ${flowSamples}`);
  return packets;
}

interface NaiveRecord {
  format: number;
  protocol?: number;
  frameLength?: number;
  stripped?: number;
  header?: Uint8Array;
}
interface NaiveSample {
  format: number;
  sequence: number;
  sourceId: number;
  samplingRate?: number;
  records: NaiveRecord[];
}

/** Baseline naive-xdr: an object per datagram, sample and record; header bytes copied out. */
function naiveDecode(buf: Uint8Array): { agent: string; samples: NaiveSample[] } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = 0;
  const u32 = () => {
    const v = dv.getUint32(p);
    p += 4;
    return v;
  };
  if (u32() !== 5) throw new Error('version');
  const addrType = u32();
  const agent = [...buf.subarray(p, p + (addrType === 1 ? 4 : 16))].join('.');
  p += addrType === 1 ? 4 : 16;
  u32();
  u32();
  u32();
  const n = u32();
  const samples: NaiveSample[] = [];
  for (let s = 0; s < n; s++) {
    const format = u32();
    const len = u32();
    const end = p + len;
    const sample: NaiveSample = { format, sequence: u32(), sourceId: u32(), records: [] };
    if (format === 1) {
      sample.samplingRate = u32();
      u32();
      u32();
      u32();
      u32();
    }
    const records = u32();
    for (let r = 0; r < records; r++) {
      const rf = u32();
      const rl = u32();
      const rend = p + rl;
      const rec: NaiveRecord = { format: rf };
      if (format === 1 && rf === 1) {
        rec.protocol = u32();
        rec.frameLength = u32();
        rec.stripped = u32();
        const hl = u32();
        rec.header = buf.slice(p, p + hl);
      }
      sample.records.push(rec);
      p = rend;
    }
    samples.push(sample);
    p = end;
  }
  return { agent, samples };
}

function naive(): number {
  let packets = 0;
  for (let i = 0; i < DATAGRAMS; i++) {
    const d = naiveDecode(pool[i % pool.length]!);
    for (const s of d.samples) if (s.format === 1) packets += s.records.length;
  }
  if (packets !== flowSamples) throw new Error(`naive decoded ${packets}, want ${flowSamples}`);
  return packets;
}

function rate(fn: () => number): number {
  const t0 = performance.now();
  fn();
  return flowSamples / ((performance.now() - t0) / 1000);
}

/** tshark's flow samples per second over the same datagrams in a pcap (start-up time removed). */
function tshark(): number | undefined {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-sflow-'));
  try {
    const write = (n: number, file: string) => {
      const b = new PacketBatchBuilder(1);
      for (let i = 0; i < n; i++) b.push(udpFrame(pool[i % pool.length]!), 1.7e15 + i);
      writeFileSync(file, writePcap([b.take()]));
    };
    write(TSHARK_DATAGRAMS, join(dir, 'many.pcap'));
    write(1, join(dir, 'one.pcap'));
    const time = (file: string) => {
      const t0 = performance.now();
      const out = execFileSync(
        'tshark',
        [
          '-r',
          file,
          '-d',
          'udp.port==6343,sflow',
          '-T',
          'fields',
          '-e',
          'sflow.flow_sample.sampling_rate',
        ],
        { maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      return { ms: performance.now() - t0, lines: out.split('\n').filter(Boolean).length };
    };
    const one = time(join(dir, 'one.pcap'));
    const many = time(join(dir, 'many.pcap'));
    if (many.lines !== TSHARK_DATAGRAMS) throw new Error(`tshark decoded ${many.lines} datagrams`);
    return (TSHARK_DATAGRAMS * PER_DATAGRAM) / ((many.ms - one.ms) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An Ethernet/IPv4/UDP frame to port 6343 carrying `payload`. */
function udpFrame(payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(42 + payload.length);
  f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0], 0);
  const ipLen = 28 + payload.length;
  f.set(
    [0x45, 0, ipLen >> 8, ipLen & 255, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1],
    14,
  );
  const udpLen = 8 + payload.length;
  f.set([0x9c, 0x40, 0x18, 0xc7, udpLen >> 8, udpLen & 255, 0, 0], 34);
  f.set(payload, 42);
  return f;
}

const oursRates: number[] = [];
const naiveRates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  oursRates.push(rate(ours));
  naiveRates.push(rate(naive));
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
console.log(
  `${DATAGRAMS} datagrams × ${PER_DATAGRAM} flow samples (128-byte headers), counters every 10th; ${ROUNDS} rounds, median`,
);
printFigure(
  'sflow flow samples/s',
  median(oursRates),
  'naive-xdr',
  median(naiveRates),
  'samples/s',
);
const ts = tshark();
if (ts === undefined) console.log('tshark not installed: tshark baseline skipped');
else printFigure('sflow flow samples/s', median(oursRates), 'tshark', ts, 'samples/s');
