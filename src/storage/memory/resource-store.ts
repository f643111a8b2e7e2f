// SPDX-License-Identifier: Apache-2.0
// In-memory ResourceStore: one Map per kind, TTL expiry with unref'd timers, synchronous fan-out to
// watchers. The default for tests and for analyzers without a database.
import { ConflictError } from '../../graph/errors.js';
import type {
  CreateResourceOptions,
  Resource,
  ResourceEvent,
  ResourceKind,
  ResourceListener,
  ResourceStore,
} from '../resource-store.js';

const copy = (r: Resource): Resource => structuredClone(r);

/**
 * A ResourceStore held in process memory; nothing survives a restart.
 * @example
 * const store = new MemoryResourceStore();
 * await store.create('noderule', { UUID: genID(), Action: 'create', Metadata: {…} });
 */
export class MemoryResourceStore implements ResourceStore {
  private readonly data = new Map<ResourceKind, Map<string, Resource>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Map<ResourceKind, Set<ResourceListener>>();

  private table(kind: ResourceKind): Map<string, Resource> {
    let t = this.data.get(kind);
    if (!t) {
      t = new Map();
      this.data.set(kind, t);
    }
    return t;
  }

  private emit(event: ResourceEvent): void {
    for (const l of [...(this.listeners.get(event.kind) ?? [])]) l({ ...event });
  }

  async get(kind: ResourceKind, uuid: string): Promise<Resource | undefined> {
    const r = this.table(kind).get(uuid);
    return r && copy(r);
  }

  async list(kind: ResourceKind): Promise<Resource[]> {
    return [...this.table(kind).values()].map(copy);
  }

  async create(
    kind: ResourceKind,
    resource: Resource,
    opts: CreateResourceOptions = {},
  ): Promise<Resource> {
    const t = this.table(kind);
    if (t.has(resource.UUID))
      throw new ConflictError(
        'SKY_ERR_RESOURCE_EXISTS',
        `${kind} '${resource.UUID}' already exists`,
      );
    const stored = copy(resource);
    t.set(stored.UUID, stored);
    if (opts.ttlMs !== undefined && opts.ttlMs > 0) {
      const timer = setTimeout(() => this.remove(kind, stored.UUID, 'expired'), opts.ttlMs);
      timer.unref();
      this.timers.set(`${kind}/${stored.UUID}`, timer);
    }
    this.emit({ type: 'created', kind, resource: copy(stored) });
    return copy(stored);
  }

  async delete(kind: ResourceKind, uuid: string): Promise<Resource | undefined> {
    return this.remove(kind, uuid, 'deleted');
  }

  private remove(
    kind: ResourceKind,
    uuid: string,
    type: 'deleted' | 'expired',
  ): Resource | undefined {
    const t = this.table(kind);
    const r = t.get(uuid);
    if (!r) return undefined;
    t.delete(uuid);
    const key = `${kind}/${uuid}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.emit({ type, kind, resource: copy(r) });
    return copy(r);
  }

  watch(
    kind: ResourceKind,
    listener: ResourceListener,
    opts: { replay?: boolean } = {},
  ): () => void {
    let set = this.listeners.get(kind);
    if (!set) {
      set = new Set();
      this.listeners.set(kind, set);
    }
    set.add(listener);
    if (opts.replay)
      for (const r of this.table(kind).values())
        listener({ type: 'created', kind, resource: copy(r) });
    return () => {
      this.listeners.get(kind)?.delete(listener);
    };
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
  }
}
