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

export class StatusRegistry {
  private readonly sections: Record<StatusSection, Map<string, StatusSource>> = {
    Agents: new Map(),
    Publishers: new Map(),
    Subscribers: new Map(),
  };

  add(section: StatusSection, id: string, src: StatusSource): void {
    this.sections[section].set(id, src);
  }

  remove(section: StatusSection, id: string, src?: StatusSource): void {
    const m = this.sections[section];
    if (src === undefined || m.get(id) === src) m.delete(id);
  }

  has(section: StatusSection, id: string): boolean {
    return this.sections[section].has(id);
  }

  snapshot(section: StatusSection): Record<string, ConnStatus> {
    const out: Record<string, ConnStatus> = {};
    for (const [id, src] of this.sections[section]) out[id] = src.status();
    return out;
  }
}
