// SPDX-License-Identifier: Apache-2.0
// The capture thread of a live libpcap source: enters the interface's network namespace (this thread
// only), opens libpcap with a kernel ring, and copies packets from the ring into PacketBatch batches
// that it transfers to the main thread. Control and counters go through a SharedArrayBuffer.
import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { PacketBatchBuilder } from '../flow/packet.js';
import { ifIndex } from './ifindex.js';
import { libpcap } from './libpcap-ffi.js';
import { startCaptureThread } from './worker-setup.js';
import { CTL } from './libpcap-protocol.js';

const thread = startCaptureThread();
const { setup, ctl, stopFlag, post, where } = thread;
function fail(message: string): never {
  return thread.fail(message);
}
if (ifIndex(setup.device) === 0) fail(`no interface ${where}`);

const pcap = libpcap();
const errbuf = Buffer.alloc(512);
const p = pcap.create(setup.device, errbuf);
if (!p) fail(`cannot capture on ${where}: ${errbuf.toString('latin1').replace(/\0.*$/s, '')}`);
pcap.setSnaplen(p, setup.snaplen);
pcap.setPromisc(p, 1);
// Without immediate mode the kernel hands over a block of packets at most every `flushMs`.
pcap.setTimeout(p, setup.flushMs);
pcap.setBufferSize(p, setup.bufferSize);
const rc = pcap.activate(p);
if (rc < 0) {
  const why = pcap.geterr(p);
  pcap.close(p);
  fail(`cannot capture on ${where}: ${why}`);
}
if (setup.bpf) {
  const prog = Buffer.alloc(16);
  if (pcap.compile(p, prog, setup.bpf, 1, 0xffffffff) !== 0 || pcap.setfilter(p, prog) !== 0) {
    const why = pcap.geterr(p);
    pcap.close(p);
    fail(`BPF filter ${JSON.stringify(setup.bpf)}: ${why}`);
  }
  pcap.freecode(prog);
}
// Non-blocking: with TPACKET_V3 a blocking read waits for a full or timed-out block and never
// returns while the link is idle, so the thread polls and sleeps on the stop flag instead.
if (pcap.setnonblock(p, 1, errbuf) !== 0) {
  pcap.close(p);
  fail(`cannot capture on ${where}: pcap_setnonblock failed`);
}
const linkType = pcap.datalink(p);

let builder = new PacketBatchBuilder(linkType, Math.min(setup.batchPackets, 4096));
// libpcap hands us pointers into its mmap'd ring (and a header it keeps at one address): one view
// of each, made once, saves an ArrayBuffer per packet.
let hAddr = -1;
let header = new DataView(new ArrayBuffer(24));
let ringBase = 0;
let ringEnd = 0;
let ring = new Uint8Array(0);

function mapRing(addr: number): void {
  ringBase = ringEnd = 0;
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)/.exec(line);
    if (!m) continue;
    const a = parseInt(m[1]!, 16);
    const b = parseInt(m[2]!, 16);
    if (addr >= a && addr < b) {
      ring = new Uint8Array(koffi.view(BigInt(a), b - a));
      ringBase = a;
      ringEnd = b;
      return;
    }
  }
}

const onPacket = koffi.register((_user: unknown, hp: bigint, dp: bigint) => {
  const h = Number(hp);
  if (h !== hAddr) {
    hAddr = h;
    header = new DataView(koffi.view(hp, 24));
  }
  const sec = header.getUint32(0, true) + header.getInt32(4, true) * 4294967296;
  const usec = header.getUint32(8, true);
  const capLen = header.getUint32(16, true);
  const wireLen = header.getUint32(20, true);
  const d = Number(dp);
  if (d < ringBase || d + capLen > ringEnd) mapRing(d);
  const data =
    d >= ringBase && d + capLen <= ringEnd
      ? ring.subarray(d - ringBase, d - ringBase + capLen)
      : new Uint8Array(koffi.view(dp, capLen));
  builder.push(data, sec * 1e6 + usec, wireLen);
}, pcap.handlerType);

const statBuf = Buffer.alloc(12);
function publishStats(): void {
  if (pcap.stats(p, statBuf) === 0) {
    ctl[CTL.KERNEL_DROPS] = statBuf.readUInt32LE(4);
    ctl[CTL.IF_DROPS] = statBuf.readUInt32LE(8);
  }
}

function flush(): void {
  if (builder.count === 0) return;
  const b = builder.take();
  ctl[CTL.PACKETS] = ctl[CTL.PACKETS]! + b.count;
  thread.postBatch(b);
  // take() made fresh arrays; grow them back to a batch's size at once.
  builder = new PacketBatchBuilder(linkType, Math.min(setup.batchPackets, 4096));
}

post({ type: 'ready', linkType });
let lastFlush = Date.now();
while (Atomics.load(stopFlag, 0) === 0) {
  const n = pcap.dispatch(p, setup.batchPackets, onPacket, null);
  if (n < 0) {
    post({ type: 'error', message: `capture on ${where} failed: ${pcap.geterr(p)}` });
    break;
  }
  const now = Date.now();
  if (builder.count >= setup.batchPackets || now - lastFlush >= setup.flushMs) {
    flush();
    publishStats();
    lastFlush = now;
  }
  // Nothing ready: sleep a little (stop() wakes us at once).
  if (n === 0) Atomics.wait(stopFlag, 0, 0, Math.max(1, setup.flushMs >> 2));
}
flush();
publishStats();
koffi.unregister(onPacket);
pcap.close(p);
post({ type: 'stopped' });
