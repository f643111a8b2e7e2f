// SPDX-License-Identifier: Apache-2.0
// Server-side WebSocket data frames (RFC 6455 §5.2: FIN set, unmasked, no extension data) gathered
// into one buffer, so the messages of a tick to one peer cost a single socket write.

/** Bytes of the header of an unmasked frame carrying `len` payload bytes. */
function headerLength(len: number): number {
  return len < 126 ? 2 : len < 65536 ? 4 : 10;
}

/** Whole frames of one opcode (1 text, 2 binary) waiting to be written as one buffer. */
export class FrameBatch {
  private frames: Buffer[] = [];
  /** Bytes the batch occupies once framed, headers included. */
  bytes = 0;

  constructor(private readonly opcode: 1 | 2) {}

  get empty(): boolean {
    return this.frames.length === 0;
  }

  /** Appends one message payload as a frame. */
  add(payload: Buffer): void {
    this.frames.push(payload);
    this.bytes += headerLength(payload.length) + payload.length;
  }

  /** Forgets the waiting frames. */
  clear(): void {
    this.frames = [];
    this.bytes = 0;
  }

  /** The waiting frames, framed back to back in one buffer; the batch is empty afterwards. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.bytes);
    const first = 0x80 | this.opcode;
    let o = 0;
    for (const p of this.frames) {
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
    this.clear();
    return out;
  }
}
