// SPDX-License-Identifier: Apache-2.0
// XXH64 (the standard 64-bit xxHash) with a streaming hasher whose digest can be read mid-stream
// (flow-ids.md): 64-bit words held as two unsigned 32-bit halves, no BigInt, no allocation per call.

// Primes as [hi, lo] int32 halves.
const P1H = 0x9e3779b1 | 0,
  P1L = 0x85ebca87 | 0;
const P2H = 0xc2b2ae3d | 0,
  P2L = 0x27d4eb4f | 0;
const P3H = 0x165667b1 | 0,
  P3L = 0x9e3779f9 | 0;
const P4H = 0x85ebca77 | 0,
  P4L = 0xc2b2ae63 | 0;
const P5H = 0x27d4eb2f | 0,
  P5L = 0x165667c5 | 0;

// 64-bit words are (hi, lo) pairs of int32. The helpers leave their result in the scratch S (high in
// S[0], low in S[1]): an Int32Array keeps every half an untagged int32 (module-level `let`s or
// uint32 values above 2^30 would be boxed as heap numbers on every write).
const S = new Int32Array(2);

/** (ah,al) * (bh,bl) mod 2^64 into S. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  S[1] = (mid << 16) | (p00 & 0xffff);
  S[0] =
    (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) |
    0;
}

/** round(acc, input) = rotl(acc + input * P2, 31) * P1, into S. */
function round(accH: number, accL: number, inH: number, inL: number): void {
  mul(inH, inL, P2H, P2L);
  const l = (accL >>> 0) + ((S[1] as number) >>> 0);
  const sl = l | 0;
  const sh = (accH + (S[0] as number) + (l > 0xffffffff ? 1 : 0)) | 0;
  // rotl 31: hi' = hi << 31 | lo >>> 1, lo' = lo << 31 | hi >>> 1
  mul((sh << 31) | (sl >>> 1), (sl << 31) | (sh >>> 1), P1H, P1L);
}

/** (h ^ S) rotated left by n (0 < n < 32), times (mh, ml), plus (ah, al), into S. */
function mergeStep(
  hh: number,
  hl: number,
  n: number,
  mh: number,
  ml: number,
  ah: number,
  al: number,
): void {
  const xh = hh ^ (S[0] as number);
  const xl = hl ^ (S[1] as number);
  mul((xh << n) | (xl >>> (32 - n)), (xl << n) | (xh >>> (32 - n)), mh, ml);
  const l = ((S[1] as number) >>> 0) + (al >>> 0);
  S[0] = ((S[0] as number) + ah + (l > 0xffffffff ? 1 : 0)) | 0;
  S[1] = l | 0;
}

/** (ah,al) + (bh,bl) mod 2^64 into S. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const l = (al >>> 0) + (bl >>> 0);
  S[1] = l | 0;
  S[0] = (ah + bh + (l > 0xffffffff ? 1 : 0)) | 0;
}

function u32le(b: Uint8Array, p: number): number {
  return (
    (b[p] as number) |
    ((b[p + 1] as number) << 8) |
    ((b[p + 2] as number) << 16) |
    ((b[p + 3] as number) << 24)
  );
}

// Indices of the state words in XXH64.st.
const V1H = 0,
  V1L = 1,
  V2H = 2,
  V2L = 3,
  V3H = 4,
  V3L = 5,
  V4H = 6,
  V4L = 7,
  SEEDH = 8,
  SEEDL = 9;

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
  /** Accumulators v1..v4 and the seed as int32 halves (see V1H…). */
  private readonly st = new Int32Array(10);
  private total = 0;
  private readonly mem = new Uint8Array(32);
  private memSize = 0;

  constructor(seedHi = 0, seedLo = 0) {
    this.reset(seedHi, seedLo);
  }

  /** Starts over with a seed given as two unsigned 32-bit halves. */
  reset(seedHi = 0, seedLo = 0): this {
    const st = this.st;
    const sh = seedHi | 0;
    const sl = seedLo | 0;
    st[SEEDH] = sh;
    st[SEEDL] = sl;
    add(sh, sl, P1H, P1L);
    add(S[0] as number, S[1] as number, P2H, P2L);
    st[V1H] = S[0] as number;
    st[V1L] = S[1] as number;
    add(sh, sl, P2H, P2L);
    st[V2H] = S[0] as number;
    st[V2L] = S[1] as number;
    st[V3H] = sh;
    st[V3L] = sl;
    // seed - P1 = seed + (2^64 - P1); (~P1L + 1) never overflows because P1L != 0.
    add(sh, sl, ~P1H, (~P1L + 1) | 0);
    st[V4H] = S[0] as number;
    st[V4L] = S[1] as number;
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
    if (this.memSize <= 24) {
      // fast path: the 8 bytes fit in the buffer without completing a stripe early
      const mem = this.mem;
      const m = this.memSize;
      mem[m] = hi >>> 24;
      mem[m + 1] = hi >>> 16;
      mem[m + 2] = hi >>> 8;
      mem[m + 3] = hi;
      mem[m + 4] = lo >>> 24;
      mem[m + 5] = lo >>> 16;
      mem[m + 6] = lo >>> 8;
      mem[m + 7] = lo;
      this.memSize = m + 8;
      this.total += 8;
      if (this.memSize === 32) {
        this.stripe(mem, 0);
        this.memSize = 0;
      }
      return this;
    }
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
    const st = this.st;
    round(st[V1H] as number, st[V1L] as number, u32le(b, p + 4), u32le(b, p));
    st[V1H] = S[0] as number;
    st[V1L] = S[1] as number;
    round(st[V2H] as number, st[V2L] as number, u32le(b, p + 12), u32le(b, p + 8));
    st[V2H] = S[0] as number;
    st[V2L] = S[1] as number;
    round(st[V3H] as number, st[V3L] as number, u32le(b, p + 20), u32le(b, p + 16));
    st[V3H] = S[0] as number;
    st[V3L] = S[1] as number;
    round(st[V4H] as number, st[V4L] as number, u32le(b, p + 28), u32le(b, p + 24));
    st[V4H] = S[0] as number;
    st[V4L] = S[1] as number;
  }

  /** The 64-bit start of the digest once 32 bytes or more were written (the merged lanes). */
  private merged(): void {
    const st = this.st;
    const v1h = st[V1H] as number,
      v1l = st[V1L] as number,
      v2h = st[V2H] as number,
      v2l = st[V2L] as number,
      v3h = st[V3H] as number,
      v3l = st[V3L] as number,
      v4h = st[V4H] as number,
      v4l = st[V4L] as number;
    // rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)
    add(
      (v1h << 1) | (v1l >>> 31),
      (v1l << 1) | (v1h >>> 31),
      (v2h << 7) | (v2l >>> 25),
      (v2l << 7) | (v2h >>> 25),
    );
    add(S[0] as number, S[1] as number, (v3h << 12) | (v3l >>> 20), (v3l << 12) | (v3h >>> 20));
    add(S[0] as number, S[1] as number, (v4h << 18) | (v4l >>> 14), (v4l << 18) | (v4h >>> 14));
    for (let i = 0; i < 8; i += 2) {
      const hh = S[0] as number;
      const hl = S[1] as number;
      round(0, 0, st[i] as number, st[i + 1] as number);
      const xh = hh ^ (S[0] as number);
      const xl = hl ^ (S[1] as number);
      mul(xh, xl, P1H, P1L);
      add(S[0] as number, S[1] as number, P4H, P4L);
    }
  }

  /** XXH64 of all bytes written so far, into `hi`/`lo`; returns this. The state is unchanged. */
  digest(): this {
    const total = this.total;
    if (total >= 32) this.merged();
    else add(this.st[SEEDH] as number, this.st[SEEDL] as number, P5H, P5L);
    add(S[0] as number, S[1] as number, Math.floor(total / 4294967296), total | 0);
    const mem = this.mem;
    const n = this.memSize;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      const hh = S[0] as number;
      const hl = S[1] as number;
      round(0, 0, u32le(mem, p + 4), u32le(mem, p));
      mergeStep(hh, hl, 27, P1H, P1L, P4H, P4L);
    }
    if (p + 4 <= n) {
      const hh = S[0] as number;
      const hl = S[1] as number;
      mul(0, u32le(mem, p), P1H, P1L);
      mergeStep(hh, hl, 23, P2H, P2L, P3H, P3L);
      p += 4;
    }
    for (; p < n; p++) {
      const hh = S[0] as number;
      const hl = S[1] as number;
      mul(0, mem[p] as number, P5H, P5L);
      mergeStep(hh, hl, 11, P1H, P1L, 0, 0);
    }
    // avalanche
    let hh = S[0] as number;
    let hl = (S[1] as number) ^ (hh >>> 1); // h ^= h >> 33
    mul(hh, hl, P2H, P2L);
    hh = S[0] as number;
    hl = S[1] as number;
    mul(hh ^ (hh >>> 29), hl ^ ((hl >>> 29) | (hh << 3)), P3H, P3L); // h ^= h >> 29
    this.hi = (S[0] as number) >>> 0;
    this.lo = ((S[1] as number) ^ (S[0] as number)) >>> 0; // h ^= h >> 32
    return this;
  }

  /** The last digest as lower-case hex without leading zeros (Go strconv.FormatUint(x, 16)). */
  hex(): string {
    return hex64(this.hi, this.lo);
  }
}

/** ASCII codes of the hex digits. */
const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const fromCodes = String.fromCharCode;

/**
 * Formats a 64-bit value given as halves like strconv.FormatUint(x, 16): one flat string made
 * from the 16 digit codes at once (V8's Number#toString(16) is slow; concatenating pieces makes
 * rope strings that JSON output has to flatten again), leading zeros then sliced off.
 */
export function hex64(hi: number, lo: number): string {
  const d = HEX_CODES;
  const s = fromCodes(
    d[hi >>> 28] as number,
    d[(hi >>> 24) & 15] as number,
    d[(hi >>> 20) & 15] as number,
    d[(hi >>> 16) & 15] as number,
    d[(hi >>> 12) & 15] as number,
    d[(hi >>> 8) & 15] as number,
    d[(hi >>> 4) & 15] as number,
    d[hi & 15] as number,
    d[lo >>> 28] as number,
    d[(lo >>> 24) & 15] as number,
    d[(lo >>> 20) & 15] as number,
    d[(lo >>> 16) & 15] as number,
    d[(lo >>> 12) & 15] as number,
    d[(lo >>> 8) & 15] as number,
    d[(lo >>> 4) & 15] as number,
    d[lo & 15] as number,
  );
  if (hi >>> 28 !== 0) return s;
  let z = 0;
  while (z < 15 && s.charCodeAt(z) === 48) z++;
  return z === 0 ? s : s.slice(z);
}

/** One-shot XXH64 of bytes with a seed (halves); returns the hex string. */
export function xxh64Hex(data: Uint8Array, seedHi = 0, seedLo = 0): string {
  return new XXH64(seedHi, seedLo).update(data).digest().hex();
}
