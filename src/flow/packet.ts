// SPDX-License-Identifier: Apache-2.0
// The unit every packet source hands to the flow table: a batch of raw frames stored back to back in
// one buffer with per-packet offsets, lengths and timestamps (no object per packet on the hot path).

/** pcap LINKTYPE values that sources produce and the decoders understand. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** Raw IP (the pcap file header may also say 12 or 14 for historical reasons). */
  RAW: 101,
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
} as const;

/** A batch of frames of one link type. Packet i is `buffer[offsets[i], offsets[i] + capLens[i])`. */
export interface PacketBatch {
  readonly linkType: number;
  /** Number of packets in the batch (the typed arrays may be longer). */
  readonly count: number;
  readonly buffer: Uint8Array;
  readonly offsets: Uint32Array;
  /** Bytes captured (may be less than on the wire when a snap length cut the frame). */
  readonly capLens: Uint32Array;
  /** Length of the frame on the wire. */
  readonly wireLens: Uint32Array;
  /** Capture time of each packet in microseconds since the epoch. */
  readonly timestamps: Float64Array;
  /**
   * Sampled sources (sFlow): packet i stands for `samplingRates[i]` packets on the wire (1-in-N).
   * Absent when every packet was captured. Skydive counts sampled packets as they are, without
   * scaling; a flow table that wants wire estimates multiplies by this.
   */
  readonly samplingRates?: Uint32Array;
}

/** Recycled batches a PacketBatchBuilder keeps at most. */
const MAX_SPARES = 8;

/** Collects packets into a PacketBatch, growing its storage as needed; reusable after take(). */
export class PacketBatchBuilder {
  private buffer: Uint8Array;
  private offsets: Uint32Array;
  private capLens: Uint32Array;
  private wireLens: Uint32Array;
  private timestamps: Float64Array;
  private used = 0;
  private n = 0;
  /** Batches handed back by recycle(), reused by take() instead of allocating new arrays. */
  private readonly spares: PacketBatch[] = [];

  constructor(
    readonly linkType: number,
    initialPackets = 256,
    initialBytes = 256 * 1600,
  ) {
    this.buffer = new Uint8Array(initialBytes);
    this.offsets = new Uint32Array(initialPackets);
    this.capLens = new Uint32Array(initialPackets);
    this.wireLens = new Uint32Array(initialPackets);
    this.timestamps = new Float64Array(initialPackets);
  }

  /** Packets added since the last take(). */
  get count(): number {
    return this.n;
  }

  /** Bytes of packet data added since the last take(). */
  get bytes(): number {
    return this.used;
  }

  /** Copies one frame in. `wireLen` defaults to the captured length. */
  push(data: Uint8Array, timestampMicros: number, wireLen = data.length): void {
    if (this.n === this.offsets.length) this.growIndex();
    if (this.used + data.length > this.buffer.length) this.growBuffer(data.length);
    this.buffer.set(data, this.used);
    this.offsets[this.n] = this.used;
    this.capLens[this.n] = data.length;
    this.wireLens[this.n] = wireLen;
    this.timestamps[this.n] = timestampMicros;
    this.used += data.length;
    this.n++;
  }

  /**
   * Copies `src[start, start + len)` in as one packet, without making a view of it first (a
   * capture ring's hot path: small frames are copied byte by byte, large ones in one call).
   */
  pushFrom(
    src: Uint8Array,
    start: number,
    len: number,
    timestampMicros: number,
    wireLen: number,
  ): void {
    if (this.n === this.offsets.length) this.growIndex();
    if (this.used + len > this.buffer.length) this.growBuffer(len);
    const buf = this.buffer;
    const at = this.used;
    if (len <= 96) for (let i = 0; i < len; i++) buf[at + i] = src[start + i]!;
    else buf.set(src.subarray(start, start + len), at);
    this.offsets[this.n] = at;
    this.capLens[this.n] = len;
    this.wireLens[this.n] = wireLen;
    this.timestamps[this.n] = timestampMicros;
    this.used = at + len;
    this.n++;
  }

  /** Returns the packets collected so far as a batch and starts a new one (no copy). */
  take(): PacketBatch {
    const batch: PacketBatch = {
      linkType: this.linkType,
      count: this.n,
      buffer: this.buffer,
      offsets: this.offsets,
      capLens: this.capLens,
      wireLens: this.wireLens,
      timestamps: this.timestamps,
    };
    const packets = Math.max(16, this.offsets.length);
    const spare = this.spares.pop();
    if (spare) {
      this.buffer = spare.buffer;
      this.offsets = spare.offsets as Uint32Array;
      this.capLens = spare.capLens as Uint32Array;
      this.wireLens = spare.wireLens as Uint32Array;
      this.timestamps = spare.timestamps as Float64Array;
    } else {
      this.buffer = new Uint8Array(Math.max(1600, this.buffer.length));
      this.offsets = new Uint32Array(packets);
      this.capLens = new Uint32Array(packets);
      this.wireLens = new Uint32Array(packets);
      this.timestamps = new Float64Array(packets);
    }
    this.used = 0;
    this.n = 0;
    return batch;
  }

  /**
   * Hands back a batch this builder's take() returned once its reader is done with it: a later
   * take() reuses its arrays instead of allocating (and zero-filling) new ones. The batch must
   * not be read afterwards. Batches of another builder or with unequal index arrays are ignored;
   * at most `MAX_SPARES` are kept.
   */
  recycle(batch: PacketBatch): void {
    if (this.spares.length >= MAX_SPARES || batch.buffer.length < 1600) return;
    const n = batch.offsets.length;
    if (
      n < 16 ||
      batch.capLens.length !== n ||
      batch.wireLens.length !== n ||
      batch.timestamps.length !== n ||
      batch.linkType !== this.linkType ||
      batch.samplingRates !== undefined ||
      batch.buffer === this.buffer ||
      this.spares.some((b) => b.buffer === batch.buffer)
    )
      return;
    this.spares.push(batch);
  }

  private growIndex(): void {
    const size = this.offsets.length * 2;
    this.offsets = grow(this.offsets, new Uint32Array(size));
    this.capLens = grow(this.capLens, new Uint32Array(size));
    this.wireLens = grow(this.wireLens, new Uint32Array(size));
    this.timestamps = grow(this.timestamps, new Float64Array(size));
  }

  private growBuffer(need: number): void {
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.used + need));
    next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The bytes of packet `i` of a batch (a view, not a copy). */
export function packetAt(batch: PacketBatch, i: number): Uint8Array {
  const start = batch.offsets[i] ?? 0;
  return batch.buffer.subarray(start, start + (batch.capLens[i] ?? 0));
}
