// SPDX-License-Identifier: Apache-2.0
// Server-side WebSocket data frames (RFC 6455 §5.2: FIN set, unmasked, no extension data) gathered
// into one buffer, so the messages of a tick to one peer cost a single socket write.

/** Bytes of the header of an unmasked frame carrying `len` payload bytes. */
function headerLength(len: number): number {
  return len < 126 ? 2 : len < 65536 ? 4 : 10;
}

/**
 * Whole frames of one opcode (1 text, 2 binary) waiting to be written as one buffer. Payloads are
 * framed when taken; frames that arrive already framed (`addFramed`) and lie back to back in memory
 * are kept as one run, and a batch that is a single run is written without copying.
 */
export class FrameBatch {
  /** Payloads to frame, or runs of framed bytes (`raw[i]`). */
  private parts: Buffer[] = [];
  private raw: boolean[] = [];
  /** The trailing run of framed bytes not yet in `parts`: memory and its range. */
  private runMemory: ArrayBufferLike | undefined;
  private runStart = 0;
  private runEnd = 0;
  /** Bytes the batch occupies once framed, headers included. */
  bytes = 0;

  constructor(private readonly opcode: 1 | 2) {}

  get empty(): boolean {
    return this.bytes === 0 && this.parts.length === 0;
  }

  /** Appends one message payload as a frame. */
  add(payload: Buffer): void {
    this.closeRun();
    this.parts.push(payload);
    this.raw.push(false);
    this.bytes += headerLength(payload.length) + payload.length;
  }

  /** Appends one whole frame (header included) of this batch's opcode, written as it is. */
  addFramed(frame: Buffer): void {
    const memory = frame.buffer;
    if (memory === this.runMemory && frame.byteOffset === this.runEnd) this.runEnd += frame.length;
    else {
      this.closeRun();
      this.runMemory = memory;
      this.runStart = frame.byteOffset;
      this.runEnd = frame.byteOffset + frame.length;
    }
    this.bytes += frame.length;
  }

  private closeRun(): void {
    if (this.runMemory === undefined) return;
    this.parts.push(Buffer.from(this.runMemory, this.runStart, this.runEnd - this.runStart));
    this.raw.push(true);
    this.runMemory = undefined;
  }

  /** Forgets the waiting frames. */
  clear(): void {
    this.parts = [];
    this.raw = [];
    this.runMemory = undefined;
    this.bytes = 0;
  }

  /** The waiting frames, framed back to back in one buffer; the batch is empty afterwards. */
  take(): Buffer {
    const parts = this.takeParts();
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  /**
   * The waiting frames as buffers to write in order: each run of framed frames as it is (no copy),
   * the payloads between runs framed into one new buffer per stretch. The batch is empty afterwards.
   */
  takeParts(): Buffer[] {
    this.closeRun();
    const parts = this.parts;
    const raw = this.raw;
    const out: Buffer[] = [];
    for (let i = 0; i < parts.length; ) {
      if (raw[i]) {
        out.push(parts[i++] as Buffer);
        continue;
      }
      let j = i;
      let bytes = 0;
      for (; j < parts.length && !raw[j]; j++) {
        const len = (parts[j] as Buffer).length;
        bytes += headerLength(len) + len;
      }
      out.push(this.frameAll(parts, i, j, bytes));
      i = j;
    }
    this.clear();
    return out;
  }

  /** Payloads [from, to) framed back to back into one buffer of `bytes` bytes. */
  private frameAll(parts: Buffer[], from: number, to: number, bytes: number): Buffer {
    const out = Buffer.allocUnsafe(bytes);
    const first = 0x80 | this.opcode;
    let o = 0;
    for (let i = from; i < to; i++) {
      const p = parts[i] as Buffer;
      const len = p.length;
      out[o++] = first;
      if (len < 126) out[o++] = len;
      else if (len < 65536) {
        out[o++] = 126;
        o = out.writeUInt16BE(len, o);
      } else {
        out[o++] = 127;
        o = out.writeUInt32BE(Math.floor(len / 0x100000000), o);
        o = out.writeUInt32BE(len >>> 0, o);
      }
      o += p.copy(out, o);
    }
    return out;
  }
}
