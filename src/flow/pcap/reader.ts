// SPDX-License-Identifier: Apache-2.0
// A streaming pcap/pcapng reader: feed it Uint8Array chunks of any size (a file, stdin, an HTTP
// upload), take PacketBatch batches out. Damaged input is counted with byte offsets, never thrown.
import { InvalidArgumentError } from '../../graph/errors.js';
import type { PacketBatch } from '../packet.js';
import { ClassicParser, isClassicMagic, type ClassicHeader } from './classic.js';
import { BT_SHB, PcapngParser } from './pcapng.js';
import { BatchSink, type PcapDamage, type PcapReaderStats } from './sink.js';

export type { PcapDamage, PcapReaderStats } from './sink.js';

/** Options of a PcapReader. */
export interface PcapReaderOptions {
  /** Packets per batch at most (default 1024). */
  batchPackets?: number;
  /**
   * Zero-copy batches: a batch's buffer is the chunk given to push() (or the reader's own buffer for
   * records split across chunks) instead of a copy of each packet. Such batches are valid only until
   * the next push()/flush()/end() and while the caller leaves its chunk unchanged. Default false.
   */
  zeroCopy?: boolean;
}

/** What a finished read gives (see readCapture). */
export interface CaptureRead {
  format: 'pcap' | 'pcapng';
  batches: PacketBatch[];
  stats: PcapReaderStats;
  damage: PcapDamage[];
  /** Global header of a classic pcap. */
  header?: ClassicHeader;
}

/**
 * Streaming reader of classic pcap and pcapng. `push()` returns the batches completed by that
 * chunk; `end()` returns the rest and counts a truncated last record. The only thrown error is a
 * stream that is neither format (`SKY_ERR_PCAP_FORMAT`), raised by the first push that can tell.
 */
export class PcapReader {
  private readonly sink: BatchSink;
  private parser: ClassicParser | PcapngParser | undefined;
  /** Bytes kept from earlier chunks (a record split across chunks). */
  private pending: Uint8Array = new Uint8Array(0);
  private pendingLen = 0;
  /** Zero-copy: the other pending buffer (split records move there; batches may view `pending`). */
  private spare: Uint8Array | undefined;
  private readonly zeroCopy: boolean;
  /** Stream offset of pending[0]. */
  private base = 0;
  private ended = false;

  constructor(opts: PcapReaderOptions = {}) {
    this.zeroCopy = opts.zeroCopy ?? false;
    this.sink = new BatchSink(Math.max(1, opts.batchPackets ?? 1024), this.zeroCopy);
  }

  /** 'pcap', 'pcapng', or undefined before the first four bytes. */
  get format(): 'pcap' | 'pcapng' | undefined {
    if (!this.parser) return undefined;
    return this.parser instanceof ClassicParser ? 'pcap' : 'pcapng';
  }

  /** Counters so far. */
  get stats(): Readonly<PcapReaderStats> {
    return this.sink.stats;
  }

  /** Damage records so far (the first 100; `stats.errors` counts them all). */
  get damage(): readonly PcapDamage[] {
    return this.sink.damage;
  }

  /** Global header of a classic pcap (undefined for pcapng or before 24 bytes). */
  get header(): ClassicHeader | undefined {
    return this.parser instanceof ClassicParser ? this.parser.header : undefined;
  }

  /** Bytes consumed by the parsers so far. */
  get offset(): number {
    return this.base;
  }

  /** Feeds one chunk (not kept: copy-free for whole records inside it). */
  push(chunk: Uint8Array): PacketBatch[] {
    if (this.ended) throw new Error('PcapReader: push() after end()');
    if (chunk.length === 0) return [];
    if (this.pendingLen === 0) {
      const used = this.run(chunk, chunk.length, false);
      this.keep(chunk, used, chunk.length);
    } else {
      this.append(chunk);
      const used = this.run(this.pending, this.pendingLen, false);
      this.keep(this.pending, used, this.pendingLen);
    }
    // zero-copy batches view this chunk: none may wait for the next one
    if (this.zeroCopy) this.sink.flush();
    return this.sink.drain();
  }

  /**
   * Hands back a batch this reader returned, once the caller is done with it (it must not be read
   * afterwards): later batches reuse its arrays instead of allocating new ones. Optional.
   */
  recycle(batch: PacketBatch): void {
    this.sink.recycle(batch);
  }

  /** Closes the batch being filled (for live streams) and returns the completed batches. */
  flush(): PacketBatch[] {
    this.sink.flush();
    return this.sink.drain();
  }

  /**
   * Ends the stream: flushes the last batch and counts a truncated trailing record. Throws
   * `SKY_ERR_PCAP_FORMAT` for a stream too short to be a capture.
   */
  end(): PacketBatch[] {
    if (this.ended) return [];
    this.ended = true;
    if (!this.parser && this.pendingLen < 4)
      throw new InvalidArgumentError(
        'SKY_ERR_PCAP_FORMAT',
        `not a pcap or pcapng stream: it ends after ${this.pendingLen} bytes`,
      );
    if (this.pendingLen > 0) {
      const used = this.run(this.pending, this.pendingLen, true);
      const left = this.pendingLen - used;
      this.base += used;
      if (left > 0) {
        this.parser?.finish(left, this.base);
      }
      this.pending = new Uint8Array(0);
      this.pendingLen = 0;
    }
    this.sink.flush();
    return this.sink.drain();
  }

  private run(buf: Uint8Array, end: number, final: boolean): number {
    if (!this.parser) {
      if (end < 4) return 0;
      const magic = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, false);
      if (isClassicMagic(magic)) this.parser = new ClassicParser(this.sink);
      else if (magic === BT_SHB) this.parser = new PcapngParser(this.sink);
      else
        throw new InvalidArgumentError(
          'SKY_ERR_PCAP_FORMAT',
          `not a pcap or pcapng stream: it starts with 0x${magic.toString(16).padStart(8, '0')}`,
        );
    }
    return this.parser.parse(buf, 0, end, this.base, final);
  }

  /** Keeps buf[used, end) for the next chunk (copied: the caller may reuse its chunk). */
  private keep(buf: Uint8Array, used: number, end: number): void {
    this.base += used;
    const left = end - used;
    if (left === 0) {
      this.pendingLen = 0;
      if (this.pending.length > 1 << 20) this.pending = new Uint8Array(0);
      return;
    }
    if (buf === this.pending && this.zeroCopy) {
      // this push's batches may view `pending`: the rest goes to the other buffer
      let next = this.spare;
      if (next === undefined || next.length < left) next = new Uint8Array(Math.max(left, 4096));
      next.set(buf.subarray(used, end));
      this.spare = this.pending;
      this.pending = next;
    } else if (buf === this.pending) {
      this.pending.copyWithin(0, used, end);
    } else {
      if (this.pending.length < left) this.pending = new Uint8Array(Math.max(left, 4096));
      this.pending.set(buf.subarray(used, end));
    }
    this.pendingLen = left;
  }

  private append(chunk: Uint8Array): void {
    const need = this.pendingLen + chunk.length;
    if (this.pending.length < need) {
      const next = new Uint8Array(Math.max(need, this.pending.length * 2));
      next.set(this.pending.subarray(0, this.pendingLen));
      this.pending = next;
    }
    this.pending.set(chunk, this.pendingLen);
    this.pendingLen = need;
  }
}

/** Reads a whole capture held in memory (tests, small uploads). */
export function readCapture(bytes: Uint8Array, opts: PcapReaderOptions = {}): CaptureRead {
  const r = new PcapReader(opts);
  const batches = [...r.push(bytes), ...r.end()];
  const out: CaptureRead = {
    format: r.format ?? 'pcap',
    batches,
    stats: { ...r.stats },
    damage: [...r.damage],
  };
  if (r.header) out.header = r.header;
  return out;
}
