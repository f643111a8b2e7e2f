// SPDX-License-Identifier: Apache-2.0
// A minimal proto3 wire codec: varints (64-bit via lo/hi halves), fixed 32/64, length-delimited
// fields and unknown-field skipping. No per-byte allocations; messages are hand-written on top of it.

import { InvalidArgumentError } from '../graph/errors.js';

/** Error code of protobuf bytes that do not decode (truncated, bad wire type, overlong varint). */
export const ERR_PROTOBUF = 'SKY_ERR_PROTOBUF';

/** Wire types of the protobuf encoding. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

const TWO_32 = 4294967296;

function fail(message: string): never {
  throw new InvalidArgumentError(ERR_PROTOBUF, `invalid protobuf: ${message}`);
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/**
 * Reads protobuf fields from a byte range. Typical loop:
 * @example
 * const r = new ProtoReader(bytes);
 * while (r.more()) {
 *   const tag = r.tag();
 *   if (tag === ((1 << 3) | WireType.LengthDelimited)) name = r.string();
 *   else r.skip(tag & 7);
 * }
 */
export class ProtoReader {
  pos: number;
  readonly end: number;
  private readonly buf: Uint8Array;
  private view: DataView | undefined;
  // Halves of the last 64-bit varint read, kept here to avoid allocating a pair per value.
  private lo = 0;
  private hi = 0;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** True while bytes remain. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads a field key; field number = `tag >>> 3`, wire type = `tag & 7`. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) fail(`field number 0 at offset ${this.pos}`);
    return tag;
  }

  private byte(): number {
    if (this.pos >= this.end) fail('truncated varint');
    return this.buf[this.pos++] as number;
  }

  private varint64(): void {
    let b = this.byte();
    let lo = b & 127;
    if (b < 128) {
      this.lo = lo;
      this.hi = 0;
      return;
    }
    for (let shift = 7; shift < 28; shift += 7) {
      b = this.byte();
      lo |= (b & 127) << shift;
      if (b < 128) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    b = this.byte();
    lo |= (b & 15) << 28;
    let hi = (b & 127) >> 4;
    if (b < 128) {
      this.lo = lo >>> 0;
      this.hi = hi;
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      b = this.byte();
      hi |= (b & 127) << shift;
      if (b < 128) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    fail('varint longer than 10 bytes');
  }

  /** uint32 / field keys / lengths (the low 32 bits of the varint). */
  uint32(): number {
    const buf = this.buf;
    const p = this.pos;
    if (p < this.end && (buf[p] as number) < 128) {
      this.pos = p + 1;
      return buf[p] as number;
    }
    this.varint64();
    return this.lo;
  }

  /** int32 and enums (negative values are sign-extended to 10 bytes on the wire). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** int64 as a number (exact within ±2^53). */
  int64(): number {
    this.varint64();
    if (this.hi & 0x80000000) {
      // two's complement negative: -(~value + 1)
      const lo = ~this.lo >>> 0;
      const hi = ~this.hi >>> 0;
      return -(hi * TWO_32 + lo + 1);
    }
    return this.hi * TWO_32 + this.lo;
  }

  /** uint64 as a number (exact below 2^53). */
  uint64(): number {
    this.varint64();
    return this.hi * TWO_32 + this.lo;
  }

  /** sint64 (zigzag) as a number. */
  sint64(): number {
    const u = this.uint64();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  bool(): boolean {
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  private dataView(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) fail(`truncated: need ${n} bytes at offset ${p}, have ${this.end - p}`);
    this.pos = p + n;
    return p;
  }

  fixed32(): number {
    return this.dataView().getUint32(this.need(4), true);
  }

  sfixed32(): number {
    return this.dataView().getInt32(this.need(4), true);
  }

  float(): number {
    return this.dataView().getFloat32(this.need(4), true);
  }

  /** fixed64 as a number (exact below 2^53). */
  fixed64(): number {
    const p = this.need(8);
    const v = this.dataView();
    return v.getUint32(p + 4, true) * TWO_32 + v.getUint32(p, true);
  }

  double(): number {
    return this.dataView().getFloat64(this.need(8), true);
  }

  /** Length-delimited bytes, as a view on the input (no copy). */
  bytes(): Uint8Array {
    const len = this.uint32();
    const p = this.need(len);
    return this.buf.subarray(p, p + len);
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    const len = this.uint32();
    const p = this.need(len);
    const buf = this.buf;
    if (len < 32) {
      // Short ASCII strings (keys, types, UUIDs) are faster to build by hand than via TextDecoder.
      let s = '';
      let i = p;
      for (; i < p + len; i++) {
        const c = buf[i] as number;
        if (c >= 128) break;
        s += String.fromCharCode(c);
      }
      if (i === p + len) return s;
    }
    return textDecoder.decode(buf.subarray(p, p + len));
  }

  /** A reader over the next length-delimited field (embedded message), sharing the buffer. */
  sub(): ProtoReader {
    const len = this.uint32();
    const p = this.need(len);
    return new ProtoReader(this.buf, p, p + len);
  }

  /** Skips the value of a field of the given wire type (groups included). */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint64();
        return;
      case WireType.Fixed64:
        this.need(8);
        return;
      case WireType.LengthDelimited:
        this.need(this.uint32());
        return;
      case WireType.Fixed32:
        this.need(4);
        return;
      case WireType.StartGroup:
        for (;;) {
          if (!this.more()) fail('truncated group');
          const tag = this.tag();
          if ((tag & 7) === WireType.EndGroup) return;
          this.skip(tag & 7);
        }
      default:
        fail(`unexpected wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

/** Bytes a varint of the unsigned 32-bit value takes. */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/**
 * Writes protobuf fields into a growing buffer. Zero values are written as given: proto3 callers
 * skip defaults themselves.
 * @example
 * const w = new ProtoWriter();
 * w.stringField(1, 'Graph');
 * const m = w.begin(6); w.int64Field(1, 42); w.end(m);
 * const bytes = w.finish();
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A field key. */
  tag(field: number, wireType: number): this {
    return this.uint32(((field << 3) | wireType) >>> 0);
  }

  /** An unsigned 32-bit varint. */
  uint32(n: number): this {
    this.ensure(5);
    this.pos = this.put(this.pos, n);
    return this;
  }

  /** Writes the varint of `n >>> 0` at `at` (capacity already ensured); returns the next offset. */
  private put(at: number, n: number): number {
    const buf = this.buf;
    let v = n >>> 0;
    while (v >= 128) {
      buf[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[at++] = v;
    return at;
  }

  private varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    while (hi !== 0) {
      buf[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo >= 128) {
      buf[this.pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  /** int64 / uint64 / int32 (negatives take 10 bytes). Integers beyond ±2^53 lose precision. */
  int64(n: number): this {
    if (n >= 0 && n < TWO_32) return this.uint32(n);
    const hi = Math.floor(n / TWO_32);
    this.varint64(n >>> 0, hi >>> 0);
    return this;
  }

  /** zigzag sint64. */
  sint64(n: number): this {
    return this.int64(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  bool(b: boolean): this {
    return this.uint32(b ? 1 : 0);
  }

  fixed32(n: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, n >>> 0, true);
    this.pos += 4;
    return this;
  }

  fixed64(n: number): this {
    this.ensure(8);
    this.view.setUint32(this.pos, n >>> 0, true);
    this.view.setUint32(this.pos + 4, Math.floor(n / TWO_32) >>> 0, true);
    this.pos += 8;
    return this;
  }

  float(n: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, n, true);
    this.pos += 4;
    return this;
  }

  double(n: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
    return this;
  }

  /** Length-prefixed bytes (no key). */
  bytes(b: Uint8Array): this {
    this.uint32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Length-prefixed UTF-8 (no key), encoded straight into the buffer. */
  string(s: string): this {
    const n = s.length;
    this.ensure(5 + n * 3);
    if (n < 128) {
      // Short ASCII strings (keys, types, UUIDs): copy the char codes, cheaper than encodeInto.
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return this;
      }
    }
    // UTF-8 takes at least one byte per UTF-16 unit: reserve the prefix for that, widen if needed.
    const reserved = varintSize(n);
    const start = this.pos + reserved;
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(start));
    const size = varintSize(written);
    if (size !== reserved) this.buf.copyWithin(this.pos + size, start, start + written);
    this.pos = this.put(this.pos, written) + written;
    return this;
  }

  /** Starts an embedded message in field `field`; pass the mark to `end()`. */
  begin(field: number): number {
    this.tag(field, WireType.LengthDelimited);
    this.ensure(1);
    const mark = this.pos;
    this.pos += 1; // one byte reserved for the length; widened by end() when needed
    return mark;
  }

  /** Closes an embedded message opened by `begin()`. */
  end(mark: number): this {
    const len = this.pos - mark - 1;
    const size = varintSize(len);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(mark + size, mark + 1, this.pos);
    }
    this.pos = this.put(mark, len) + len;
    return this;
  }

  uint32Field(field: number, n: number): this {
    return this.tag(field, WireType.Varint).uint32(n);
  }

  int64Field(field: number, n: number): this {
    return this.tag(field, WireType.Varint).int64(n);
  }

  boolField(field: number, b: boolean): this {
    return this.tag(field, WireType.Varint).bool(b);
  }

  doubleField(field: number, n: number): this {
    return this.tag(field, WireType.Fixed64).double(n);
  }

  stringField(field: number, s: string): this {
    return this.tag(field, WireType.LengthDelimited).string(s);
  }

  bytesField(field: number, b: Uint8Array): this {
    return this.tag(field, WireType.LengthDelimited).bytes(b);
  }

  /** A copy of the written bytes; the writer can be reused after `reset()`. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Forgets the written bytes, keeping the buffer. */
  reset(): this {
    this.pos = 0;
    return this;
  }
}
