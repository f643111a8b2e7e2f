// SPDX-License-Identifier: Apache-2.0
// Flows by key bytes: an open-addressing hash table (linear probing, backward-shift deletion) plus a
// recency list, so a lookup costs one hash of the key bytes and one byte comparison, no allocation.

import type { FlowEntry } from './entry.js';

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

function sameKey(key: Uint8Array, b: Uint8Array, len: number): boolean {
  if (key.length !== len) return false;
  for (let i = 0; i < len; i++) if (key[i] !== b[i]) return false;
  return true;
}

/** Flow entries by key bytes, with least-recently-used order (`oldest` is the next to evict). */
export class FlowIndex {
  private slots: (FlowEntry | null)[];
  private mask: number;
  size = 0;
  /** Most recently used. */
  newest: FlowEntry | null = null;
  /** Least recently used. */
  oldest: FlowEntry | null = null;

  constructor(initialSlots = 1024) {
    let n = 16;
    while (n < initialSlots) n *= 2;
    this.slots = new Array<FlowEntry | null>(n).fill(null);
    this.mask = n - 1;
  }

  /** The entry whose key is b[0, len) with hash `hash`, or null. */
  find(b: Uint8Array, len: number, hash: number): FlowEntry | null {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === null || e === undefined) return null;
      if (e.hash === hash && sameKey(e.key, b, len)) return e;
    }
  }

  /** Adds an entry (its key must not be present) as the most recently used. */
  insert(e: FlowEntry): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    this.place(e);
    this.size++;
    this.linkHead(e);
  }

  /** Removes an entry. */
  remove(e: FlowEntry): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = e.hash & mask;
    while (slots[i] !== e) {
      if (slots[i] === null) return;
      i = (i + 1) & mask;
    }
    // backward-shift deletion keeps probe chains intact without tombstones
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const m = slots[j];
      if (m === null || m === undefined) break;
      const home = m.hash & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        slots[i] = m;
        i = j;
      }
    }
    slots[i] = null;
    this.size--;
    this.unlink(e);
  }

  /** Marks an entry as the most recently used. */
  touch(e: FlowEntry): void {
    if (this.newest === e) return;
    this.unlink(e);
    this.linkHead(e);
  }

  /** Entries from the least to the most recently used (safe against removing the current one). */
  *entries(): IterableIterator<FlowEntry> {
    let e = this.oldest;
    while (e) {
      const prev = e.prev;
      yield e;
      e = prev;
    }
  }

  private place(e: FlowEntry): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = e.hash & mask;
    while (slots[i] !== null) i = (i + 1) & mask;
    slots[i] = e;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Array<FlowEntry | null>(old.length * 2).fill(null);
    this.mask = this.slots.length - 1;
    for (const e of old) if (e) this.place(e);
  }

  private linkHead(e: FlowEntry): void {
    e.prev = null;
    e.next = this.newest;
    if (this.newest) this.newest.prev = e;
    this.newest = e;
    if (!this.oldest) this.oldest = e;
  }

  private unlink(e: FlowEntry): void {
    if (e.prev) e.prev.next = e.next;
    else if (this.newest === e) this.newest = e.next;
    if (e.next) e.next.prev = e.prev;
    else if (this.oldest === e) this.oldest = e.prev;
    e.prev = null;
    e.next = null;
  }
}
