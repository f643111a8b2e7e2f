// SPDX-License-Identifier: Apache-2.0
// Flows by key: open addressing over one interleaved Int32Array (per slot: two 32-bit halves of a
// 64-bit hash of the key bytes, and the entry id), recency as id links. Like Skydive, whose table is
// keyed by the 64-bit XXH64 of the same bytes, a flow is identified by a 64-bit digest of its key; a
// lookup reads one slot line and then the entry itself. No allocation per lookup.

import type { FlowEntry } from './entry.js';

/**
 * Bytes of first-packet addresses kept per entry id in FlowIndex.addr: source MAC (0), destination
 * MAC (6), source IP (16), destination IP (32; 4 or 16 bytes each).
 */
export const ADDR_STRIDE = 48;
export const ADDR_SRC_IP = 16;
export const ADDR_DST_IP = 32;

/** Doubles per flow row in FlowIndex.hot (128 bytes): the fields every packet reads or writes. */
export const HOT = 16;
export const H_STAMP = 0;
export const H_LAST = 1;
export const H_ABP = 2;
export const H_ABB = 3;
export const H_BAP = 4;
export const H_BAB = 5;
export const H_VER = 6;
export const H_FLAGS = 7;
export const H_MACA = 8;
export const H_TRANSA = 9;
export const H_RTT1ST = 10;
export const H_RTT = 11;
/** H_FLAGS bits: a link layer, an RTT measurement open, a TCPMetric; protocols + 1 in 4-bit fields. */
export const F_LINK = 1;
export const F_RTT = 2;
export const F_TCPM = 4;
export const NET_SHIFT = 4;
export const TRANS_SHIFT = 8;

/**
 * Doubles per flow row in FlowIndex.cold: what a flow keeps besides its per-packet fields (digests
 * as unsigned 32-bit halves, ids, times, ICMP fields, the previous tick's counters and the
 * LastUpdateMetric). Read through FlowEntry's accessors.
 */
export const COLD = 33;
export const C_L2H = 0;
export const C_L2L = 1;
export const C_L3H = 2;
export const C_L3L = 3;
export const C_UH = 4;
export const C_UL = 5;
export const C_PH = 6;
export const C_PL = 7;
export const C_HASPARENT = 8;
export const C_LINKID = 9;
export const C_NETID = 10;
export const C_TRANSB = 11;
export const C_ICMPTYPE = 12;
export const C_ICMPCODE = 13;
export const C_ICMPID = 14;
export const C_START = 15;
export const C_BASE = 16;
export const C_LABP = 17;
export const C_LABB = 18;
export const C_LBAP = 19;
export const C_LBAB = 20;
export const C_FINISH = 21;
export const C_IPFRAG = 22;
export const C_IPFRAGERR = 23;
export const C_RAWCAP = 24;
/** LastUpdateMetric: present (1/0), the counters, Start, Last, RTT (0 = none). */
export const C_LU = 25;
export const C_LU_ABP = 26;
export const C_LU_ABB = 27;
export const C_LU_BAP = 28;
export const C_LU_BAB = 29;
export const C_LU_START = 30;
export const C_LU_LAST = 31;
export const C_LU_RTT = 32;

/** Tables above this many entries keep their recency list lazily (see FlowIndex.touch). */
export const LAZY_FROM = 4096;

/** Int32 slots per table slot: hash high, hash low, entry id (−1 = empty), unused. */
const SLOT = 4;

/** The two halves of the last hashKey() (int32 each). */
export const keyHash = new Int32Array(2);

/** One Murmur3 mixing step of word k into h. */
export function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Murmur3 finalizer. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Two independent Murmur3-style 32-bit hashes of b[0, len) into keyHash (one pass). */
export function hashKey(b: Uint8Array, len: number): void {
  let h1 = len;
  let h2 = len ^ 0x9747b28c;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const k =
      (b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24);
    h1 = mix(h1, k);
    h2 = mix(h2, k ^ 0x5bd1e995);
  }
  let k = 0;
  for (let s = 0; i < len; i++, s += 8) k |= (b[i] as number) << s;
  h1 = mix(h1, k);
  h2 = mix(h2, k ^ 0x5bd1e995);
  keyHash[0] = fmix(h1);
  keyHash[1] = fmix(h2);
}

/** Flow entries by 64-bit key hash, with least-recently-used order. */
export class FlowIndex {
  size = 0;
  /** First-packet addresses by entry id (see ADDR_STRIDE). */
  addr = new Uint8Array(0);
  /** Per-packet fields by entry id (rows of HOT doubles, see H_*). */
  hot = new Float64Array(0);
  /** The other numbers of each flow by entry id (rows of COLD doubles, see C_*). */
  cold = new Float64Array(0);
  private cap = 0;
  private entries: (FlowEntry | null)[] = [];
  /** Per id: hash high, hash low. */
  private idHash = new Int32Array(0);
  /** Recency links by id, interleaved: [2·id] toward the newer end, [2·id + 1] toward the older. */
  private links = new Int32Array(0);
  /** By id: the recency stamp the entry had when it was last linked at the newer end. */
  private placed = new Float64Array(0);
  private freeIds: number[] = [];
  private nextId = 0;
  /** Most and least recently used ids (−1 when empty). */
  private newestId = -1;
  private oldestId = -1;
  private slots: Int32Array;
  private mask: number;
  private clock = 0;

  constructor(initialSlots = 1024) {
    let n = 16;
    while (n < initialSlots) n *= 2;
    this.slots = FlowIndex.emptySlots(n);
    this.mask = n - 1;
    this.growIds(n >> 1);
  }

  private static emptySlots(n: number): Int32Array {
    const s = new Int32Array(n * SLOT);
    for (let i = 2; i < s.length; i += SLOT) s[i] = -1;
    return s;
  }

  /**
   * The entry to evict: the least recently used one in tables of up to LAZY_FROM entries; above,
   * the oldest entry of the recency list not used since it was linked (entries used since are
   * moved to the newer end on the way: a second-chance approximation of LRU, see touch()).
   */
  get oldest(): FlowEntry | null {
    const hot = this.hot;
    for (let id = this.oldestId, n = this.size; id >= 0 && n > 0; id = this.oldestId, n--) {
      if ((hot[id * HOT + H_STAMP] as number) === (this.placed[id] as number)) break;
      this.unlink(id);
      this.linkHead(id);
    }
    return this.oldestId < 0 ? null : (this.entries[this.oldestId] ?? null);
  }

  /** The id of the entry whose key hash is (hi, lo), or −1. */
  find(hi: number, lo: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const p = i * SLOT;
      const id = slots[p + 2] as number;
      if (id < 0) return -1;
      if (slots[p + 1] === lo && slots[p] === hi) return id;
    }
  }

  /** The entry of an id that find() returned. */
  entry(id: number): FlowEntry {
    return this.entries[id] as FlowEntry;
  }

  /** Adds an entry under key hash (hi, lo) (not present yet) as the most recently used. */
  insert(e: FlowEntry, hi: number, lo: number): void {
    if ((this.size + 1) * 2 > this.slots.length / SLOT) this.growSlots();
    let id = this.freeIds.pop();
    const c = (id ?? this.nextId) * COLD;
    if (id === undefined) {
      // a fresh id: its rows were never written since growIds allocated them (zeroed)
      if (this.nextId === this.cap) this.growIds(this.cap * 2);
      id = this.nextId++;
    } else {
      this.hot.fill(0, id * HOT, id * HOT + HOT);
      this.cold.fill(0, c, c + COLD);
    }
    e.id = id;
    this.entries[id] = e;
    this.idHash[id * 2] = hi;
    this.idHash[id * 2 + 1] = lo;
    this.place(id, hi, lo);
    this.size++;
    this.cold[c + C_ICMPTYPE] = -1;
    this.cold[c + C_IPFRAG] = -1;
    this.hot[id * HOT + H_STAMP] = ++this.clock;
    this.linkHead(id);
  }

  /** Removes an entry. */
  remove(e: FlowEntry): void {
    const id = e.id;
    if (id < 0 || this.entries[id] !== e) return;
    const slots = this.slots;
    const mask = this.mask;
    let i = (this.idHash[id * 2 + 1] as number) & mask;
    while (slots[i * SLOT + 2] !== id) {
      if (slots[i * SLOT + 2] === -1) return;
      i = (i + 1) & mask;
    }
    // backward-shift deletion keeps probe chains intact without tombstones
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const q = j * SLOT;
      if ((slots[q + 2] as number) < 0) break;
      const home = (slots[q + 1] as number) & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        const p = i * SLOT;
        slots[p] = slots[q] as number;
        slots[p + 1] = slots[q + 1] as number;
        slots[p + 2] = slots[q + 2] as number;
        i = j;
      }
    }
    slots[i * SLOT + 2] = -1;
    this.size--;
    this.unlink(id);
    this.entries[id] = null;
    this.freeIds.push(id);
    e.id = -1;
  }

  /**
   * Marks an entry as the most recently used. Up to LAZY_FROM entries it moves to the newer end of
   * the recency list (exact LRU); above, only its stamp changes and the list is put right when an
   * entry is evicted (`oldest`): moving an entry touches two other entries' links, cache misses
   * that cost a packet of a cold flow more than its whole update.
   */
  touch(id: number): void {
    const clock = ++this.clock;
    this.hot[id * HOT + H_STAMP] = clock;
    if (this.size > LAZY_FROM || this.newestId === id) return;
    this.unlink(id);
    this.linkHead(id);
  }

  /**
   * Entries in recency-list order, older first, as a snapshot array (removal-safe); exact LRU
   * order up to LAZY_FROM entries.
   */
  list(): FlowEntry[] {
    const out: FlowEntry[] = new Array<FlowEntry>(this.size);
    let n = 0;
    for (let id = this.oldestId; id >= 0; id = this.links[id * 2] as number) {
      const e = this.entries[id];
      if (e) out[n++] = e;
    }
    out.length = n;
    return out;
  }

  /**
   * Entries by id (a snapshot array). Ids are handed out in creation order and reused only after a
   * removal, so this is close to creation order: cheap to sort by start time.
   */
  listById(): FlowEntry[] {
    const out: FlowEntry[] = new Array<FlowEntry>(this.size);
    let n = 0;
    for (let id = 0; id < this.nextId; id++) {
      const e = this.entries[id];
      if (e) out[n++] = e;
    }
    out.length = n;
    return out;
  }

  private place(id: number, hi: number, lo: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = lo & mask;
    while ((slots[i * SLOT + 2] as number) >= 0) i = (i + 1) & mask;
    const p = i * SLOT;
    slots[p] = hi;
    slots[p + 1] = lo;
    slots[p + 2] = id;
  }

  private growSlots(): void {
    const n = (this.slots.length / SLOT) * 2;
    this.slots = FlowIndex.emptySlots(n);
    this.mask = n - 1;
    for (let id = 0; id < this.nextId; id++)
      if (this.entries[id])
        this.place(id, this.idHash[id * 2] as number, this.idHash[id * 2 + 1] as number);
  }

  private growIds(cap: number): void {
    const addr = new Uint8Array(cap * ADDR_STRIDE);
    addr.set(this.addr);
    this.addr = addr;
    const hot = new Float64Array(cap * HOT);
    hot.set(this.hot);
    this.hot = hot;
    const cold = new Float64Array(cap * COLD);
    cold.set(this.cold);
    this.cold = cold;
    const idHash = new Int32Array(cap * 2);
    idHash.set(this.idHash);
    this.idHash = idHash;
    const links = new Int32Array(cap * 2).fill(-1);
    links.set(this.links);
    this.links = links;
    const placed = new Float64Array(cap);
    placed.set(this.placed);
    this.placed = placed;
    for (let i = this.entries.length; i < cap; i++) this.entries.push(null);
    this.cap = cap;
  }

  // links[2·id] points toward the newer end, links[2·id + 1] toward the older end: one cache line
  // holds both links of an id.
  private linkHead(id: number): void {
    this.placed[id] = this.hot[id * HOT + H_STAMP] as number;
    const l = this.links;
    l[id * 2] = -1;
    l[id * 2 + 1] = this.newestId;
    if (this.newestId >= 0) l[this.newestId * 2] = id;
    this.newestId = id;
    if (this.oldestId < 0) this.oldestId = id;
  }

  private unlink(id: number): void {
    const l = this.links;
    const p = l[id * 2] as number;
    const n = l[id * 2 + 1] as number;
    if (p >= 0) l[p * 2 + 1] = n;
    else if (this.newestId === id) this.newestId = n;
    if (n >= 0) l[n * 2] = p;
    else if (this.oldestId === id) this.oldestId = p;
    l[id * 2] = -1;
    l[id * 2 + 1] = -1;
  }
}
