// SPDX-License-Identifier: Apache-2.0
// Live capture (root): packets per second captured by LibpcapSource on one end of a veth pair while
// tcpreplay --topspeed sends a synthetic UDP capture from the other end (own namespaces), against the
// named baseline "tcpdump" (-w /dev/null, same kernel buffer) on the same replay in the same run.
// Rounds alternate ours / tcpdump, both with the BPF filter `udp dst port 5001` (the generated frames
// only). Every sent packet must be captured or reported as a kernel drop. The sender shares the CPU
// with the capture, so packets/s also measures how much CPU the capture leaves to the sender.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibpcapSource } from '../src/capture/index.js';
import { PacketBatchBuilder } from '../src/flow/packet.js';
import { writePcap } from '../src/flow/pcap/index.js';
import { printFigure } from './lib/report.js';

const PACKETS = Number(process.env['PACKETS'] ?? 20_000);
const LOOPS = Number(process.env['LOOPS'] ?? 25);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const BUFFER_MIB = 8;
/** Both sides capture with the same kernel filter: exactly the generated frames. */
const FILTER = 'udp dst port 5001';

const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
const tag = `skbench-${process.pid % 10000}`;
const nsA = `${tag}a`;
const nsB = `${tag}b`;
const dir = mkdtempSync(join(tmpdir(), 'bench-capture-'));

function cleanup(): void {
  for (const ns of [nsA, nsB])
    try {
      sh(`ip netns del ${ns} 2>/dev/null`);
    } catch {
      // not created
    }
  rmSync(dir, { recursive: true, force: true });
}

/** UDP frames of 60 to ~300 bytes between two hosts, many ports. */
function trafficFile(): string {
  const b = new PacketBatchBuilder(1);
  for (let i = 0; i < PACKETS; i++) {
    const payload = 18 + ((i * 37) % 240);
    const f = new Uint8Array(42 + payload);
    f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0], 0);
    const ipLen = 28 + payload;
    f.set([0x45, 0, ipLen >> 8, ipLen & 255, 0, 0, 0x40, 0, 64, 17, 0, 0], 14);
    f.set([10, 77, 0, 1, 10, 77, 0, 2], 26);
    const sport = 1024 + (i % 5000);
    f.set([sport >> 8, sport & 255, 0x13, 0x89, (8 + payload) >> 8, (8 + payload) & 255], 34);
    b.push(f, 1.7e15 + i);
  }
  const file = join(dir, 'traffic.pcap');
  writeFileSync(file, writePcap([b.take()]));
  return file;
}

/** Replays the file LOOPS times from A; returns packets sent and seconds taken. */
function replay(file: string): { sent: number; seconds: number } {
  const out = sh(`ip netns exec ${nsA} tcpreplay -q -K -t -l ${LOOPS} -i ${tag}x ${file} 2>&1`);
  const m = /Actual: (\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(out);
  if (!m) throw new Error(`tcpreplay said: ${out}`);
  return { sent: Number(m[1]), seconds: Number(m[2]) };
}

async function settleMs(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

interface Round {
  /** CPU time of the capture (ours: this process, all threads; tcpdump: its process), µs. */
  cpuMicros: number;
  sent: number;
  captured: number;
  drops: number;
  seconds: number;
}

async function roundOurs(file: string): Promise<Round> {
  let captured = 0;
  const src = new LibpcapSource({
    device: `${tag}y`,
    netns: nsB,
    bufferSize: BUFFER_MIB << 20,
    bpf: FILTER,
    sink: (b) => (captured += b.count),
  });
  await src.start();
  const cpu0 = process.cpuUsage();
  // tcpreplay runs in its own process; the event loop keeps reading while we wait for it.
  const r = await new Promise<{ sent: number; seconds: number }>((resolve, reject) => {
    const p = spawn('sh', [
      '-c',
      `ip netns exec ${nsA} tcpreplay -q -K -t -l ${LOOPS} -i ${tag}x ${file} 2>&1`,
    ]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', () => {
      const m = /Actual: (\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(out);
      if (m) resolve({ sent: Number(m[1]), seconds: Number(m[2]) });
      else reject(new Error(`tcpreplay said: ${out}`));
    });
  });
  await settleMs(300);
  const cpu = process.cpuUsage(cpu0);
  const st = src.stats();
  await src.stop();
  const cpuMicros = cpu.user + cpu.system;
  return { sent: r.sent, captured, drops: st.kernelDrops, seconds: r.seconds, cpuMicros };
}

async function roundTcpdump(file: string): Promise<Round> {
  const dump = spawn(
    'ip',
    [
      'netns',
      'exec',
      nsB,
      'tcpdump',
      '-i',
      `${tag}y`,
      '-B',
      String(BUFFER_MIB * 1024),
      '-w',
      '/dev/null',
      FILTER,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  dump.stderr.on('data', (d: Buffer) => (err += d.toString()));
  for (let i = 0; i < 100 && !err.includes('listening'); i++) await settleMs(20);
  const r = replay(file);
  await settleMs(300);
  const cpuMicros = tcpdumpCpu();
  dump.kill('SIGINT');
  await new Promise((res) => dump.once('exit', res));
  const captured = Number(/(\d+) packets captured/.exec(err)?.[1] ?? NaN);
  const drops = Number(/(\d+) packets dropped by kernel/.exec(err)?.[1] ?? NaN);
  return { sent: r.sent, captured, drops, seconds: r.seconds, cpuMicros };
}

/** utime + stime of the running tcpdump on our interface, in µs. */
function tcpdumpCpu(): number {
  const pid = sh(`pgrep -f "tcpdump -i ${tag}y"`).trim().split('\n')[0];
  const f = sh(`cat /proc/${pid}/stat`).split(') ')[1]!.split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  return (ticks * 1e6) / Number(sh('getconf CLK_TCK'));
}

try {
  sh(
    `ip netns add ${nsA} && ip netns add ${nsB} && ` +
      `ip link add ${tag}x netns ${nsA} type veth peer name ${tag}y netns ${nsB} && ` +
      `ip -n ${nsA} link set ${tag}x up && ip -n ${nsB} link set ${tag}y up`,
  );
  const file = trafficFile();
  const ours: Round[] = [];
  const base: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(await roundOurs(file));
    base.push(await roundTcpdump(file));
  }
  const show = (name: string, r: Round) =>
    console.log(
      `  ${name.padEnd(8)} sent ${r.sent} in ${r.seconds.toFixed(2)} s, captured ${r.captured}, ` +
        `kernel drops ${r.drops}, unreported ${r.sent - r.captured - r.drops}, ` +
        `CPU ${(r.cpuMicros / r.captured).toFixed(2)} µs/packet`,
    );
  console.log(
    `${PACKETS} UDP frames × ${LOOPS} loops by tcpreplay --topspeed over a veth, ${ROUNDS} rounds each`,
  );
  for (let i = 0; i < ROUNDS; i++) {
    show('ours', ours[i]!);
    show('tcpdump', base[i]!);
  }
  const pps = (rs: Round[]) => rs.reduce((a, r) => a + r.captured / r.seconds, 0) / rs.length;
  const share = (rs: Round[]) => rs.reduce((a, r) => a + r.captured / r.sent, 0) / rs.length;
  printFigure('captured packets/s', pps(ours), 'tcpdump', pps(base), 'pkt/s');
  printFigure(
    'share of sent packets captured',
    share(ours) * 100,
    'tcpdump',
    share(base) * 100,
    '%',
  );
  const cpu = (rs: Round[]) => rs.reduce((a, r) => a + r.cpuMicros / r.captured, 0) / rs.length;
  printFigure('capture CPU per packet', cpu(ours), 'tcpdump', cpu(base), 'µs');
  const unreported = ours.reduce((a, r) => a + (r.sent - r.captured - r.drops), 0);
  console.log(`unreported drops (ours, all rounds): ${unreported}`);
} finally {
  cleanup();
}
