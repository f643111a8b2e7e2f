// SPDX-License-Identifier: Apache-2.0
// Classic pcap writer (little-endian, microsecond magic): a global header, then one record per packet,
// from PacketBatch batches or single packets. Returns bytes; the caller writes them where it wants.
import type { PacketBatch } from '../packet.js';
import { MAX_SNAPLEN } from './classic.js';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

/** Options of a PcapWriter. */
export interface PcapWriterOptions {
  /** Link type of every record (default 1, Ethernet). */
  linkType?: number;
  /** Snap length written in the header; longer packets are cut to it (default 262144). */
  snaplen?: number;
  /** Write nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds. */
  nanos?: boolean;
}

/** Builds a pcap stream: header() once, then records. */
export class PcapWriter {
  readonly linkType: number;
  readonly snaplen: number;
  private readonly nanos: boolean;

  constructor(opts: PcapWriterOptions = {}) {
    this.linkType = opts.linkType ?? 1;
    this.snaplen = opts.snaplen ?? MAX_SNAPLEN;
    this.nanos = opts.nanos ?? false;
  }

  /** The 24-byte global header. */
  header(): Uint8Array {
    const out = new Uint8Array(GLOBAL_HEADER);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.nanos ? 0xa1b23c4d : 0xa1b2c3d4, true);
    dv.setUint16(4, 2, true);
    dv.setUint16(6, 4, true);
    dv.setUint32(16, this.snaplen, true);
    dv.setUint32(20, this.linkType, true);
    return out;
  }

  /** One record. `timestampMicros` is microseconds since the epoch. */
  packet(data: Uint8Array, timestampMicros: number, wireLen = data.length): Uint8Array {
    const cap = Math.min(data.length, this.snaplen);
    const out = new Uint8Array(RECORD_HEADER + cap);
    this.writeRecord(out, 0, data, cap, timestampMicros, wireLen);
    return out;
  }

  /** All records of a batch in one buffer (the batch's link type is not checked). */
  batch(batch: PacketBatch): Uint8Array {
    let size = 0;
    for (let i = 0; i < batch.count; i++)
      size += RECORD_HEADER + Math.min(batch.capLens[i]!, this.snaplen);
    const out = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < batch.count; i++) {
      const start = batch.offsets[i]!;
      const cap = Math.min(batch.capLens[i]!, this.snaplen);
      const data = batch.buffer.subarray(start, start + cap);
      this.writeRecord(out, at, data, cap, batch.timestamps[i]!, batch.wireLens[i]!);
      at += RECORD_HEADER + cap;
    }
    return out;
  }

  private writeRecord(
    out: Uint8Array,
    at: number,
    data: Uint8Array,
    cap: number,
    micros: number,
    wireLen: number,
  ): void {
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const sec = Math.floor(micros / 1e6);
    const frac = micros - sec * 1e6;
    dv.setUint32(at, sec, true);
    dv.setUint32(at + 4, this.nanos ? Math.round(frac * 1000) : Math.round(frac), true);
    dv.setUint32(at + 8, cap, true);
    dv.setUint32(at + 12, Math.max(wireLen, cap), true);
    out.set(data.subarray(0, cap), at + RECORD_HEADER);
  }
}

/** A whole pcap file from batches (all written with the first batch's link type unless given). */
export function writePcap(
  batches: readonly PacketBatch[],
  opts: PcapWriterOptions = {},
): Uint8Array {
  const w = new PcapWriter({ linkType: batches[0]?.linkType ?? 1, ...opts });
  const parts = [w.header(), ...batches.map((b) => w.batch(b))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
