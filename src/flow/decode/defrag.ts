// SPDX-License-Identifier: Apache-2.0
// IPv4 reassembly for DecodeOptions.ipDefrag: partial datagrams are bounded in number and age, the
// completed datagram is written into a buffer the reassembler owns, and fragments/errors are counted.
import { u16 } from './bytes.js';

/** What add() did with a fragment. */
export const DefragResult = { Held: 1, Complete: 2, Refused: 3 } as const;

interface Datagram {
  data: Uint8Array;
  /** One bit per 8-byte block received. */
  blocks: Uint8Array;
  /** Payload length once the last fragment (MF clear) arrived, else -1. */
  total: number;
  firstSeen: number;
  held: number;
  errors: number;
}

/** Counters of a reassembler (visible in metrics; every dropped datagram is counted). */
export interface DefragStats {
  /** Fragments stored while their datagram was incomplete. */
  fragments: number;
  /** Fragments refused (too small, offset or size past 65535). */
  fragmentErrors: number;
  /** Datagrams completed. */
  reassembled: number;
  /** Incomplete datagrams dropped for age (timeout) or room (maxDatagrams). */
  expired: number;
  evicted: number;
}

/** Reassembles IPv4 datagrams from fragments, keyed like gopacket's ip4defrag (source, destination, ID). */
export class Ipv4Reassembler {
  readonly stats: DefragStats = {
    fragments: 0,
    fragmentErrors: 0,
    reassembled: 0,
    expired: 0,
    evicted: 0,
  };
  /** The last completed packet: link and IP headers of the completing fragment, then the whole payload. */
  output = new Uint8Array(2048);
  /** Offset of the reassembled payload in `output`, its length, and the datagram's Fragments / FragmentErrors. */
  payloadOffset = 0;
  payloadLength = 0;
  held = 0;
  errors = 0;
  private readonly pending = new Map<string, Datagram>();

  constructor(
    private readonly maxDatagrams = 256,
    private readonly timeoutMicros = 30_000_000,
  ) {}

  /** Incomplete datagrams held now. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Adds the fragment whose IPv4 header starts at `ip` in `b` (payload [payOff, payEnd)); `linkStart`
   * is where the frame begins. On Complete, `output` holds b[linkStart, payOff) followed by the payload.
   */
  add(
    b: Uint8Array,
    linkStart: number,
    ip: number,
    payOff: number,
    payEnd: number,
    now: number,
  ): number {
    this.expire(now);
    const key = `${u16(b, ip + 12)}.${u16(b, ip + 14)}>${u16(b, ip + 16)}.${u16(b, ip + 18)}#${u16(b, ip + 4)}`;
    let d = this.pending.get(key);
    const totalLength = u16(b, ip + 2);
    const fragUnits = u16(b, ip + 6) & 0x1fff;
    const offset = fragUnits * 8;
    const size = totalLength - (payOff - ip);
    if (size < 8 || fragUnits > 8183 || offset + totalLength > 65535 || payEnd - payOff < size) {
      this.stats.fragmentErrors++;
      if (d) d.errors++;
      return DefragResult.Refused;
    }
    if (!d) {
      if (this.pending.size >= this.maxDatagrams) this.evictOldest();
      d = {
        data: new Uint8Array(Math.max(2048, offset + size)),
        blocks: new Uint8Array(1024),
        total: -1,
        firstSeen: now,
        held: 0,
        errors: 0,
      };
      this.pending.set(key, d);
    }
    if (d.data.length < offset + size) {
      const grown = new Uint8Array(Math.min(65535, Math.max(d.data.length * 2, offset + size)));
      grown.set(d.data);
      d.data = grown;
    }
    d.data.set(b.subarray(payOff, payOff + size), offset);
    for (let blk = offset >> 3, last = (offset + size + 7) >> 3; blk < last; blk++)
      d.blocks[blk >> 3]! |= 1 << (blk & 7);
    if ((b[ip + 6]! & 0x20) === 0) d.total = offset + size;
    if (d.total < 0 || !complete(d.blocks, (d.total + 7) >> 3)) {
      d.held++;
      this.stats.fragments++;
      return DefragResult.Held;
    }
    this.pending.delete(key);
    const head = payOff - linkStart;
    if (this.output.length < head + d.total)
      this.output = new Uint8Array(Math.max(head + d.total, this.output.length * 2));
    this.output.set(b.subarray(linkStart, payOff), 0);
    this.output.set(d.data.subarray(0, d.total), head);
    this.payloadOffset = head;
    this.payloadLength = d.total;
    this.held = d.held;
    this.errors = d.errors;
    this.stats.reassembled++;
    return DefragResult.Complete;
  }

  /** Drops incomplete datagrams older than the timeout (capture time, microseconds). */
  expire(now: number): void {
    for (const [key, d] of this.pending) {
      if (now - d.firstSeen <= this.timeoutMicros) break;
      this.pending.delete(key);
      this.stats.expired++;
    }
  }

  private evictOldest(): void {
    const first = this.pending.keys().next();
    if (!first.done) {
      this.pending.delete(first.value);
      this.stats.evicted++;
    }
  }
}

function complete(blocks: Uint8Array, count: number): boolean {
  for (let blk = 0; blk < count; blk++)
    if ((blocks[blk >> 3]! & (1 << (blk & 7))) === 0) return false;
  return true;
}
