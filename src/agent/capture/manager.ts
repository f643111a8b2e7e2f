// SPDX-License-Identifier: Apache-2.0
// The agent's capture manager (skydive-compat §2.11, §6.1): answers the analyzer's OnDemandCapture
// Start/Stop, picks the capture type for the node type, runs one capture per (node, capture) with
// the backend, and keeps the node's `Captures` metadata (state, error, packet counters) current.
import type { Logger } from 'pino';
import type { Graph, Node } from '../../graph/index.js';
import {
  OnDemandMessageType as T,
  type OnDemandMsg,
  type StructMessage,
} from '../../protocol/index.js';
import type { Flow } from '../../protocol/flow.js';
import { decideFilter, evalFilter, type FilterNode } from '../../flow/query/filter.js';
import {
  captureTypeFor,
  type Capture,
  type CaptureMetadata,
  type CaptureType,
} from '../../protocol/capture.js';

/** Packet counters of a running capture. */
export interface CaptureCounters {
  PacketsReceived: number;
  PacketsDropped: number;
  PacketsIfDropped: number;
}

/** Size and cumulative counters of a capture's flow table. */
export interface TableStats {
  size: number;
  packets: number;
  flowsCreated: number;
  flowsExpired: number;
  flowsEvicted: number;
  [counter: string]: unknown;
}

/** What a backend is asked to run. */
export interface CaptureSpec {
  node: Node;
  capture: Capture;
  type: CaptureType;
  /** The node's `TID` (flows' NodeTID). */
  nodeTID: string;
  /** The interface name (`Name`). */
  ifName: string;
  /** Path of the node's network namespace; undefined for the agent's own. */
  netnsPath: string | undefined;
}

/** A capture running on one node. */
export interface RunningCapture {
  counters(): CaptureCounters;
  /** Extra keys for the Captures entry (PCAPSocket, SFlowSocket). */
  metadata?(): Partial<CaptureMetadata>;
  /** The flow table's size and counters (for /metrics). */
  tableStats?(): TableStats;
  /**
   * Every flow of the table now, raw packets included (live Flow/TableQuery, §2.12); each carries
   * the capture's node TID (NodeTID) and the capture's UUID (CaptureID).
   */
  flows?(): Flow[];
  /** Node metadata the capture maintains (sFlow's `SFlow` counters), written on each refresh. */
  nodeMetadata?(): Record<string, unknown> | undefined;
  stop(): Promise<void>;
}

/** Starts captures: sources, flow tables and the flow sender (see live-backend.ts). */
export interface CaptureBackend {
  /** Capture types this agent can run (`FlowProbes` of its status). */
  readonly types: readonly string[];
  start(spec: CaptureSpec): Promise<RunningCapture>;
}

export interface CaptureManagerOptions {
  graph: Graph;
  backend: CaptureBackend;
  logger: Logger;
  /** agent.capture.stats_update in ms (default 1 s). */
  statsUpdateMs?: number;
}

interface Task {
  node: Node;
  capture: Capture;
  type: CaptureType;
  /** The node's TID when the capture started: the NodeTID of its flows. */
  nodeTID: string;
  running: RunningCapture | undefined;
}

/** The network namespace path of an interface: its owning `netns` node's Path, if any. */
export function netnsPathOf(graph: Graph, node: Node): string | undefined {
  let cur: Node | undefined = node;
  for (let depth = 0; cur && depth < 8; depth++) {
    if (cur.metadata.Type === 'netns' && typeof cur.metadata.Path === 'string')
      return cur.metadata.Path;
    if (cur.metadata.Type === 'host') return undefined;
    const up: { parent: string } | undefined = graph
      .inEdges(cur.id)
      .find((e) => e.metadata.RelationType === 'ownership');
    cur = up ? graph.getNode(up.parent) : undefined;
  }
  return undefined;
}

/**
 * One per agent.
 * @example
 * const m = new CaptureManager({ graph, backend, logger });
 * uplink.onRequest('OnDemandCapture', (msg, reply) => m.handle(msg, reply));
 */
export class CaptureManager {
  /** node ID → capture UUID → task. */
  private readonly tasks = new Map<string, Map<string, Task>>();
  private readonly timer: NodeJS.Timeout;
  private readonly offDeleted: () => void;
  private readonly logger: Logger;

  constructor(private readonly opts: CaptureManagerOptions) {
    this.logger = opts.logger.child({ component: 'captures' });
    this.timer = setInterval(() => this.refresh(), opts.statsUpdateMs ?? 1000).unref();
    this.offDeleted = opts.graph.on('nodeDeleted', (n) => {
      const tasks = this.tasks.get(n.id);
      this.tasks.delete(n.id);
      for (const t of tasks?.values() ?? []) void t.running?.stop().catch(() => {});
    });
  }

  /** Captures running now (for status and metrics). */
  list(): {
    nodeID: string;
    ifName: string;
    captureID: string;
    type: string;
    counters: CaptureCounters;
    table: TableStats | undefined;
  }[] {
    const out = [];
    for (const [nodeID, tasks] of this.tasks)
      for (const [captureID, t] of tasks)
        if (t.running)
          out.push({
            nodeID,
            ifName: String(t.node.metadata.Name ?? ''),
            captureID,
            type: t.type,
            counters: t.running.counters(),
            table: t.running.tableStats?.(),
          });
    return out;
  }

  /** The current flows of every running capture. */
  flows(): Flow[] {
    return this.queryFlows(undefined).flows;
  }

  /**
   * The current flows of the running captures that match `filter` (a checked filters.Filter; none
   * matches all): answers the analyzers' live table queries. A capture whose node TID and ID alone
   * decide the filter false is not read at all; `scanned` counts the flows the filter ran on.
   */
  queryFlows(filter: FilterNode | undefined): {
    flows: Flow[];
    scanned: number;
    capturesSkipped: number;
  } {
    const out: Flow[] = [];
    let scanned = 0;
    let capturesSkipped = 0;
    for (const tasks of this.tasks.values())
      for (const [captureID, t] of tasks) {
        if (!t.running?.flows) continue;
        const known = { NodeTID: t.nodeTID, CaptureID: captureID };
        const decided = filter ? decideFilter(filter, known) : true;
        if (decided === false) {
          capturesSkipped++;
          continue;
        }
        const f = t.running.flows();
        if (decided === true) for (const x of f) out.push(x);
        else {
          scanned += f.length;
          for (const x of f) if (evalFilter(filter!, x)) out.push(x);
        }
      }
    return { flows: out, scanned, capturesSkipped };
  }

  /** Handles an OnDemandCapture request; `reply` answers on the same link. */
  handle(msg: StructMessage, reply: (type: string, obj: unknown, status?: number) => void): void {
    const q = msg.Obj as Partial<OnDemandMsg<Capture>> | null;
    if (!q || typeof q.NodeID !== 'string' || !q.Resource || typeof q.Resource.UUID !== 'string') {
      reply(`${msg.Type}Reply`, q, 400);
      return;
    }
    const query = q as OnDemandMsg<Capture>;
    if (msg.Type === T.Start)
      void this.start(query).then((status) => reply(T.StartReply, query, status));
    else if (msg.Type === T.Stop)
      void this.stop(query).then((status) => reply(T.StopReply, query, status));
    else reply(`${msg.Type}Reply`, query, 400);
  }

  private async start(q: OnDemandMsg<Capture>): Promise<number> {
    const g = this.opts.graph;
    const node = g.getNode(q.NodeID);
    if (!node) return 404;
    const c = q.Resource;
    let tasks = this.tasks.get(node.id);
    if (tasks?.has(c.UUID)) return 200;
    const nodeType = String(node.metadata.Type ?? '');
    const type = captureTypeFor(nodeType, c.Type ?? '');
    if (type === undefined || !this.opts.backend.types.includes(type)) {
      const why = `capture type '${c.Type || 'default'}' is not available on a ${nodeType} node`;
      this.setEntry(node, c, { State: 'error', Error: why, Type: c.Type ?? '' });
      return 500;
    }
    if (!tasks) this.tasks.set(node.id, (tasks = new Map()));
    const nodeTID = String(node.metadata.TID ?? '');
    const task: Task = { node, capture: c, type, nodeTID, running: undefined };
    tasks.set(c.UUID, task);
    try {
      task.running = await this.opts.backend.start({
        node,
        capture: c,
        type,
        nodeTID,
        ifName: String(node.metadata.Name ?? ''),
        netnsPath: netnsPathOf(g, node),
      });
    } catch (err) {
      tasks.delete(c.UUID);
      const why = (err as Error).message;
      this.logger.warn({ capture: c.UUID, node: node.id, err: why }, 'capture failed to start');
      if (g.getNode(node.id) === node)
        this.setEntry(node, c, { State: 'error', Error: why, Type: type });
      return 500;
    }
    if (tasks.get(c.UUID) !== task || g.getNode(node.id) !== node) {
      // Stopped or deleted while starting.
      await task.running.stop();
      return 404;
    }
    this.logger.info({ capture: c.UUID, node: node.id, type }, 'capture started');
    this.setEntry(node, c, {
      State: 'active',
      Type: type,
      ...task.running.metadata?.(),
      ...task.running.counters(),
    });
    return 200;
  }

  private async stop(q: OnDemandMsg<Capture>): Promise<number> {
    const node = this.opts.graph.getNode(q.NodeID);
    const tasks = this.tasks.get(q.NodeID);
    const task = tasks?.get(q.Resource.UUID);
    if (!task) {
      if (node) this.removeEntry(node, q.Resource.UUID);
      return 404;
    }
    tasks!.delete(q.Resource.UUID);
    if (tasks!.size === 0) this.tasks.delete(q.NodeID);
    try {
      await task.running?.stop();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'capture stop failed');
    }
    if (node) this.removeEntry(node, q.Resource.UUID);
    this.logger.info({ capture: q.Resource.UUID, node: q.NodeID }, 'capture stopped');
    return 200;
  }

  private entries(node: Node): CaptureMetadata[] {
    const v = node.metadata.Captures;
    return Array.isArray(v) ? (v as CaptureMetadata[]) : [];
  }

  private setEntry(node: Node, c: Capture, extra: Partial<CaptureMetadata>): void {
    const entry: CaptureMetadata = {
      PacketsReceived: 0,
      PacketsDropped: 0,
      PacketsIfDropped: 0,
      ID: c.UUID,
      ...(c.Name ? { Name: c.Name } : {}),
      ...(c.Description ? { Description: c.Description } : {}),
      ...(c.BPFFilter ? { BPFFilter: c.BPFFilter } : {}),
      ...extra,
    };
    const list = this.entries(node).filter((e) => e.ID !== c.UUID);
    this.opts.graph.addMetadata(node, 'Captures', [...list, entry]);
  }

  private removeEntry(node: Node, id: string): void {
    const list = this.entries(node);
    const rest = list.filter((e) => e.ID !== id);
    if (rest.length === list.length) return;
    if (rest.length === 0) this.opts.graph.delMetadata(node, 'Captures');
    else this.opts.graph.addMetadata(node, 'Captures', rest);
  }

  /** Copies the counters of every running capture into its node's Captures entry. */
  private refresh(): void {
    for (const [nodeID, tasks] of this.tasks) {
      const node = this.opts.graph.getNode(nodeID);
      if (!node) continue;
      let changed = false;
      const list = this.entries(node).map((e) => {
        const t = e.ID === undefined ? undefined : tasks.get(e.ID);
        if (!t?.running) return e;
        const c = t.running.counters();
        if (
          c.PacketsReceived === e.PacketsReceived &&
          c.PacketsDropped === e.PacketsDropped &&
          c.PacketsIfDropped === e.PacketsIfDropped
        )
          return e;
        changed = true;
        return { ...e, ...c };
      });
      if (changed) this.opts.graph.addMetadata(node, 'Captures', list);
      for (const t of tasks.values())
        for (const [k, v] of Object.entries(t.running?.nodeMetadata?.() ?? {}))
          if (JSON.stringify(node.metadata[k]) !== JSON.stringify(v))
            this.opts.graph.addMetadata(node, k, structuredClone(v));
    }
  }

  /** Stops every capture. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.offDeleted();
    const all = [...this.tasks.values()].flatMap((m) => [...m.values()]);
    this.tasks.clear();
    await Promise.all(all.map((t) => t.running?.stop().catch(() => {})));
  }
}
