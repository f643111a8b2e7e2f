// SPDX-License-Identifier: Apache-2.0
// Follows one namespace: opens its sockets inside it, dumps every table, then applies the
// multicast events in batches. After ENOBUFS (events were lost) it resyncs: fresh sockets joined
// before a fresh dump, so the events kept after the dump are complete.
import { closeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Node } from '../../graph/index.js';
import type { Netns, NetnsAPI } from '../netns/api.js';
import { hostTID } from '../netns/tid.js';
import { AF_BRIDGE, AF_INET, RTM } from './constants.js';
import { decode, type RawMsg, type RtMsg } from './messages.js';
import { DumpInterrupted, NsSocket, type NsSocketOptions } from './ns-socket.js';
import { NsState } from './ns-state.js';
import type { NsView } from './topology.js';

const DUMPS: Array<[number, number | undefined]> = [
  [RTM.GETLINK, undefined],
  [RTM.GETADDR, undefined],
  [RTM.GETROUTE, undefined],
  [RTM.GETNEIGH, undefined],
  [RTM.GETNEIGH, AF_BRIDGE],
];

/** Counters shared by every watcher of a probe run. */
export interface WatchCounters {
  events: number;
  batches: number;
  resyncs: number;
  errors: number;
  lastError: string | undefined;
}

/** What a watcher needs from the probe run that owns it. */
export interface WatchHost {
  readonly netns: NetnsAPI;
  readonly logger: Logger;
  readonly counters: WatchCounters;
  readonly root: Node;
  readonly hostID: string;
  readonly socketOptions: NsSocketOptions;
  /** Asks for a flush of this watcher's pending messages (coalesced per event-loop turn). */
  schedule(w: NsWatcher): void;
  /** A fresh dump was applied; write it now. */
  synced(w: NsWatcher): void;
}

export class NsWatcher implements NsView {
  readonly state = new NsState();
  private socket: NsSocket | undefined;
  private queue: RawMsg[] = [];
  private dumping = false;
  private resyncAgain = false;
  private closed = false;
  private readonly nsids = new Map<number, string>();
  private resolving = false;
  private resolveAgain = false;
  private readonly unresolved = new Set<number>();
  /** Set once the first dump is applied. */
  ready = false;

  constructor(
    readonly ns: Netns,
    private readonly host: WatchHost,
  ) {}

  get key(): string {
    return this.ns.key;
  }
  get owner(): Node {
    return this.ns.node;
  }
  ownerTID(): string {
    const tid = this.ns.node.metadata['TID'];
    if (!this.ns.host && typeof tid === 'string') return tid;
    return hostTID(this.host.root, this.host.hostID);
  }

  /** True while a dump runs: events wait in the queue. */
  get busy(): boolean {
    return this.dumping;
  }

  /** Opens the sockets and loads the namespace (also how a resync starts). */
  async resync(): Promise<void> {
    if (this.closed) return;
    if (this.dumping) {
      this.resyncAgain = true;
      return;
    }
    this.dumping = true;
    try {
      do {
        this.resyncAgain = false;
        this.socket?.close();
        this.socket = undefined;
        this.queue = [];
        const sock = this.host.netns.within(
          this.ns,
          () => new NsSocket(this.handlers, this.host.socketOptions),
        );
        if (this.closed) {
          sock.close();
          return;
        }
        this.socket = sock;
        const msgs = await this.dumpAll(sock);
        if (this.closed) return;
        this.state.reset();
        this.nsids.clear();
        this.unresolved.clear();
        this.applyAll(msgs);
        this.state.vethMoves.length = 0;
        this.state.routesStale = false;
      } while (this.resyncAgain && !this.closed);
    } finally {
      this.dumping = false;
    }
    this.ready = true;
    this.host.synced(this);
  }

  private async dumpAll(sock: NsSocket): Promise<RawMsg[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out: RawMsg[] = [];
        for (const [type, family] of DUMPS) out.push(...(await sock.dump(type, family)));
        return out;
      } catch (err) {
        if (!(err instanceof DumpInterrupted) || attempt >= 5) throw err;
      }
    }
  }

  private readonly handlers = {
    onEvents: (msgs: RawMsg[]) => {
      if (this.closed) return;
      for (const m of msgs) this.queue.push(m);
      if (!this.dumping) this.host.schedule(this);
    },
    onError: (err: NodeJS.ErrnoException) => {
      if (this.closed) return;
      if (err.code === 'ENOBUFS') return this.lost();
      this.fail(err, 'netlink socket error');
    },
  };

  /** Checks the event socket's drop counter; events lost means a fresh dump. */
  checkDrops(): void {
    if (this.closed || this.dumping || !this.socket) return;
    if (this.socket.drops() > 0) this.lost();
  }

  private lost(): void {
    this.host.counters.resyncs++;
    this.host.logger.warn({ ns: this.ns.name }, 'netlink events lost (ENOBUFS); resyncing');
    this.resyncOrRetry();
  }

  /** Resyncs; a failed resync (socket or dump error) is tried again a second later. */
  private resyncOrRetry(): void {
    void this.resync().catch((e) => {
      this.fail(e, 'resync failed; retrying');
      if (!this.closed) setTimeout(() => this.resyncOrRetry(), 1000).unref();
    });
  }

  fail(err: unknown, what: string): void {
    if (this.closed) return; // the namespace went away meanwhile: not an error
    this.host.counters.errors++;
    this.host.counters.lastError = `${this.ns.name}: ${(err as Error).message ?? String(err)}`;
    this.host.logger.warn({ err, ns: this.ns.name }, what);
  }

  /** Applies the queued events to the state; returns how many were taken. */
  drain(): number {
    if (this.dumping || this.queue.length === 0) return 0;
    const q = this.queue;
    this.queue = [];
    this.applyAll(q);
    this.checkDrops();
    if (this.state.routesStale) {
      this.state.routesStale = false;
      void this.refreshRoutes().catch((err) => this.fail(err, 'reading IPv4 routes failed'));
    }
    return q.length;
  }

  /**
   * Reads the IPv4 routes again (NsState.routesStale). Events wait meanwhile, as during a dump,
   * so that none older than the fresh table is applied after it.
   */
  private async refreshRoutes(): Promise<void> {
    if (this.dumping || !this.socket) return;
    const sock = this.socket;
    this.dumping = true;
    try {
      const msgs = await sock.dump(RTM.GETROUTE, AF_INET);
      if (this.closed || sock !== this.socket) return;
      const decoded: RtMsg[] = [];
      for (const raw of msgs) {
        const m = decode(raw);
        if (m) decoded.push(m);
      }
      this.state.replaceRoutes(AF_INET, decoded);
    } finally {
      this.dumping = false;
      if (this.resyncAgain) this.resyncOrRetry();
    }
    this.host.schedule(this);
  }

  private applyAll(msgs: RawMsg[]): void {
    for (const raw of msgs) {
      try {
        const m = decode(raw);
        if (m) this.state.apply(m);
      } catch (err) {
        this.fail(err, 'undecodable netlink message');
      }
    }
    if (this.state.nsidChanged) {
      this.state.nsidChanged = false;
      this.nsids.clear();
      this.unresolved.clear();
      this.markNsidLinks();
    }
  }

  private markNsidLinks(): void {
    for (const [i, l] of this.state.links) if (l.linkNetnsid !== undefined) this.state.dirty.add(i);
  }

  namespaceOf(nsid: number): string | undefined {
    const k = this.nsids.get(nsid);
    if (k !== undefined) return k;
    if (!this.unresolved.has(nsid)) {
      this.unresolved.add(nsid);
      void this.resolveNsids();
    }
    return undefined;
  }

  netnsName(nsid: number): string | undefined {
    const k = this.nsids.get(nsid);
    const ns = k === undefined ? undefined : this.host.netns.get(k);
    return ns && !ns.host ? ns.name : undefined;
  }

  /** A namespace appeared: ids not found so far may be it. */
  retryNsids(): void {
    if (this.unresolved.size > 0) void this.resolveNsids();
  }

  /** Asks this namespace for the id it gives each namespace we know (host first). */
  private async resolveNsids(): Promise<void> {
    if (!this.socket) return;
    if (this.resolving) {
      this.resolveAgain = true;
      return;
    }
    this.resolving = true;
    this.resolveAgain = false;
    const sock = this.socket;
    let found = false;
    try {
      for (const other of this.host.netns.list()) {
        if (this.unresolved.size === 0 || this.closed || sock !== this.socket) break;
        if (other.key === this.ns.key) continue;
        let fd: number;
        try {
          fd = this.host.netns.openFd(other);
        } catch {
          continue; // that namespace went away meanwhile
        }
        try {
          const id = await sock.getNsid(fd);
          if (id !== undefined) {
            this.nsids.set(id, other.key);
            if (this.unresolved.delete(id)) found = true;
          }
        } catch (err) {
          this.fail(err, 'RTM_GETNSID failed');
        } finally {
          closeSync(fd);
        }
      }
    } finally {
      this.resolving = false;
    }
    if (found && !this.closed) {
      this.markNsidLinks();
      this.host.schedule(this);
    }
    if (this.resolveAgain && !this.closed) void this.resolveNsids();
  }

  /** Counters of every interface, for the metrics round. */
  async stats(): Promise<RawMsg[]> {
    if (!this.socket || this.dumping) return [];
    return this.socket.dump(RTM.GETSTATS);
  }

  /**
   * Asks again for one link (a veth whose peer moved: its own message is stale). The answer joins
   * the event queue, so it is applied in order, after a dump in progress if any.
   */
  async refreshLink(index: number): Promise<void> {
    const sock = this.socket;
    if (!sock) return;
    const msgs = await sock.getLink(index);
    if (this.closed || sock !== this.socket) return; // a resync's dump covers it
    if (msgs.length > 0) this.queue.push(...msgs);
    else {
      // It is gone: forget it as a DELLINK would.
      const l = this.state.links.get(index);
      if (l) this.state.apply({ kind: 'link', del: true, msg: l });
    }
    this.host.schedule(this);
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    this.socket = undefined;
    this.queue = [];
  }
}
