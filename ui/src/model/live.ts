// SPDX-License-Identifier: Apache-2.0
// Keeps the store in step with the server: one /ws/subscriber connection, the current graph from a
// SyncReply (filtered by Gremlin on the server when a filter is set), then live events applied in
// batches once per animation frame; or the graph at a past time, with what changed since.
import { BrowserSubscriber, type BrowserClient } from '../../../src/client/browser.js';
import type { GraphJSON, NodeJSON } from '../../../src/protocol/messages.js';
import type { StructMessage } from '../../../src/protocol/ws-message.js';
import type { GraphStore } from './graph-store.js';

/** A node that changed between two times, with the keys that did when the server says. */
export interface ChangedNode {
  ID: string;
  Metadata: Record<string, unknown>;
  Changes?: Array<{ Key: string; Old?: unknown; New?: unknown }>;
}

/** What changed between a past time and now. */
export interface HistoryDiff {
  at: number;
  /** Present then, gone now. */
  removed: NodeJSON[];
  /** Present now, absent then. */
  added: NodeJSON[];
  /** Present at both times, different. */
  changed: ChangedNode[];
  /** `server`: GET /api/topology/diff; `client`: compared in the page (revisions only). */
  source: 'server' | 'client';
}

interface ServerDiff {
  Nodes?: {
    Appeared?: NodeJSON[];
    Disappeared?: NodeJSON[];
    Changed?: Array<{
      ID: string;
      Name?: unknown;
      Type?: unknown;
      Changes?: ChangedNode['Changes'];
    }>;
  };
}

/** Connection and mode, for the toolbar. */
export interface LiveState {
  connection: 'connecting' | 'open' | 'closed';
  detail: string;
  /** undefined: live; else the time shown (ms). */
  at: number | undefined;
  filter: string;
  error: string;
  diff: HistoryDiff | undefined;
  /** Events applied since the page loaded. */
  events: number;
}

/** The live link of the UI. */
export class Live {
  state: LiveState = {
    connection: 'connecting',
    detail: '',
    at: undefined,
    filter: '',
    error: '',
    diff: undefined,
    events: 0,
  };
  private sub: BrowserSubscriber;
  private queue: StructMessage[] = [];
  private scheduled = false;
  private listeners = new Set<() => void>();

  constructor(
    private readonly store: GraphStore,
    token: string | undefined,
    private readonly opts: { collapse: boolean; rest?: BrowserClient } = { collapse: true },
  ) {
    this.sub = new BrowserSubscriber({
      token,
      onEvent: (m) => this.enqueue(m),
      onState: (s, detail) => {
        this.set({ connection: s, detail: detail ?? '' });
        if (s === 'open') void this.resync();
      },
    });
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(p: Partial<LiveState>): void {
    this.state = { ...this.state, ...p };
    for (const fn of this.listeners) fn();
  }

  /** Connects (the first SyncReply is loaded by the open handler). */
  async start(): Promise<void> {
    try {
      await this.sub.open();
    } catch (err) {
      this.set({ connection: 'closed', error: (err as Error).message });
    }
  }

  stop(): void {
    this.sub.close();
  }

  private enqueue(m: StructMessage): void {
    if (this.state.at !== undefined) return; // a past graph is shown; resynced on return
    this.queue.push(m);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      const batch = this.queue;
      this.queue = [];
      this.store.apply(batch);
      this.set({ events: this.state.events + batch.length });
    });
  }

  private async resync(req: { GremlinFilter?: string } = {}): Promise<void> {
    try {
      this.queue = [];
      performance.mark('skydive:sync-sent');
      const g = await this.sub.sync(req);
      performance.mark('skydive:sync-received');
      this.store.removedSince = new Set();
      this.store.load(g, { collapse: this.opts.collapse });
      performance.mark('skydive:graph-loaded');
      this.set({ at: undefined, diff: undefined, error: '' });
    } catch (err) {
      this.set({ error: (err as Error).message });
    }
  }

  /**
   * Sets the server-side Gremlin filter (a query returning a graph, e.g. ending in SubGraph());
   * `''` removes it. The browser then only receives what the filter keeps.
   */
  async setFilter(filter: string): Promise<void> {
    try {
      const g = await this.sub.sync({ GremlinFilter: filter });
      this.store.removedSince = new Set();
      this.store.load(g, { collapse: this.opts.collapse });
      this.set({ filter, at: undefined, diff: undefined, error: '' });
    } catch (err) {
      this.set({ error: (err as Error).message });
      throw err;
    }
  }

  /** Shows the graph at `t` (ms), and what changed since; `undefined` returns to live. */
  async showAt(t: number | undefined): Promise<void> {
    if (t === undefined) return this.resync();
    const now = new Map<string, NodeJSON>();
    if (this.state.at === undefined) this.store.graph.forEachNode((id, a) => now.set(id, a.json));
    else for (const n of (await this.sub.sync({})).Nodes) now.set(n.ID, n);
    let past: GraphJSON;
    try {
      past = await this.sub.sync({ Time: Math.round(t) });
    } catch (err) {
      this.set({ error: (err as Error).message });
      throw err;
    }
    const then = new Map(past.Nodes.map((n) => [n.ID, n]));
    let diff: HistoryDiff = { at: t, removed: [], added: [], changed: [], source: 'client' };
    for (const [id, n] of then) {
      const cur = now.get(id);
      if (!cur) diff.removed.push(n);
      else if (cur.Revision !== n.Revision) diff.changed.push(cur);
    }
    for (const [id, n] of now) if (!then.has(id)) diff.added.push(n);
    diff = (await this.serverDiff(t)) ?? diff;
    this.queue = [];
    this.store.removedSince = new Set(diff.removed.map((n) => n.ID));
    this.store.load(past, { collapse: this.opts.collapse });
    this.set({ at: t, diff, error: '' });
  }

  /** The analyzer's own diff (GET /api/topology/diff, with the current filter); undefined when absent. */
  private async serverDiff(t: number): Promise<HistoryDiff | undefined> {
    if (!this.opts.rest) return undefined;
    const q = new URLSearchParams({
      from: String(Math.round(t)),
      ignore: 'Metric,LastUpdateMetric',
    });
    if (this.state.filter) q.set('gremlin', this.state.filter);
    try {
      const d = await this.opts.rest.request<ServerDiff>('GET', `/api/topology/diff?${q}`);
      const nodes = d.Nodes ?? {};
      return {
        at: t,
        removed: nodes.Disappeared ?? [],
        added: nodes.Appeared ?? [],
        changed: (nodes.Changed ?? []).map((c) => ({
          ID: c.ID,
          Metadata: { Name: c.Name, Type: c.Type },
          ...(c.Changes ? { Changes: c.Changes } : {}),
        })),
        source: 'server',
      };
    } catch {
      return undefined; // an analyzer without the route: the page's own comparison stands
    }
  }
}
