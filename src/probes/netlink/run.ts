// SPDX-License-Identifier: Apache-2.0
// One run of the netlink probe: a watcher per namespace (the host's and each one netns reports),
// a flush of pending messages once per event-loop turn for all of them, and the metrics round.
import type { Logger } from 'pino';
import type { Graph, Node } from '../../graph/index.js';
import type { Netns, NetnsAPI } from '../netns/api.js';
import type { RawMsg } from './messages.js';
import type { NsSocketOptions } from './ns-socket.js';
import { NsWatcher, type WatchCounters, type WatchHost } from './ns-watcher.js';
import { parseStatsMsg, type LinkStats } from './stats.js';
import { LinkTopology } from './topology.js';

export interface RunOptions {
  graph: Graph;
  root: Node;
  hostID: string;
  logger: Logger;
  netns: NetnsAPI;
  socketOptions: NsSocketOptions;
  /** Delay before retrying a namespace whose sockets could not be opened, ms. */
  retryMs: number;
}

export class NetlinkRun implements WatchHost {
  readonly counters: WatchCounters = {
    events: 0,
    batches: 0,
    resyncs: 0,
    errors: 0,
    lastError: undefined,
  };
  metricRounds = 0;
  readonly topology: LinkTopology;
  private readonly watchers = new Map<string, NsWatcher>();
  private readonly pending = new Set<NsWatcher>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private flushScheduled = false;
  private dropCheck: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly netns: NetnsAPI;
  readonly logger: Logger;
  readonly root: Node;
  readonly hostID: string;
  readonly socketOptions: NsSocketOptions;

  constructor(private readonly opts: RunOptions) {
    this.netns = opts.netns;
    this.logger = opts.logger;
    this.root = opts.root;
    this.hostID = opts.hostID;
    this.socketOptions = opts.socketOptions;
    this.topology = new LinkTopology(opts.graph);
  }

  private readonly onAdded = (ns: Netns) => this.add(ns);
  private readonly onRemoved = (ns: Netns) => this.remove(ns);
  /** A namespace's path or name changed: its TID, so its interfaces', and LinkNetNsName. */
  private readonly onUpdated = (ns: Netns) => {
    for (const w of this.watchers.values()) {
      let touched = false;
      for (const [i, l] of w.state.links)
        if (w.key === ns.key || l.linkNetnsid !== undefined) {
          w.state.dirty.add(i);
          touched = true;
        }
      if (touched) this.schedule(w);
    }
  };

  start(): void {
    this.netns.events.on('added', this.onAdded);
    this.netns.events.on('removed', this.onRemoved);
    this.netns.events.on('updated', this.onUpdated);
    for (const ns of this.netns.list()) this.add(ns);
    // Overflow is silent (NETLINK_NO_ENOBUFS): a burst that ends in a loss leaves no event to
    // notice it by, so the drop counters are also read every second (one getsockopt each).
    this.dropCheck = setInterval(() => {
      for (const w of this.watchers.values()) w.checkDrops();
    }, 1000);
    this.dropCheck.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.dropCheck);
    this.netns.events.off('added', this.onAdded);
    this.netns.events.off('removed', this.onRemoved);
    this.netns.events.off('updated', this.onUpdated);
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.topology.clear();
  }

  get namespaces(): number {
    return this.watchers.size;
  }

  private add(ns: Netns): void {
    if (this.stopped || this.watchers.has(ns.key)) return;
    const w = new NsWatcher(ns, this);
    this.watchers.set(ns.key, w);
    for (const other of this.watchers.values()) if (other !== w) other.retryNsids();
    void w.resync().catch((err) => {
      if (this.watchers.get(ns.key) !== w) return;
      // Gone before we could open it (netns reports the removal next): not an error.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESTALE' || !this.netns.get(ns.key))
        this.logger.debug({ ns: ns.name, err }, 'namespace went away before it was read');
      else w.fail(err, 'cannot follow namespace');
      // Until netns reports the removal, retry.
      this.watchers.delete(ns.key);
      w.close();
      this.retries.set(
        ns.key,
        setTimeout(() => {
          this.retries.delete(ns.key);
          const again = this.netns.get(ns.key);
          if (again) this.add(again);
        }, this.opts.retryMs),
      );
    });
  }

  private remove(ns: Netns): void {
    const t = this.retries.get(ns.key);
    if (t) clearTimeout(t);
    this.retries.delete(ns.key);
    const w = this.watchers.get(ns.key);
    if (!w) return;
    w.close();
    this.watchers.delete(ns.key);
    this.pending.delete(w);
    this.topology.removeNamespace(ns.key, this.watchers);
  }

  schedule(w: NsWatcher): void {
    if (this.stopped) return;
    this.pending.add(w);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  synced(w: NsWatcher): void {
    this.counters.batches++;
    this.write(w);
    // Events that came while dumping.
    this.schedule(w);
  }

  /** One pass: every pending namespace's messages applied, then written to the graph. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.stopped) return;
    const ws = [...this.pending];
    this.pending.clear();
    let took = 0;
    for (const w of ws) {
      if (this.watchers.get(w.key) !== w || w.busy) continue;
      took += w.drain();
      this.write(w);
      this.refreshPeers(w);
    }
    if (took > 0) {
      this.counters.events += took;
      this.counters.batches++;
    }
  }

  /** Asks again for the other end of veths that went away (see NsState.vethMoves). */
  private refreshPeers(w: NsWatcher): void {
    const gone = w.state.vethMoves.splice(0);
    // A pair deleted together: both ends' messages are in the batch, nothing is stale.
    const goneHere = new Set(gone.map((l) => l.index));
    for (const l of gone) {
      if (!l.link) continue;
      const same = l.linkNetnsid === undefined;
      if (same && (goneHere.has(l.link) || !w.state.links.has(l.link))) continue;
      const nsKey = same ? w.key : w.namespaceOf(l.linkNetnsid!);
      const peer = nsKey === undefined ? undefined : this.watchers.get(nsKey);
      if (!peer) continue;
      void peer.refreshLink(l.link).catch((err) => peer.fail(err, 'refreshing a veth peer failed'));
    }
  }

  private write(w: NsWatcher): void {
    try {
      this.topology.flush(w, this.watchers);
    } catch (err) {
      w.fail(err, 'writing interfaces to the graph failed');
    }
  }

  /** Reads every namespace's counters in parallel, then updates the nodes in one pass. */
  async metricsRound(): Promise<number> {
    const ws = [...this.watchers.values()].filter((w) => w.ready);
    const results = await Promise.allSettled(ws.map((w) => w.stats()));
    if (this.stopped) return 0;
    const now = Date.now();
    let updated = 0;
    results.forEach((r, i) => {
      const w = ws[i]!;
      if (r.status === 'rejected') {
        w.fail(r.reason, 'reading interface counters failed');
        return;
      }
      if (this.watchers.get(w.key) !== w) return;
      updated += this.topology.updateMetrics(w.key, statsByIndex(r.value), now);
    });
    this.metricRounds++;
    return updated;
  }
}

function statsByIndex(msgs: RawMsg[]): Map<number, LinkStats> {
  const m = new Map<number, LinkStats>();
  for (const raw of msgs) {
    const { index, stats } = parseStatsMsg(raw.data);
    if (stats) m.set(index, stats);
  }
  return m;
}
