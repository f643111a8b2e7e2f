// SPDX-License-Identifier: Apache-2.0
// Classic libpcap format: a 24-byte global header (either byte order, micro- or nanosecond magic)
// then 16-byte record headers. Absurd record lengths are counted and the parser resyncs.
import type { BatchSink } from './sink.js';

/** Magic numbers as read big-endian from the first four bytes. */
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
const SWAPPED_MICROS = 0xd4c3b2a1;
const SWAPPED_NANOS = 0x4d3cb2a1;

/** Largest packet libpcap itself accepts (MAXIMUM_SNAPLEN). */
export const MAX_SNAPLEN = 262144;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

/** True when the first four bytes are a classic pcap magic (any order, µs or ns). */
export function isClassicMagic(be: number): boolean {
  return (
    be === PCAP_MAGIC_MICROS ||
    be === PCAP_MAGIC_NANOS ||
    be === SWAPPED_MICROS ||
    be === SWAPPED_NANOS
  );
}

/** Global header facts of a classic pcap stream. */
export interface ClassicHeader {
  littleEndian: boolean;
  nanos: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
}

/** Streaming parser for the classic format (see PcapReader for the chunk handling). */
export class ClassicParser {
  header: ClassicHeader | undefined;
  private maxRecord = MAX_SNAPLEN;
  private lastSec = -1;
  private resyncing = false;

  constructor(private readonly sink: BatchSink) {}

  /** Parses what it can of buf[pos, end); returns the position of the first unparsed byte. */
  parse(buf: Uint8Array, pos: number, end: number, base: number, final: boolean): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (!this.header) {
      if (end - pos < GLOBAL_HEADER) return pos;
      this.readHeader(dv, pos);
      pos += GLOBAL_HEADER;
    }
    const h = this.header!;
    const le = h.littleEndian;
    const fracDiv = h.nanos ? 1000 : 1;
    while (end - pos >= RECORD_HEADER) {
      if (this.resyncing) {
        const found = this.resync(dv, pos, end, base, final);
        if (found < 0) {
          const keep = Math.max(pos, end - RECORD_HEADER + 1);
          this.sink.stats.skippedBytes += keep - pos;
          return keep;
        }
        pos = found;
        if (this.resyncing) return pos; // candidate needs more bytes to be confirmed
      }
      const sec = dv.getUint32(pos, le);
      const frac = dv.getUint32(pos + 4, le);
      const capLen = dv.getUint32(pos + 8, le);
      const wireLen = dv.getUint32(pos + 12, le);
      if (capLen > this.maxRecord) {
        this.sink.error(
          base + pos,
          'bad-length',
          `pcap record at byte ${base + pos} claims ${capLen} captured bytes (limit ${this.maxRecord})`,
        );
        this.resyncing = true;
        pos += 1;
        this.sink.stats.skippedBytes += 1;
        continue;
      }
      if (end - pos < RECORD_HEADER + capLen) return pos;
      const start = pos + RECORD_HEADER;
      this.sink.record(
        h.linkType,
        buf,
        start,
        capLen,
        sec * 1e6 + Math.floor(frac / fracDiv),
        wireLen < capLen ? capLen : wireLen,
      );
      this.lastSec = sec;
      pos = start + capLen;
    }
    return pos;
  }

  /** End of stream with `left` unparsed bytes at stream offset `offset`. */
  finish(left: number, offset: number): void {
    if (left === 0) return;
    if (this.resyncing) {
      this.sink.stats.skippedBytes += left;
      return;
    }
    const what = this.header ? 'record' : 'global header';
    this.sink.error(
      offset,
      'truncated',
      `pcap ${what} at byte ${offset} is truncated: the stream ends ${left} bytes into it`,
    );
  }

  private readHeader(dv: DataView, pos: number): void {
    const magic = dv.getUint32(pos, false);
    const le = magic === SWAPPED_MICROS || magic === SWAPPED_NANOS;
    const snaplen = dv.getUint32(pos + 16, le);
    this.header = {
      littleEndian: le,
      nanos: magic === PCAP_MAGIC_NANOS || magic === SWAPPED_NANOS,
      versionMajor: dv.getUint16(pos + 4, le),
      versionMinor: dv.getUint16(pos + 6, le),
      snaplen,
      // The upper bits of the link-type field carry FCS information, not the type.
      linkType: dv.getUint32(pos + 20, le) & 0xffff,
    };
    this.sink.stats.sections = 1;
    this.maxRecord = Math.min(Math.max(MAX_SNAPLEN, snaplen), 16 * 1024 * 1024);
  }

  /** A record header that could be real: sane lengths, fraction and (once known) time. */
  private plausible(dv: DataView, p: number): boolean {
    const h = this.header!;
    const le = h.littleEndian;
    const sec = dv.getUint32(p, le);
    const frac = dv.getUint32(p + 4, le);
    const capLen = dv.getUint32(p + 8, le);
    const wireLen = dv.getUint32(p + 12, le);
    if (frac >= (h.nanos ? 1e9 : 1e6)) return false;
    if (capLen === 0 || capLen > this.maxRecord || wireLen < capLen || wireLen > 0x100000)
      return false;
    return this.lastSec < 0 || Math.abs(sec - this.lastSec) < 86400;
  }

  /**
   * Looks for the next record header from `pos`: plausible itself and followed by a plausible header
   * (or by the end of what we have, once the stream ended). Returns its position, or -1.
   */
  private resync(dv: DataView, pos: number, end: number, base: number, final: boolean): number {
    const le = this.header!.littleEndian;
    for (let p = pos; end - p >= RECORD_HEADER; p++) {
      if (!this.plausible(dv, p)) continue;
      const next = p + RECORD_HEADER + dv.getUint32(p + 8, le);
      if (
        final ? next !== end && !(end - next >= RECORD_HEADER && this.plausible(dv, next)) : false
      )
        continue;
      if (!final) {
        if (end - next < RECORD_HEADER) {
          // Cannot confirm yet: wait for more bytes, keeping the candidate.
          this.sink.stats.skippedBytes += p - pos;
          return p;
        }
        if (!this.plausible(dv, next)) continue;
      }
      this.sink.stats.skippedBytes += p - pos;
      this.resyncing = false;
      this.sink.note(base + p, 'resync', `pcap records resume at byte ${base + p}`);
      return p;
    }
    return -1;
  }
}
