// SPDX-License-Identifier: Apache-2.0
// Zero-copy batches: a PacketBatch whose buffer is the chunk the pcap parser is reading, with the
// packets' offsets, lengths and times filled in (no packet bytes copied, no view made per packet).
import type { PacketBatch } from '../packet.js';

/** Index arrays kept for reuse at most. */
const MAX_SPARES = 8;

/** Index storage of one batch. */
interface IndexArrays {
  offsets: Uint32Array;
  capLens: Uint32Array;
  wireLens: Uint32Array;
  timestamps: Float64Array;
}

/** Collects packets of one buffer and one link type as an index; reusable after take(). */
export class PacketIndexBuilder {
  linkType = -1;
  /** The buffer every packet of the current batch lies in. */
  buffer: Uint8Array = new Uint8Array(0);
  private a: IndexArrays;
  private n = 0;
  private readonly spares: IndexArrays[] = [];

  constructor(private readonly initialPackets = 256) {
    this.a = PacketIndexBuilder.arrays(Math.max(16, initialPackets));
  }

  private static arrays(n: number): IndexArrays {
    return {
      offsets: new Uint32Array(n),
      capLens: new Uint32Array(n),
      wireLens: new Uint32Array(n),
      timestamps: new Float64Array(n),
    };
  }

  /** Packets added since the last take(). */
  get count(): number {
    return this.n;
  }

  /**
   * Adds packet buf[start, start + len). The first packet of a batch sets its buffer and link type;
   * the caller takes the batch before adding a packet of another buffer or link type.
   */
  add(
    linkType: number,
    buf: Uint8Array,
    start: number,
    len: number,
    tsMicros: number,
    wireLen: number,
  ): void {
    if (this.n === 0) {
      this.buffer = buf;
      this.linkType = linkType;
    }
    let a = this.a;
    if (this.n === a.offsets.length) a = this.grow();
    const n = this.n;
    a.offsets[n] = start;
    a.capLens[n] = len;
    a.wireLens[n] = wireLen;
    a.timestamps[n] = tsMicros;
    this.n = n + 1;
  }

  /** The packets so far as a batch over their buffer (valid while that buffer is unchanged). */
  take(): PacketBatch {
    const a = this.a;
    const batch: PacketBatch = {
      linkType: this.linkType,
      count: this.n,
      buffer: this.buffer,
      offsets: a.offsets,
      capLens: a.capLens,
      wireLens: a.wireLens,
      timestamps: a.timestamps,
    };
    this.a = this.spares.pop() ?? PacketIndexBuilder.arrays(a.offsets.length);
    this.n = 0;
    this.buffer = new Uint8Array(0);
    return batch;
  }

  /** Hands back a batch take() returned, once read: a later take() reuses its index arrays. */
  recycle(batch: PacketBatch): void {
    const n = batch.offsets.length;
    if (
      this.spares.length >= MAX_SPARES ||
      n < this.initialPackets ||
      batch.capLens.length !== n ||
      batch.wireLens.length !== n ||
      batch.timestamps.length !== n ||
      batch.samplingRates !== undefined ||
      batch.offsets === this.a.offsets ||
      this.spares.some((s) => s.offsets === batch.offsets)
    )
      return;
    this.spares.push({
      offsets: batch.offsets as Uint32Array,
      capLens: batch.capLens as Uint32Array,
      wireLens: batch.wireLens as Uint32Array,
      timestamps: batch.timestamps as Float64Array,
    });
  }

  private grow(): IndexArrays {
    const old = this.a;
    const a = PacketIndexBuilder.arrays(old.offsets.length * 2);
    a.offsets.set(old.offsets);
    a.capLens.set(old.capLens);
    a.wireLens.set(old.wireLens);
    a.timestamps.set(old.timestamps);
    this.a = a;
    return a;
  }
}
