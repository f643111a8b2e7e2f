// SPDX-License-Identifier: Apache-2.0
// XXH64 (the standard 64-bit xxHash) with a streaming hasher whose digest can be read mid-stream
// (flow-ids.md): 64-bit words held as two unsigned 32-bit halves, no BigInt, no allocation per call.

// Primes as [hi, lo] halves.
const P1H = 0x9e3779b1,
  P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d,
  P2L = 0x27d4eb4f;
const P3H = 0x165667b1,
  P3L = 0x9e3779f9;
const P4H = 0x85ebca77,
  P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f,
  P5L = 0x165667c5;

// Results of the 64-bit helpers: a typed scratch (every helper is synchronous). Typed-array slots
// hold raw uint32 values; module-level `let`s would box every value above 2^30 on each write.
const R = new Uint32Array(2);

/** (ah,al) * (bh,bl) mod 2^64 into R[0] (high), R[1] (low). */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiOfLo = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  R[1] = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  R[0] = (hiOfLo + Math.imul(al, bh) + Math.imul(ah, bl)) >>> 0;
}

/** (ah,al) + (bh,bl) mod 2^64 into R[0] (high), R[1] (low). */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  R[1] = lo >>> 0;
  R[0] = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** rotate-left of (h,l) by n (0 < n < 64) into R[0] (high), R[1] (low). */
function rotl(h: number, l: number, n: number): void {
  if (n === 32) {
    R[0] = l;
    R[1] = h;
  } else if (n < 32) {
    R[0] = ((h << n) | (l >>> (32 - n))) >>> 0;
    R[1] = ((l << n) | (h >>> (32 - n))) >>> 0;
  } else {
    const m = n - 32;
    R[0] = ((l << m) | (h >>> (32 - m))) >>> 0;
    R[1] = ((h << m) | (l >>> (32 - m))) >>> 0;
  }
}

/** round(acc, input) = rotl(acc + input * P2, 31) * P1, into R[0] (high), R[1] (low). */
function round(accH: number, accL: number, inH: number, inL: number): void {
  mul(inH, inL, P2H, P2L);
  add(accH, accL, R[0] as number, R[1] as number);
  rotl(R[0] as number, R[1] as number, 31);
  mul(R[0] as number, R[1] as number, P1H, P1L);
}

function u32le(b: Uint8Array, p: number): number {
  return (
    ((b[p] as number) |
      ((b[p + 1] as number) << 8) |
      ((b[p + 2] as number) << 16) |
      ((b[p + 3] as number) << 24)) >>>
    0
  );
}

/**
 * Streaming XXH64. `update` appends bytes; `digest()` returns XXH64 of everything written so far
 * without changing the state, so writing can go on. The digest is left in `hi`/`lo` (unsigned
 * 32-bit halves) and `hex()` formats it like Go's strconv.FormatUint(x, 16) (no zero padding).
 */
export class XXH64 {
  /** High 32 bits of the last digest. */
  hi = 0;
  /** Low 32 bits of the last digest. */
  lo = 0;
  private seedH = 0;
  private seedL = 0;
  private v1h = 0;
  private v1l = 0;
  private v2h = 0;
  private v2l = 0;
  private v3h = 0;
  private v3l = 0;
  private v4h = 0;
  private v4l = 0;
  private total = 0;
  private readonly mem = new Uint8Array(32);
  private memSize = 0;

  constructor(seedHi = 0, seedLo = 0) {
    this.reset(seedHi, seedLo);
  }

  /** Starts over with a seed given as two unsigned 32-bit halves. */
  reset(seedHi = 0, seedLo = 0): this {
    this.seedH = seedHi >>> 0;
    this.seedL = seedLo >>> 0;
    add(this.seedH, this.seedL, P1H, P1L);
    add(R[0] as number, R[1] as number, P2H, P2L);
    this.v1h = R[0] as number;
    this.v1l = R[1] as number;
    add(this.seedH, this.seedL, P2H, P2L);
    this.v2h = R[0] as number;
    this.v2l = R[1] as number;
    this.v3h = this.seedH;
    this.v3l = this.seedL;
    // seed - P1 = seed + (2^64 - P1)
    add(this.seedH, this.seedL, ~P1H >>> 0, (~P1L + 1) >>> 0);
    // (~P1L + 1) never overflows here because P1L != 0.
    this.v4h = R[0] as number;
    this.v4l = R[1] as number;
    this.total = 0;
    this.memSize = 0;
    return this;
  }

  /** Appends `len` bytes of `data` from `start`. */
  update(data: Uint8Array, start = 0, len = data.length - start): this {
    const end = start + len;
    let p = start;
    this.total += len;
    const mem = this.mem;
    let m = this.memSize;
    if (m > 0) {
      while (m < 32 && p < end) mem[m++] = data[p++] as number;
      if (m < 32) {
        this.memSize = m;
        return this;
      }
      this.stripe(mem, 0);
      m = 0;
    }
    while (p + 32 <= end) {
      this.stripe(data, p);
      p += 32;
    }
    while (p < end) mem[m++] = data[p++] as number;
    this.memSize = m;
    return this;
  }

  /** Appends one byte. */
  byte(b: number): this {
    this.mem[this.memSize++] = b;
    this.total++;
    if (this.memSize === 32) {
      this.stripe(this.mem, 0);
      this.memSize = 0;
    }
    return this;
  }

  /** Appends the ASCII/latin1 bytes of a string (flow UUIDs and NodeTIDs are ASCII). */
  ascii(s: string): this {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i) & 0xff);
    return this;
  }

  /** Appends a 64-bit big-endian integer given as halves. */
  u64be(hi: number, lo: number): this {
    this.byte(hi >>> 24)
      .byte((hi >>> 16) & 0xff)
      .byte((hi >>> 8) & 0xff)
      .byte(hi & 0xff);
    return this.byte(lo >>> 24)
      .byte((lo >>> 16) & 0xff)
      .byte((lo >>> 8) & 0xff)
      .byte(lo & 0xff);
  }

  private stripe(b: Uint8Array, p: number): void {
    round(this.v1h, this.v1l, u32le(b, p + 4), u32le(b, p));
    this.v1h = R[0] as number;
    this.v1l = R[1] as number;
    round(this.v2h, this.v2l, u32le(b, p + 12), u32le(b, p + 8));
    this.v2h = R[0] as number;
    this.v2l = R[1] as number;
    round(this.v3h, this.v3l, u32le(b, p + 20), u32le(b, p + 16));
    this.v3h = R[0] as number;
    this.v3l = R[1] as number;
    round(this.v4h, this.v4l, u32le(b, p + 28), u32le(b, p + 24));
    this.v4h = R[0] as number;
    this.v4l = R[1] as number;
  }

  /** XXH64 of all bytes written so far, into `hi`/`lo`; returns this. The state is unchanged. */
  digest(): this {
    let hh: number;
    let hl: number;
    if (this.total >= 32) {
      rotl(this.v1h, this.v1l, 1);
      let ah = R[0] as number,
        al = R[1] as number;
      rotl(this.v2h, this.v2l, 7);
      add(ah, al, R[0] as number, R[1] as number);
      ah = R[0] as number;
      al = R[1] as number;
      rotl(this.v3h, this.v3l, 12);
      add(ah, al, R[0] as number, R[1] as number);
      ah = R[0] as number;
      al = R[1] as number;
      rotl(this.v4h, this.v4l, 18);
      add(ah, al, R[0] as number, R[1] as number);
      hh = R[0] as number;
      hl = R[1] as number;
      for (let i = 0; i < 4; i++) {
        const vh = i === 0 ? this.v1h : i === 1 ? this.v2h : i === 2 ? this.v3h : this.v4h;
        const vl = i === 0 ? this.v1l : i === 1 ? this.v2l : i === 2 ? this.v3l : this.v4l;
        round(0, 0, vh, vl);
        mul((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, P1H, P1L);
        add(R[0] as number, R[1] as number, P4H, P4L);
        hh = R[0] as number;
        hl = R[1] as number;
      }
    } else {
      add(this.seedH, this.seedL, P5H, P5L);
      hh = R[0] as number;
      hl = R[1] as number;
    }
    const total = this.total;
    add(hh, hl, Math.floor(total / 4294967296) >>> 0, total >>> 0);
    hh = R[0] as number;
    hl = R[1] as number;
    const mem = this.mem;
    const n = this.memSize;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      round(0, 0, u32le(mem, p + 4), u32le(mem, p));
      rotl((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, 27);
      mul(R[0] as number, R[1] as number, P1H, P1L);
      add(R[0] as number, R[1] as number, P4H, P4L);
      hh = R[0] as number;
      hl = R[1] as number;
    }
    if (p + 4 <= n) {
      mul(0, u32le(mem, p), P1H, P1L);
      rotl((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, 23);
      mul(R[0] as number, R[1] as number, P2H, P2L);
      add(R[0] as number, R[1] as number, P3H, P3L);
      hh = R[0] as number;
      hl = R[1] as number;
      p += 4;
    }
    for (; p < n; p++) {
      mul(0, mem[p] as number, P5H, P5L);
      rotl((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, 11);
      mul(R[0] as number, R[1] as number, P1H, P1L);
      hh = R[0] as number;
      hl = R[1] as number;
    }
    // avalanche
    hl = (hl ^ (hh >>> 1)) >>> 0; // h ^= h >> 33
    mul(hh, hl, P2H, P2L);
    hl = ((R[1] as number) ^ (((R[1] as number) >>> 29) | ((R[0] as number) << 3))) >>> 0; // h ^= h >> 29
    hh = ((R[0] as number) ^ ((R[0] as number) >>> 29)) >>> 0;
    mul(hh, hl, P3H, P3L);
    this.hi = R[0] as number;
    this.lo = ((R[1] as number) ^ (R[0] as number)) >>> 0; // h ^= h >> 32
    return this;
  }

  /** The last digest as lower-case hex without leading zeros (Go strconv.FormatUint(x, 16)). */
  hex(): string {
    return hex64(this.hi, this.lo);
  }
}

const HEX_BYTE: string[] = [];
for (let i = 0; i < 256; i++) HEX_BYTE.push(i.toString(16).padStart(2, '0'));

/** Lower-case hex of a 32-bit value, 8 digits. */
function hex8(v: number): string {
  return (
    (HEX_BYTE[v >>> 24] as string) +
    (HEX_BYTE[(v >>> 16) & 0xff] as string) +
    (HEX_BYTE[(v >>> 8) & 0xff] as string) +
    (HEX_BYTE[v & 0xff] as string)
  );
}

/**
 * Formats a 64-bit value given as halves like strconv.FormatUint(x, 16) (table lookups: V8's
 * Number#toString(16) is slow).
 */
export function hex64(hi: number, lo: number): string {
  const s = hi !== 0 ? hex8(hi) + hex8(lo) : hex8(lo);
  let z = 0;
  while (z < s.length - 1 && s.charCodeAt(z) === 48) z++;
  return z === 0 ? s : s.slice(z);
}

/** One-shot XXH64 of bytes with a seed (halves); returns the hex string. */
export function xxh64Hex(data: Uint8Array, seedHi = 0, seedLo = 0): string {
  return new XXH64(seedHi, seedLo).update(data).digest().hex();
}
