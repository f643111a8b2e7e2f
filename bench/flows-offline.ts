// SPDX-License-Identifier: Apache-2.0
// Offline flow building: a synthetic pcap (≥ 2M packets, ≥ 50k flows of TCP, UDP, ICMP and VXLAN,
// written into a temp dir by this benchmark) read, decoded and put through our flow table on one
// core (OfflineFlows, as `skydive flows` does), against the baselines in the same run: `softflowd -r`
// (NetFlow flow cache, C) and `tshark -r FILE -q -z conv,tcp`. Prints packets/s (CPU time, the fair
// figure on a shared machine, and wall clock) and the ratios.
// Targets: ≥ 3M packets/s and ≥ 1.5× softflowd. softflowd and tshark are installed with apt if missing.

import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { printFigure } from './lib/report.js';

const PACKETS = Number(process.env['PACKETS'] ?? 2_100_000);
const FLOWS = Number(process.env['FLOWS'] ?? 60_000);
const TSHARK_PACKETS = Number(process.env['TSHARK_PACKETS'] ?? 200_000);

function ensureTools(): void {
  const missing = ['softflowd', 'tshark'].filter(
    (t) => spawnSync('sh', ['-c', `command -v ${t} || test -x /usr/sbin/${t}`]).status !== 0,
  );
  if (missing.length === 0) return;
  console.log(`installing ${missing.join(', ')} with apt-get`);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Deterministic pseudo-random numbers. */
let seed = 12345;
const rnd = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
};

function ethIPv4(
  f: Uint8Array,
  o: number,
  a: number,
  b: number,
  proto: number,
  ipLen: number,
): number {
  f.set(
    [
      2,
      0,
      (b >>> 16) & 0xff,
      (b >>> 8) & 0xff,
      b & 0xff,
      1,
      2,
      0,
      (a >>> 16) & 0xff,
      (a >>> 8) & 0xff,
      a & 0xff,
      1,
      8,
      0,
    ],
    o,
  );
  f.set(
    [
      0x45,
      0,
      ipLen >> 8,
      ipLen & 0xff,
      0,
      0,
      0x40,
      0,
      64,
      proto,
      0,
      0,
      10,
      (a >>> 16) & 0xff,
      (a >>> 8) & 0xff,
      a & 0xff,
      10,
      (b >>> 16) & 0xff,
      (b >>> 8) & 0xff,
      b & 0xff,
    ],
    o + 14,
  );
  return o + 34;
}

/** One frame of flow `i` in direction `dir`: TCP 60%, UDP 25%, ICMP echo 10%, VXLAN-in-UDP 5%. */
function frameOf(i: number, dir: number, first: boolean): Uint8Array {
  const kind = i % 20;
  const a = 1 + ((i * 7) % 60000);
  const b = 100000 + (i % 500);
  const [src, dst] = dir ? [b, a] : [a, b];
  const sport = 1024 + (i % 60000);
  const [p1, p2] = dir ? [443, sport] : [sport, 443];
  if (kind < 12) {
    const f = new Uint8Array(14 + 20 + 20 + 12);
    const t = ethIPv4(f, 0, src, dst, 6, 52);
    f.set(
      [p1 >> 8, p1 & 0xff, p2 >> 8, p2 & 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, first ? 0x02 : 0x10],
      t,
    );
    return f;
  }
  if (kind < 17) {
    const f = new Uint8Array(14 + 20 + 8 + 18);
    const t = ethIPv4(f, 0, src, dst, 17, 46);
    f.set([p1 >> 8, p1 & 0xff, (p2 + 1) >> 8, (p2 + 1) & 0xff, 0, 26], t);
    return f;
  }
  if (kind < 19) {
    const f = new Uint8Array(14 + 20 + 8 + 32);
    const t = ethIPv4(f, 0, src, dst, 1, 60);
    f.set([dir ? 0 : 8, 0, 0, 0, (i >> 8) & 0xff, i & 0xff, 0, 1], t);
    return f;
  }
  // VXLAN: outer UDP to 4789 with VNI, inner Ethernet/IPv4/TCP
  const f = new Uint8Array(14 + 20 + 8 + 8 + 14 + 20 + 20);
  let t = ethIPv4(f, 0, dir ? 200001 : 200000, dir ? 200000 : 200001, 17, 90);
  f.set([(i & 0x3f) | 0xc0, 0, 0x12, 0xb5, 0, 70], t);
  t += 8;
  f.set([8, 0, 0, 0, 0, (i >> 8) & 0xff, i & 0xff, 0], t);
  t = ethIPv4(f, t + 8, src, dst, 6, 40);
  f.set([p1 >> 8, p1 & 0xff, p2 >> 8, p2 & 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x10], t);
  return f;
}

/** Writes the synthetic capture; returns the number of flows that got packets. */
function writeCapture(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(8 << 20);
  let p = 0;
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
  const seen = new Uint8Array(FLOWS);
  const templates = new Map<number, Uint8Array>();
  let ts = 1_700_000_000 * 1e6;
  for (let n = 0; n < PACKETS; n++) {
    // the first FLOWS packets open every flow once; then a skewed mix of flows
    const i = n < FLOWS ? n : rnd(4) === 0 ? rnd(FLOWS) : rnd(2000);
    const dir = n < FLOWS ? 0 : rnd(2);
    const first = seen[i] === 0;
    seen[i] = 1;
    const key = i * 4 + dir * 2 + (first ? 1 : 0);
    let f = templates.get(key);
    if (!f) {
      f = frameOf(i, dir, first);
      if (!first) templates.set(key, f);
    }
    ts += 40 + rnd(20);
    if (p + 16 + f.length > chunk.length) {
      writeSync(fd, chunk, 0, p);
      p = 0;
    }
    chunk.writeUInt32LE(Math.floor(ts / 1e6), p);
    chunk.writeUInt32LE(ts % 1e6, p + 4);
    chunk.writeUInt32LE(f.length, p + 8);
    chunk.writeUInt32LE(f.length, p + 12);
    chunk.set(f, p + 16);
    p += 16 + f.length;
  }
  writeSync(fd, chunk, 0, p);
  closeSync(fd);
}

/** The measured side: OfflineFlows over the file, in a child process running an esbuild bundle
 * of it (the shape of the compiled CLI; under tsx every imported constant is a getter call). */
const RUNNER = `
import { openSync, readSync, closeSync } from 'node:fs';
import { OfflineFlows } from ${JSON.stringify(path.resolve('src/flow/table/index.ts'))};
const file = process.argv[2];
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
{
  // one run in a fresh process, as \`skydive flows FILE\` does (JIT warm-up included)
  const c0 = cpu(); const w0 = performance.now();
  const off = new OfflineFlows();
  const fd = openSync(file, 'r'); const buf = Buffer.alloc(4 << 20);
  for (;;) { const n = readSync(fd, buf, 0, buf.length, null); if (n === 0) break; off.push(buf.subarray(0, n)); }
  closeSync(fd);
  const r = off.end();
  console.log(JSON.stringify({ cpuMs: cpu() - c0, wallMs: performance.now() - w0, packets: r.table.packets, flows: r.flows.length }));
}
`;

interface Run {
  cpuMs: number;
  wallMs: number;
}

function ours(dir: string, file: string): Run & { packets: number; flows: number } {
  const src = path.join(dir, 'runner.ts');
  writeFileSync(src, RUNNER);
  const out = path.join(dir, 'runner.mjs');
  execFileSync(path.resolve('node_modules/.bin/esbuild'), [
    src,
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${out}`,
    '--log-level=warning',
  ]);
  const r = spawnSync(process.execPath, [out, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runner failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Run & {
    packets: number;
    flows: number;
  };
}

/** Runs a command through bash and reads its CPU time from \`times\` (children user + sys). */
function timed(cmd: string, args: string[]): Run {
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>&1; rc=$?; times; exit $rc`], {
    encoding: 'utf8',
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  const cpuMs = m
    ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000
    : wallMs;
  return { cpuMs, wallMs };
}

ensureTools();
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-flows-'));
try {
  const file = path.join(dir, 'synthetic.pcap');
  const tw = performance.now();
  writeCapture(file);
  console.log(
    `capture: ${PACKETS} packets, ${FLOWS} conversations (+ VXLAN inner flows), ${(statSync(file).size / 1e6).toFixed(0)} MB, written in ${((performance.now() - tw) / 1000).toFixed(1)} s`,
  );
  const o = ours(dir, file);
  console.log(
    `ours: ${o.packets} packets -> ${o.flows} flows, CPU ${(o.cpuMs / 1000).toFixed(2)} s, wall ${(o.wallMs / 1000).toFixed(2)} s`,
  );
  const sf = timed(softflowdPath(), [
    '-r',
    file,
    '-n',
    '127.0.0.1:9',
    '-p',
    path.join(dir, 'sf.pid'),
    '-c',
    'none',
    '-m',
    '262144',
  ]);
  console.log(
    `softflowd -r (-c none; 1.1.0 blocks on its control socket otherwise): CPU ${(sf.cpuMs / 1000).toFixed(2)} s, wall ${(sf.wallMs / 1000).toFixed(2)} s`,
  );
  // tshark needs ~100 µs of CPU per packet: its figure comes from the first TSHARK_PACKETS packets
  const tsPackets = Math.min(PACKETS, TSHARK_PACKETS);
  const ts = timed('tshark', ['-r', file, '-c', String(tsPackets), '-q', '-z', 'conv,tcp']);
  console.log(
    `tshark -c ${tsPackets} -q -z conv,tcp: CPU ${(ts.cpuMs / 1000).toFixed(2)} s, wall ${(ts.wallMs / 1000).toFixed(2)} s`,
  );
  const mpps = (ms: number) => PACKETS / ms / 1000;
  printFigure(
    'flows-offline (CPU) vs softflowd',
    mpps(o.cpuMs),
    'softflowd',
    mpps(sf.cpuMs),
    'Mpackets/s',
  );
  printFigure(
    'flows-offline (wall) vs softflowd',
    mpps(o.wallMs),
    'softflowd',
    mpps(sf.wallMs),
    'Mpackets/s',
  );
  printFigure(
    'flows-offline (CPU) vs tshark',
    mpps(o.cpuMs),
    'tshark',
    tsPackets / ts.cpuMs / 1000,
    'Mpackets/s',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function softflowdPath(): string {
  return spawnSync('sh', ['-c', 'command -v softflowd']).status === 0
    ? 'softflowd'
    : '/usr/sbin/softflowd';
}
