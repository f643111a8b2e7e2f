// SPDX-License-Identifier: Apache-2.0
// Where pcap/pcapng parsers put packets: one PacketBatchBuilder for the current link type (or, zero-copy,
// an index over the parsed buffer), cut into batches of at most `batchPackets` packets (or when the
// link type or buffer changes), and the damage records.
import { PacketBatchBuilder, type PacketBatch } from '../packet.js';
import { PacketIndexBuilder } from './index-builder.js';

/** A problem found in a capture stream: counted, never thrown. `offset` is the byte offset. */
export interface PcapDamage {
  /** Byte offset in the stream where the damaged record (or block) starts. */
  readonly offset: number;
  /** Stable code: always `SKY_ERR_PCAP_DAMAGED`; `kind` says what exactly. */
  readonly code: 'SKY_ERR_PCAP_DAMAGED';
  readonly kind: 'truncated' | 'bad-length' | 'bad-block' | 'unknown-interface' | 'resync';
  readonly message: string;
}

/** Counters of a reader. */
export interface PcapReaderStats {
  packets: number;
  /** Captured bytes delivered. */
  bytes: number;
  batches: number;
  /** Damaged records or blocks (see `damage`). */
  errors: number;
  /** Bytes skipped while looking for the next valid record after damage. */
  skippedBytes: number;
  /** pcapng blocks of types we do not read, skipped by their length. */
  skippedBlocks: number;
  /** pcapng sections (Section Header Blocks) seen; 1 for a classic pcap. */
  sections: number;
  /** Drops reported inside the file (pcapng OPB drops count, ISB ifdrop). */
  fileDrops: number;
}

/** Keeps at most this many damage records (the count in stats keeps going). */
const MAX_DAMAGE_RECORDS = 100;

/** Batches packets of one link type; a new link type or a full batch closes the current one. */
export class BatchSink {
  readonly out: PacketBatch[] = [];
  readonly damage: PcapDamage[] = [];
  readonly stats: PcapReaderStats = {
    packets: 0,
    bytes: 0,
    batches: 0,
    errors: 0,
    skippedBytes: 0,
    skippedBlocks: 0,
    sections: 0,
    fileDrops: 0,
  };
  private builder: PacketBatchBuilder | undefined;
  /** Zero-copy mode: batches index the parsed buffer. */
  private readonly indexer: PacketIndexBuilder | undefined;

  constructor(
    private readonly batchPackets: number,
    zeroCopy = false,
  ) {
    if (zeroCopy) this.indexer = new PacketIndexBuilder(Math.min(batchPackets, 1024));
  }

  /** Adds packet buf[start, start + capLen): copied, or only indexed in zero-copy mode. */
  record(
    linkType: number,
    buf: Uint8Array,
    start: number,
    capLen: number,
    tsMicros: number,
    wireLen: number,
  ): void {
    const ix = this.indexer;
    if (ix === undefined) {
      this.packet(linkType, buf.subarray(start, start + capLen), tsMicros, wireLen);
      return;
    }
    if (ix.count > 0 && (ix.linkType !== linkType || ix.buffer !== buf)) this.flush();
    ix.add(linkType, buf, start, capLen, tsMicros, wireLen);
    this.stats.packets++;
    this.stats.bytes += capLen;
    if (ix.count >= this.batchPackets) this.flush();
  }

  /** Adds one packet (copied). */
  packet(linkType: number, data: Uint8Array, tsMicros: number, wireLen: number): void {
    let b = this.builder;
    if (!b || b.linkType !== linkType) {
      this.flush();
      b = this.builder = new PacketBatchBuilder(linkType, Math.min(this.batchPackets, 1024));
    }
    b.push(data, tsMicros, wireLen);
    this.stats.packets++;
    this.stats.bytes += data.length;
    if (b.count >= this.batchPackets) this.flush();
  }

  /** Gives a finished batch's storage back to the current builder (see PacketBatchBuilder.recycle). */
  recycle(batch: PacketBatch): void {
    if (this.indexer) this.indexer.recycle(batch);
    else this.builder?.recycle(batch);
  }

  /** Closes the current batch, if it holds packets. */
  flush(): void {
    if (this.indexer) {
      if (this.indexer.count > 0) {
        this.out.push(this.indexer.take());
        this.stats.batches++;
      }
      return;
    }
    if (this.builder && this.builder.count > 0) {
      this.out.push(this.builder.take());
      this.stats.batches++;
    }
  }

  /** Counts a damaged record. */
  error(offset: number, kind: PcapDamage['kind'], message: string): void {
    this.stats.errors++;
    if (this.damage.length < MAX_DAMAGE_RECORDS)
      this.damage.push({ offset, code: 'SKY_ERR_PCAP_DAMAGED', kind, message });
  }

  /** Records an event (such as a resync) without counting it as damage. */
  note(offset: number, kind: PcapDamage['kind'], message: string): void {
    if (this.damage.length < MAX_DAMAGE_RECORDS)
      this.damage.push({ offset, code: 'SKY_ERR_PCAP_DAMAGED', kind, message });
  }

  /** Takes the batches completed so far. */
  drain(): PacketBatch[] {
    if (this.out.length === 0) return [];
    return this.out.splice(0, this.out.length);
  }
}
