// SPDX-License-Identifier: Apache-2.0
// Value indexes over top-level metadata keys: key → value → element(s). A single element is stored
// bare and becomes a Set only on the second one, which keeps unique keys (Name, TID) cheap.

type Bucket<T> = T | Set<T>;

function indexable(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Index of elements by the value(s) of some top-level metadata keys. */
export class ValueIndex<T extends { metadata: Record<string, unknown> }> {
  private readonly maps = new Map<string, Map<unknown, Bucket<T>>>();
  /** The keys and their maps as parallel arrays, for the per-insert loop. */
  private readonly keyList: string[] = [];
  private readonly mapList: Map<unknown, Bucket<T>>[] = [];

  constructor(keys: readonly string[]) {
    for (const k of keys) {
      if (this.maps.has(k)) continue;
      const m = new Map<unknown, Bucket<T>>();
      this.maps.set(k, m);
      this.keyList.push(k);
      this.mapList.push(m);
    }
  }

  has(key: string): boolean {
    return this.maps.has(key);
  }

  get keys(): IterableIterator<string> {
    return this.maps.keys();
  }

  /** Elements whose `key` holds `value`; undefined when `key` is not indexed. */
  lookup(key: string, value: unknown): Iterable<T> | undefined {
    const m = this.maps.get(key);
    if (!m) return undefined;
    const b = m.get(value);
    if (b === undefined) return [];
    return b instanceof Set ? b : [b];
  }

  private addValue(m: Map<unknown, Bucket<T>>, v: unknown, el: T): void {
    if (!indexable(v)) return;
    const b = m.get(v);
    if (b === undefined) m.set(v, el);
    else if (b instanceof Set) b.add(el);
    else if (b !== el) m.set(v, new Set([b, el]));
  }

  private removeValue(m: Map<unknown, Bucket<T>>, v: unknown, el: T): void {
    const b = m.get(v);
    if (b === undefined) return;
    if (b instanceof Set) {
      b.delete(el);
      if (b.size === 1) m.set(v, b.values().next().value as T);
      else if (b.size === 0) m.delete(v);
    } else if (b === el) m.delete(v);
  }

  private each(v: unknown, fn: (x: unknown) => void): void {
    if (Array.isArray(v)) for (const x of v) fn(x);
    else if (v !== undefined) fn(v);
  }

  /** Indexes an element under its current values (every insert: no closure per key). */
  add(el: T): void {
    const md = el.metadata;
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const v = md[keys[i] as string];
      if (v === undefined) continue;
      const m = this.mapList[i] as Map<unknown, Bucket<T>>;
      if (Array.isArray(v)) for (const x of v) this.addValue(m, x, el);
      else this.addValue(m, v, el);
    }
  }

  /** Removes an element given the values it was indexed under. */
  remove(el: T, metadata: Record<string, unknown> = el.metadata): void {
    for (const [k, m] of this.maps) this.each(metadata[k], (x) => this.removeValue(m, x, el));
  }

  /** Re-indexes one key after its value changed from `before`. */
  update(el: T, key: string, before: unknown): void {
    const m = this.maps.get(key);
    if (!m) return;
    this.each(before, (x) => this.removeValue(m, x, el));
    this.each(el.metadata[key], (x) => this.addValue(m, x, el));
  }
}
