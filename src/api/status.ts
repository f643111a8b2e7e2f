// SPDX-License-Identifier: Apache-2.0
// The live connection table behind /api/status (skydive-compat §3.5): each WS endpoint registers its
// peers here under the section Skydive reports them in.

/** Skydive's ConnStatus document. */
export interface ConnStatus {
  ServiceType: string;
  ClientProtocol: string;
  Addr: string;
  Port: number;
  IsConnected: boolean;
  ConnectTime: string;
  RemoteHost: string;
  RemoteServiceType: string;
  /** Ours: messages waiting in the send queue and messages dropped for this peer. */
  QueueDepth?: number;
  Dropped?: number;
}

export type StatusSection = 'Agents' | 'Publishers' | 'Subscribers';

/** A connection that can describe itself on demand (queue depth changes all the time). */
export interface StatusSource {
  status(): ConnStatus;
}

/**
 * The connections of each section, keyed as Skydive keys them: by host ID. Host IDs are unique per
 * endpoint only (a second one is refused with 409), and several endpoints report into one section
 * (`/ws/subscriber` and `/ws/pubsub` both into Subscribers), so one host ID can be there twice:
 * the first connection keeps the bare host ID, the next ones get `<host>#2`, `<host>#3`… (the
 * lowest free), and none hides another. A key stays with its connection until it closes.
 */
export class StatusRegistry {
  private readonly sections: Record<StatusSection, Section> = {
    Agents: new Section(),
    Publishers: new Section(),
    Subscribers: new Section(),
  };

  /** Lists `src` under `id` (or the next free `id#n`); returns the key it got. */
  add(section: StatusSection, id: string, src: StatusSource): string {
    return this.sections[section].add(id, src);
  }

  /**
   * Forgets `src` (listed under `id` or one of its `id#n` keys); without `src`, forgets what is
   * listed under exactly `id`.
   */
  remove(section: StatusSection, id: string, src?: StatusSource): void {
    this.sections[section].remove(id, src);
  }

  /** True when something is listed under exactly `id`. */
  has(section: StatusSection, id: string): boolean {
    return this.sections[section].byKey.has(id);
  }

  /** The section as `/api/status` shows it, in order of connection. */
  snapshot(section: StatusSection): Record<string, ConnStatus> {
    const out: Record<string, ConnStatus> = {};
    for (const [key, src] of this.sections[section].byKey) out[key] = src.status();
    return out;
  }
}

class Section {
  readonly byKey = new Map<string, StatusSource>();
  private readonly keyOf = new Map<StatusSource, string>();

  add(id: string, src: StatusSource): string {
    const had = this.keyOf.get(src);
    if (had !== undefined) return had;
    let key = id;
    for (let n = 2; this.byKey.has(key); n++) key = `${id}#${n}`;
    this.byKey.set(key, src);
    this.keyOf.set(src, key);
    return key;
  }

  remove(id: string, src: StatusSource | undefined): void {
    const key = src === undefined ? id : this.keyOf.get(src);
    if (key === undefined) return;
    const cur = this.byKey.get(key);
    if (cur === undefined) return;
    this.byKey.delete(key);
    this.keyOf.delete(cur);
  }
}
