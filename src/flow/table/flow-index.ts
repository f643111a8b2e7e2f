// SPDX-License-Identifier: Apache-2.0
// Flows by key bytes: open addressing over typed arrays (slot → hash, entry id), the keys in one byte
// arena by entry id, and the recency list as id links, so a lookup touches contiguous memory and
// dereferences the flow object only once it is found. No allocation per lookup.

import type { FlowEntry } from './entry.js';

/** Bytes kept per key (the longest key, IPv6 + VXLAN + ICMP + MAC + parent UUID, is 102). */
export const KEY_STRIDE = 128;

/**
 * Bytes of first-packet addresses kept per entry id in FlowIndex.addr: source MAC (0), destination
 * MAC (6), source IP (16), destination IP (32; 4 or 16 bytes each).
 */
export const ADDR_STRIDE = 48;
export const ADDR_SRC_IP = 16;
export const ADDR_DST_IP = 32;

/** Murmur3-style 32-bit hash of b[0, len). */
export function hashKey(b: Uint8Array, len: number): number {
  let h = len;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    let k =
      (b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let s = 0; i < len; i++, s += 8) k |= (b[i] as number) << s;
  if (k !== 0) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Flow entries by key bytes, with least-recently-used order. */
export class FlowIndex {
  size = 0;
  /** First-packet addresses by entry id (see ADDR_STRIDE). */
  addr = new Uint8Array(0);
  private cap = 0;
  private entries: (FlowEntry | null)[] = [];
  private keys = new Uint8Array(0);
  private keyLen = new Uint8Array(0);
  private idHash = new Uint32Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private freeIds: number[] = [];
  private nextId = 0;
  /** Most and least recently used ids (−1 when empty). */
  private newestId = -1;
  private oldestId = -1;
  private slotId: Int32Array;
  private slotHash: Uint32Array;
  private mask: number;

  constructor(initialSlots = 1024) {
    let n = 16;
    while (n < initialSlots) n *= 2;
    this.slotId = new Int32Array(n).fill(-1);
    this.slotHash = new Uint32Array(n);
    this.mask = n - 1;
    this.growIds(n >> 1);
  }

  /** The least recently used entry. */
  get oldest(): FlowEntry | null {
    return this.oldestId < 0 ? null : (this.entries[this.oldestId] ?? null);
  }

  /** The entry whose key is b[0, len) with hash `hash`, or null. */
  find(b: Uint8Array, len: number, hash: number): FlowEntry | null {
    const slotId = this.slotId;
    const slotHash = this.slotHash;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const id = slotId[i] as number;
      if (id < 0) return null;
      if (slotHash[i] === hash && this.sameKey(id, b, len)) return this.entries[id] ?? null;
    }
  }

  private sameKey(id: number, b: Uint8Array, len: number): boolean {
    if (this.keyLen[id] !== len) return false;
    const keys = this.keys;
    const base = id * KEY_STRIDE;
    // four bytes at a time through 32-bit views when `b` is aligned (the table's scratch always is)
    let i = 0;
    if ((b.byteOffset & 3) === 0) {
      const words = this.keyWords;
      const bw = b.byteOffset === 0 && b.buffer === this.lastBuf ? this.lastWords : this.wordsOf(b);
      const w = base >> 2;
      const n = len >> 2;
      for (; i < n; i++) if (words[w + i] !== bw[i]) return false;
      i <<= 2;
    }
    for (; i < len; i++) if (keys[base + i] !== b[i]) return false;
    return true;
  }

  private lastBuf: ArrayBufferLike | null = null;
  private lastWords: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private keyWords = new Int32Array(0);

  private wordsOf(b: Uint8Array): Int32Array {
    const w = new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
    if (b.byteOffset === 0) {
      this.lastBuf = b.buffer;
      this.lastWords = w;
    }
    return w;
  }

  /** Adds an entry under key b[0, len) (not present yet) as the most recently used. */
  insert(e: FlowEntry, b: Uint8Array, len: number, hash: number): void {
    if (len > KEY_STRIDE) throw new RangeError(`flow key of ${len} bytes`);
    if ((this.size + 1) * 2 > this.slotId.length) this.growSlots();
    let id = this.freeIds.pop();
    if (id === undefined) {
      if (this.nextId === this.cap) this.growIds(this.cap * 2);
      id = this.nextId++;
    }
    e.id = id;
    this.entries[id] = e;
    this.keys.set(b.subarray(0, len), id * KEY_STRIDE);
    this.keyLen[id] = len;
    this.idHash[id] = hash;
    this.place(id, hash);
    this.size++;
    this.stamp[id] = ++this.clock;
    this.linkHead(id);
  }

  /** Removes an entry. */
  remove(e: FlowEntry): void {
    const id = e.id;
    if (id < 0 || this.entries[id] !== e) return;
    const slotId = this.slotId;
    const slotHash = this.slotHash;
    const mask = this.mask;
    let i = (this.idHash[id] as number) & mask;
    while (slotId[i] !== id) {
      if (slotId[i] === -1) return;
      i = (i + 1) & mask;
    }
    // backward-shift deletion keeps probe chains intact without tombstones
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const m = slotId[j] as number;
      if (m < 0) break;
      const home = (slotHash[j] as number) & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        slotId[i] = m;
        slotHash[i] = slotHash[j] as number;
        i = j;
      }
    }
    slotId[i] = -1;
    this.size--;
    this.unlink(id);
    this.entries[id] = null;
    this.freeIds.push(id);
    e.id = -1;
  }

  /**
   * Marks an entry as the most recently used. In tables above 4096 entries, an entry already among
   * the most recent quarter is not moved again (an approximate LRU that saves two list updates per
   * packet on busy flows; the evicted flow is still among the least recently used).
   */
  touch(e: FlowEntry): void {
    const id = e.id;
    const clock = ++this.clock;
    if (this.newestId === id) {
      this.stamp[id] = clock;
      return;
    }
    if (this.size > 4096 && clock - (this.stamp[id] as number) < this.size >> 2) return;
    this.stamp[id] = clock;
    this.unlink(id);
    this.linkHead(id);
  }

  private clock = 0;
  private stamp = new Float64Array(0);

  /** Entries from the least to the most recently used (safe against removing the current one). */
  *all(): IterableIterator<FlowEntry> {
    let id = this.oldestId;
    while (id >= 0) {
      const towardNewer = this.prev[id] as number;
      const e = this.entries[id];
      if (e) yield e;
      id = towardNewer;
    }
  }

  private place(id: number, hash: number): void {
    const slotId = this.slotId;
    const mask = this.mask;
    let i = hash & mask;
    while ((slotId[i] as number) >= 0) i = (i + 1) & mask;
    slotId[i] = id;
    this.slotHash[i] = hash;
  }

  private growSlots(): void {
    const n = this.slotId.length * 2;
    this.slotId = new Int32Array(n).fill(-1);
    this.slotHash = new Uint32Array(n);
    this.mask = n - 1;
    for (let id = 0; id < this.nextId; id++)
      if (this.entries[id]) this.place(id, this.idHash[id] as number);
  }

  private growIds(cap: number): void {
    const keys = new Uint8Array(cap * KEY_STRIDE);
    keys.set(this.keys);
    this.keys = keys;
    this.keyWords = new Int32Array(keys.buffer);
    const addr = new Uint8Array(cap * ADDR_STRIDE);
    addr.set(this.addr);
    this.addr = addr;
    const keyLen = new Uint8Array(cap);
    keyLen.set(this.keyLen);
    this.keyLen = keyLen;
    const idHash = new Uint32Array(cap);
    idHash.set(this.idHash);
    this.idHash = idHash;
    const prev = new Int32Array(cap).fill(-1);
    prev.set(this.prev);
    this.prev = prev;
    const stamp = new Float64Array(cap);
    stamp.set(this.stamp);
    this.stamp = stamp;
    const next = new Int32Array(cap).fill(-1);
    next.set(this.next);
    this.next = next;
    for (let i = this.entries.length; i < cap; i++) this.entries.push(null);
    this.cap = cap;
  }

  // prev[id] points toward the newer end, next[id] toward the older end.
  private linkHead(id: number): void {
    this.prev[id] = -1;
    this.next[id] = this.newestId;
    if (this.newestId >= 0) this.prev[this.newestId] = id;
    this.newestId = id;
    if (this.oldestId < 0) this.oldestId = id;
  }

  private unlink(id: number): void {
    const p = this.prev[id] as number;
    const n = this.next[id] as number;
    if (p >= 0) this.next[p] = n;
    else if (this.newestId === id) this.newestId = n;
    if (n >= 0) this.prev[n] = p;
    else if (this.oldestId === id) this.oldestId = p;
    this.prev[id] = -1;
    this.next[id] = -1;
  }
}
