// SPDX-License-Identifier: Apache-2.0
// BPF filters compiled by libpcap itself (pcap_open_dead + pcap_compile through koffi): checking a
// capture's filter before anything opens, and filtering packets that no kernel saw (sFlow samples)
// with pcap_offline_filter, as Skydive applies a capture's BPF filter to sFlow samples.
import { PacketBatchBuilder, type PacketBatch } from '../flow/packet.js';
import { libpcap } from './libpcap-ffi.js';

/**
 * Compiles `filter` for `linkType` (default Ethernet); returns libpcap's error message, or undefined
 * when it compiles. An empty filter always compiles.
 */
export function checkBpf(filter: string, linkType = 1): string | undefined {
  if (filter.trim() === '') return undefined;
  const l = libpcap();
  const p = l.openDead(linkType, 65535);
  if (!p) return 'pcap_open_dead failed';
  const prog = Buffer.alloc(16);
  try {
    if (l.compile(p, prog, filter, 1, 0xffffffff) !== 0) return l.geterr(p);
    l.freecode(prog);
    return undefined;
  } finally {
    l.close(p);
  }
}

/** A compiled filter that runs in this process (one libpcap call per packet). */
export class BpfMatcher {
  private readonly prog = Buffer.alloc(16);
  private readonly header = Buffer.alloc(24);
  private freed = false;

  /** Throws with libpcap's message when `filter` does not compile. */
  constructor(
    readonly expression: string,
    readonly linkType = 1,
  ) {
    const l = libpcap();
    const p = l.openDead(linkType, 262144);
    try {
      if (l.compile(p, this.prog, expression, 1, 0xffffffff) !== 0) throw new Error(l.geterr(p));
    } finally {
      l.close(p);
    }
  }

  /** True when the frame matches. */
  match(data: Uint8Array, wireLen = data.length): boolean {
    this.header.writeUInt32LE(data.length, 16);
    this.header.writeUInt32LE(wireLen, 20);
    return libpcap().offlineFilter(this.prog, this.header, data) !== 0;
  }

  /** The packets of `batch` that match, as a new batch (the batch itself when all match). */
  filter(batch: PacketBatch): PacketBatch {
    const keep: number[] = [];
    for (let i = 0; i < batch.count; i++) {
      const start = batch.offsets[i]!;
      if (this.match(batch.buffer.subarray(start, start + batch.capLens[i]!), batch.wireLens[i]!))
        keep.push(i);
    }
    if (keep.length === batch.count) return batch;
    const b = new PacketBatchBuilder(batch.linkType, Math.max(16, keep.length));
    const rates = batch.samplingRates ? new Uint32Array(Math.max(16, keep.length)) : undefined;
    keep.forEach((i, k) => {
      b.pushFrom(
        batch.buffer,
        batch.offsets[i]!,
        batch.capLens[i]!,
        batch.timestamps[i]!,
        batch.wireLens[i]!,
      );
      if (rates) rates[k] = batch.samplingRates![i]!;
    });
    const out = b.take();
    return rates ? { ...out, samplingRates: rates } : out;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    libpcap().freecode(this.prog);
  }
}
