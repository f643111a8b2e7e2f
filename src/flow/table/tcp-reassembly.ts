// SPDX-License-Identifier: Apache-2.0
// Per-direction TCP sequence tracking for the reassembly counters of TCPMetric (Skydive's
// ReassembleTCP): segments delivered in order, out of order (held until a gap filled), skipped gaps.
// Bytes are not kept: only sequence ranges, so memory per stream stays bounded.

/** Segments held waiting for a gap to fill, at most (older ones are delivered as skipped). */
const MAX_PENDING = 64;

const SEQ_MOD = 4294967296;

/** a − b in sequence space, as a signed 32-bit difference. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** One direction of a TCP connection. */
export class TcpStream {
  private started = false;
  private nextSeq = 0;
  /** Held segments: [seq, len, fin] triples sorted by seq. */
  private pending: number[] = [];
  packets = 0;
  bytes = 0;
  outOfOrder = 0;
  skipped = 0;
  skippedBytes = 0;
  sawStart = false;
  sawEnd = false;

  /** Feeds one segment; returns true when a counter changed. */
  add(seq: number, len: number, syn: boolean, fin: boolean, rst: boolean): boolean {
    if (!this.started) {
      this.started = true;
      if (syn) {
        this.sawStart = true;
        this.nextSeq = (seq + 1) % SEQ_MOD;
        this.packets++;
        return true;
      }
      this.nextSeq = seq;
    } else if (syn) return false; // retransmitted SYN
    if (len === 0 && !fin && !rst) return false;
    const d = seqDiff(seq, this.nextSeq);
    if (d > 0) {
      // a gap: hold the segment until the missing bytes come (or give up on them)
      if (this.pending.length / 3 >= MAX_PENDING) this.skipFirstGap();
      this.hold(seq, len, fin || rst);
      return false;
    }
    const fresh = len + d; // bytes beyond what was delivered (d <= 0)
    if (fresh <= 0 && !fin && !rst) return false; // pure retransmission
    this.deliver(Math.max(0, fresh), fin || rst, false);
    this.drain();
    if (fin || rst) this.flush();
    return true;
  }

  /** Delivers everything held, counting each gap as skipped (end of the connection). */
  flush(): void {
    while (this.pending.length) this.skipFirstGap();
  }

  private deliver(len: number, end: boolean, late: boolean): void {
    this.packets++;
    this.bytes += len;
    this.nextSeq = (this.nextSeq + len) % SEQ_MOD;
    if (late) this.outOfOrder++;
    if (end) this.sawEnd = true;
  }

  private hold(seq: number, len: number, end: boolean): void {
    const p = this.pending;
    let i = 0;
    while (i < p.length && seqDiff(p[i] as number, seq) < 0) i += 3;
    p.splice(i, 0, seq, len, end ? 1 : 0);
  }

  /** Delivers held segments that now follow the delivered bytes. */
  private drain(): void {
    const p = this.pending;
    while (p.length) {
      const d = seqDiff(p[0] as number, this.nextSeq);
      if (d > 0) return;
      const fresh = (p[1] as number) + d;
      const end = p[2] === 1;
      p.splice(0, 3);
      if (fresh > 0 || end) this.deliver(Math.max(0, fresh), end, true);
    }
  }

  private skipFirstGap(): void {
    const p = this.pending;
    if (!p.length) return;
    const gap = seqDiff(p[0] as number, this.nextSeq);
    if (gap > 0) {
      this.skipped++;
      this.skippedBytes += gap;
      this.nextSeq = p[0] as number;
    }
    this.drain();
  }
}
