// SPDX-License-Identifier: Apache-2.0
// The capture thread of an afpacket source: enters the interface's network namespace (this thread
// only), opens an AF_PACKET TPACKET_V3 ring, and copies the packets of each filled block into
// PacketBatch batches transferred to the main thread. Control and counters go through shared memory.
import { PacketBatchBuilder, type PacketBatch } from '../flow/packet.js';
import { AfPacketRing } from './afpacket-ring.js';
import { ifIndex } from './ifindex.js';
import { startCaptureThread } from './worker-setup.js';
import { CTL } from './libpcap-protocol.js';

const thread = startCaptureThread();
const { setup, ctl, stopFlag, post, where } = thread;
function fail(message: string): never {
  return thread.fail(message);
}

let ring: AfPacketRing;
try {
  ring = new AfPacketRing(setup.device, {
    bpf: setup.bpf,
    snaplen: setup.snaplen,
    bufferSize: setup.bufferSize,
    timeoutMs: setup.flushMs,
  });
} catch (e) {
  fail(`cannot capture on ${where}: ${(e as Error).message}`);
}
const linkType = ring.linkType;
const newBuilder = () => new PacketBatchBuilder(linkType, Math.min(setup.batchPackets, 4096));
let builder = newBuilder();
const tagged = new Uint8Array(262144 + 4);

function flush(): void {
  if (builder.count === 0) return;
  const b: PacketBatch = builder.take();
  thread.postBatch(b);
  builder = newBuilder();
}

const visit = (
  data: Uint8Array,
  start: number,
  capLen: number,
  wireLen: number,
  ts: number,
  vlan: number,
): void => {
  if (vlan < 0 || capLen < 12) {
    builder.pushFrom(data, start, capLen, ts, wireLen);
  } else {
    // The kernel moved the 802.1Q tag out of the frame: put it back after the MAC addresses.
    tagged.set(data.subarray(start, start + 12), 0);
    tagged[12] = (vlan >>> 24) & 255;
    tagged[13] = (vlan >>> 16) & 255;
    tagged[14] = (vlan >>> 8) & 255;
    tagged[15] = vlan & 255;
    tagged.set(data.subarray(start + 12, start + capLen), 16);
    builder.push(tagged.subarray(0, capLen + 4), ts, wireLen + 4);
  }
  if (builder.count >= setup.batchPackets) flush();
};

post({ type: 'ready', linkType });
let lastFlush = Date.now();
let lastCheck = lastFlush;
const nap = Math.max(1, setup.flushMs >> 2);
while (Atomics.load(stopFlag, 0) === 0) {
  const n = ring.read(visit, setup.snaplen);
  const now = Date.now();
  if (now - lastFlush >= setup.flushMs) {
    flush();
    ctl[CTL.KERNEL_DROPS] = ring.kernelDrops();
    lastFlush = now;
  }
  // A deleted interface leaves the socket silent: notice it once a second and end in error.
  if (now - lastCheck >= 1000) {
    lastCheck = now;
    if (ifIndex(setup.device) !== ring.ifindex) {
      post({ type: 'error', message: `interface ${where} is gone` });
      break;
    }
  }
  // Nothing ready: sleep a little (stop() wakes us at once).
  if (n === 0) Atomics.wait(stopFlag, 0, 0, nap);
}
ring.read(visit, setup.snaplen);
flush();
ctl[CTL.KERNEL_DROPS] = ring.kernelDrops();
ring.close();
post({ type: 'stopped' });
