// SPDX-License-Identifier: Apache-2.0
// The shared engine of the database ResourceStores (SQLite, PostgreSQL): every write appends a row
// to a change log, and every instance replays that log in order into its cache of what its watchers
// were told. Two instances on one database therefore see each other's creates, deletes and expiries.
import { ConflictError } from '../graph/errors.js';
import type {
  CreateResourceOptions,
  Resource,
  ResourceEvent,
  ResourceKind,
  ResourceListener,
  ResourceStore,
} from './resource-store.js';

/** One stored resource row. `expiresAt` is an absolute time in ms, null without TTL. */
export interface ResourceRow {
  kind: ResourceKind;
  uuid: string;
  doc: Resource;
  expiresAt: number | null;
}

/** One row of the change log, in commit order. */
export interface ResourceChange extends ResourceRow {
  id: number;
  type: ResourceEvent['type'];
}

/** What a database dialect provides to the engine. Every method may throw (database down). */
export interface ResourceDriver {
  /** All rows and the id of the last change, read consistently (one snapshot). */
  snapshot(): Promise<{ rows: ResourceRow[]; cursor: number }>;
  get(kind: ResourceKind, uuid: string): Promise<ResourceRow | undefined>;
  /** Rows of a kind in creation order. */
  list(kind: ResourceKind): Promise<ResourceRow[]>;
  /** Inserts the row and its `created` change; false when (kind, uuid) exists. */
  insert(row: ResourceRow, now: number): Promise<boolean>;
  /**
   * Deletes a row and logs `type`; with `expiredAt`, only when the row's expiry is ≤ it. Returns
   * the deleted row, or undefined when nothing was deleted.
   */
  remove(
    kind: ResourceKind,
    uuid: string,
    type: 'deleted' | 'expired',
    now: number,
    expiredAt?: number,
  ): Promise<ResourceRow | undefined>;
  /** Changes with id > cursor; `gap` when the log was pruned past the cursor (resync needed). */
  changesSince(cursor: number): Promise<{ changes: ResourceChange[]; gap: boolean }>;
  /** Drops changes older than `before` (ms) and records how far the log was pruned. */
  pruneChanges(before: number): Promise<void>;
  close(): Promise<void>;
}

/** Tuning of the engine. */
export interface SqlResourceOptions {
  /** Period of the change-log poll in ms (the PostgreSQL store also wakes up on NOTIFY). */
  pollMs: number;
  /** How long changes stay in the log (ms); a peer offline longer resyncs from the table. */
  keepChangesMs?: number;
  /** Called when the database becomes unreachable or reachable again. */
  onHealth?: (healthy: boolean, err?: unknown) => void;
}

const MAX_TIMER = 2 ** 31 - 1;

/** Health of a store that depends on a server. */
export interface StoreHealth {
  healthy: boolean;
  /** Why the last operation against the database failed, while unhealthy. */
  error?: string;
}

/**
 * A ResourceStore over a ResourceDriver. Writes go to the database, then the instance catches up
 * with the change log before the call returns, so listeners have run when `create` resolves.
 * `start()` loads the cache; when the database is down it keeps retrying from the poll.
 */
export class SqlResourceStore implements ResourceStore {
  private readonly cache = new Map<ResourceKind, Map<string, ResourceRow>>();
  private readonly listeners = new Map<ResourceKind, Set<ResourceListener>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private cursor = -1;
  private loaded = false;
  private syncing: Promise<void> | undefined;
  private again = false;
  private poll: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private closed = false;
  private health: StoreHealth = { healthy: true };

  constructor(
    private readonly driver: ResourceDriver,
    private readonly opts: SqlResourceOptions,
  ) {}

  /** Loads the cache (or schedules retries when the database is unreachable) and starts polling. */
  async start(): Promise<void> {
    await this.catchUp().catch(() => undefined);
    this.poll = setInterval(() => void this.tick(), this.opts.pollMs);
    this.poll.unref();
  }

  /** Whether the last database operation succeeded. */
  status(): StoreHealth {
    return { ...this.health };
  }

  private setHealth(ok: boolean, err?: unknown): void {
    if (ok === this.health.healthy) return;
    this.health = ok ? { healthy: true } : { healthy: false, error: String(err) };
    this.opts.onHealth?.(ok, err);
  }

  private async tick(): Promise<void> {
    try {
      await this.catchUp();
      const keep = this.opts.keepChangesMs ?? 3_600_000;
      const now = Date.now();
      if (now - this.lastPrune > Math.min(keep, 60_000)) {
        this.lastPrune = now;
        await this.driver.pruneChanges(now - keep);
      }
    } catch {
      // health is updated by catchUp; the next tick retries
    }
  }

  /**
   * Replays the change log from the cursor (or resyncs from the table when the cache is not loaded
   * or the log was pruned). Serialized: a call made during a run waits for a fresh run.
   */
  catchUp(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again && !this.closed);
    };
    this.syncing = run().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.loaded) return await this.resync();
      const { changes, gap } = await this.driver.changesSince(this.cursor);
      this.setHealth(true);
      if (gap) return await this.resync();
      for (const c of changes) {
        this.apply(c);
        this.cursor = c.id;
      }
    } catch (err) {
      this.setHealth(false, err);
      throw err;
    }
  }

  private async resync(): Promise<void> {
    const { rows, cursor } = await this.driver.snapshot();
    this.setHealth(true);
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(`${row.kind}/${row.uuid}`);
      this.apply({ ...row, id: cursor, type: 'created' });
    }
    for (const [kind, t] of this.cache)
      for (const row of [...t.values()])
        if (!seen.has(`${kind}/${row.uuid}`)) this.apply({ ...row, id: cursor, type: 'deleted' });
    this.cursor = cursor;
    this.loaded = true;
  }

  private table(kind: ResourceKind): Map<string, ResourceRow> {
    let t = this.cache.get(kind);
    if (!t) this.cache.set(kind, (t = new Map()));
    return t;
  }

  /** Applies one change to the cache; idempotent, emits only real transitions. */
  private apply(c: ResourceChange): void {
    const t = this.table(c.kind);
    const key = `${c.kind}/${c.uuid}`;
    if (c.type === 'created') {
      if (t.has(c.uuid)) return;
      t.set(c.uuid, { kind: c.kind, uuid: c.uuid, doc: c.doc, expiresAt: c.expiresAt });
      if (c.expiresAt !== null) this.arm(c.kind, c.uuid, c.expiresAt);
    } else {
      if (!t.delete(c.uuid)) return;
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
    }
    for (const l of [...(this.listeners.get(c.kind) ?? [])])
      l({ type: c.type, kind: c.kind, resource: structuredClone(c.doc) });
  }

  private arm(kind: ResourceKind, uuid: string, expiresAt: number): void {
    const key = `${kind}/${uuid}`;
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(
      () => void this.expire(kind, uuid, expiresAt),
      Math.min(MAX_TIMER, Math.max(0, expiresAt - Date.now())),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  private async expire(kind: ResourceKind, uuid: string, expiresAt: number): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    if (now < expiresAt) return this.arm(kind, uuid, expiresAt);
    try {
      // Another instance may win the race; either way the log tells everyone.
      await this.driver.remove(kind, uuid, 'expired', now, now);
      await this.catchUp();
    } catch (err) {
      this.setHealth(false, err);
      // retry later: the row still carries its expiry
      if (!this.closed) {
        const retry = setTimeout(() => void this.expire(kind, uuid, expiresAt), this.opts.pollMs);
        retry.unref();
        this.timers.set(`${kind}/${uuid}`, retry);
      }
    }
  }

  private guarded<T>(p: Promise<T>): Promise<T> {
    return p.then(
      (v) => {
        this.setHealth(true);
        return v;
      },
      (err: unknown) => {
        if (!(err instanceof ConflictError)) this.setHealth(false, err);
        throw err;
      },
    );
  }

  async get(kind: ResourceKind, uuid: string): Promise<Resource | undefined> {
    return (await this.guarded(this.driver.get(kind, uuid)))?.doc;
  }

  async list(kind: ResourceKind): Promise<Resource[]> {
    return (await this.guarded(this.driver.list(kind))).map((r) => r.doc);
  }

  async create(
    kind: ResourceKind,
    resource: Resource,
    opts: CreateResourceOptions = {},
  ): Promise<Resource> {
    const now = Date.now();
    const ttl = opts.ttlMs !== undefined && opts.ttlMs > 0 ? opts.ttlMs : undefined;
    const row: ResourceRow = {
      kind,
      uuid: resource.UUID,
      doc: structuredClone(resource),
      expiresAt: ttl === undefined ? null : now + ttl,
    };
    if (!(await this.guarded(this.driver.insert(row, now))))
      throw new ConflictError(
        'SKY_ERR_RESOURCE_EXISTS',
        `${kind} '${resource.UUID}' already exists`,
      );
    await this.catchUp().catch(() => undefined);
    return structuredClone(row.doc);
  }

  async delete(kind: ResourceKind, uuid: string): Promise<Resource | undefined> {
    const row = await this.guarded(this.driver.remove(kind, uuid, 'deleted', Date.now()));
    if (row) await this.catchUp().catch(() => undefined);
    return row?.doc;
  }

  watch(
    kind: ResourceKind,
    listener: ResourceListener,
    opts: { replay?: boolean } = {},
  ): () => void {
    let set = this.listeners.get(kind);
    if (!set) this.listeners.set(kind, (set = new Set()));
    set.add(listener);
    if (opts.replay)
      for (const r of this.table(kind).values())
        listener({ type: 'created', kind, resource: structuredClone(r.doc) });
    return () => {
      this.listeners.get(kind)?.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
    await this.syncing?.catch(() => undefined);
    await this.driver.close();
  }
}
