// SPDX-License-Identifier: Apache-2.0
// The ResourceStore contract: API objects (captures, alerts, node/edge rules, injections, workflows)
// stored by kind and UUID, with a watch that tells the analyzer's managers what changed.
/** Resource kinds persisted by the analyzer (skydive-compat §3.1, all except node and edge). */
export const RESOURCE_KINDS = [
  'alert',
  'capture',
  'edgerule',
  'injectpacket',
  'noderule',
  'workflow',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A stored resource: Skydive JSON with its server-assigned `UUID`. */
export interface Resource {
  UUID: string;
  [key: string]: unknown;
}

/**
 * What happened to a resource. `created` is also replayed for every existing resource when a
 * watcher subscribes with `replay` (Skydive's `init` action); `expired` is a TTL deletion.
 */
export interface ResourceEvent {
  type: 'created' | 'deleted' | 'expired';
  kind: ResourceKind;
  resource: Resource;
}

export type ResourceListener = (event: ResourceEvent) => void;

export interface CreateResourceOptions {
  /** Time to live in ms (`X-Resource-TTL`); the resource expires afterwards. */
  ttlMs?: number | undefined;
}

/**
 * CRUD and watch over resources; memory, SQLite and PostgreSQL implement it. Reads return copies:
 * mutating them does not change the store. Listeners run after the change is visible to reads.
 */
export interface ResourceStore {
  get(kind: ResourceKind, uuid: string): Promise<Resource | undefined>;
  /** Every resource of a kind, in creation order. */
  list(kind: ResourceKind): Promise<Resource[]>;
  /** Stores a resource whose UUID is already set. Throws a conflict when the UUID exists. */
  create(kind: ResourceKind, resource: Resource, opts?: CreateResourceOptions): Promise<Resource>;
  /** Deletes a resource; returns it, or undefined when unknown. */
  delete(kind: ResourceKind, uuid: string): Promise<Resource | undefined>;
  /**
   * Subscribes to changes of a kind; with `replay`, first calls the listener with `created` for
   * every existing resource. Returns the function that unsubscribes.
   */
  watch(kind: ResourceKind, listener: ResourceListener, opts?: { replay?: boolean }): () => void;
  /** Stops timers and connections. */
  close(): Promise<void>;
}

/** True when `kind` names a stored resource kind. */
export function isResourceKind(kind: string): kind is ResourceKind {
  return (RESOURCE_KINDS as readonly string[]).includes(kind);
}
