// SPDX-License-Identifier: Apache-2.0
// Flows() and the flow steps as Gremlin StepExtensions (skydive-compat §4.5): `G.Flows()`,
// `G.V()….Flows()` (flows captured on those nodes, by NodeTID), live or, under At/Context, from
// flow storage over [t - d - flow.expire, t], their Metrics() and RawPackets() then from the
// series the store recorded; plus Nodes, Hops, CaptureNode, Aggregates, BPF, Group, MoreThan and
// Sockets.
import { QueryExecutionError } from '../../graph/errors.js';
import type { Node } from '../../graph/types.js';
import {
  BaseStep,
  applyToCustom,
  inputError,
  type ExecContext,
  type Step,
  type StepExtension,
  type StepSpec,
  type TraversalValue,
} from '../../gremlin/index.js';
import { CAPTURE_NODE_TYPES } from '../../protocol/capture.js';
import type { Flow, FlowMetric, RawPacket } from '../../protocol/flow.js';
import {
  MetricsValue,
  RawPacketsValue,
  flowMetrics,
  flowNodes,
  flowRawPackets,
  groupFlows,
  nodeMetrics,
} from './derived.js';
import { flowSockets, nodeSockets } from './sockets.js';
import { flowFilter, type FlowPredicate } from './fields.js';
import { storeFilter, type StoreFilter } from './store-filter.js';
import { FlowsValue, type FlowStepHandler } from './flows-value.js';

/** Where Flows() reads: the live flows, and stored ones for a time context. */
export interface FlowSource {
  /**
   * Flows active now; `nodeTIDs` restricts them to those capture nodes. `filter` (the Has terms
   * as a filters.Filter) may be pushed down to the agents: it selects a superset, the step's own
   * filters still run on what comes back. `warn` reports an answer known to be incomplete.
   */
  live(
    nodeTIDs?: ReadonlySet<string>,
    filter?: StoreFilter,
    warn?: (message: string) => void,
  ): readonly Flow[] | Promise<readonly Flow[]>;
  /**
   * Stored flows active in [from, to] (ms); undefined when the analyzer stores no flows, and then
   * Flows() under At/Context fails.
   */
  stored?: (
    range: { from: number; to: number },
    nodeTIDs?: ReadonlySet<string>,
    filter?: StoreFilter,
  ) => Promise<readonly Flow[]>;
  /**
   * Per flow UUID, the metric rows (one per update, `LastUpdateMetric`) recorded inside `range`
   * (`from <= Start`, `Last <= to`), in time order: Metrics() under At/Context. Without it,
   * Metrics() answers the stored flows' last update.
   */
  storedMetrics?: (
    uuids: readonly string[],
    range: { from: number; to: number },
  ) => Promise<Record<string, readonly StoredMetric[]>>;
  /**
   * Per flow UUID, the raw packets captured inside `range`, by Index: RawPackets() under
   * At/Context. Without it, RawPackets() under At/Context answers nothing.
   */
  storedRawPackets?: (
    uuids: readonly string[],
    range: { from: number; to: number },
  ) => Promise<Record<string, readonly StoredPacket[]>>;
  /** flow.expire in ms: how far before t a flow may have started and still be active. */
  expireMs: number;
}

/** A stored metric row (a flow update's LastUpdateMetric). */
export type StoredMetric = FlowMetric;

/** A stored raw packet (skydive-compat §4.6 shape: Data in base64). */
export interface StoredPacket {
  Timestamp: number;
  Index: number;
  Data: string;
  LinkType: number;
}

const CAPTURE_TYPES = new Set(CAPTURE_NODE_TYPES);

type Window = { from: number; to: number };

/** The time window of the query (At: from = to = t), undefined on the live graph. */
function timeWindow(ctx: ExecContext): Window | undefined {
  const at = ctx.view.at;
  if (at === undefined) return undefined;
  const s = ctx.timeSlice;
  return s && s.to === at ? { from: s.from, to: s.to } : { from: at, to: at };
}

/**
 * What Skydive reads of metrics and raw packets under a time context: everything recorded up to t
 * at a time point, what was recorded inside [t - d, t] over a slice.
 */
const seriesRange = (w: Window): Window => (w.from === w.to ? { from: 0, to: w.to } : w);

/** UUIDs of the flows, once each, in flow order. */
const uuidsOf = (flows: readonly Flow[]): string[] => [
  ...new Set(flows.flatMap((f) => (f.UUID ? [f.UUID] : []))),
];

/** Metrics() under At/Context: the stored series of each flow. */
async function storedMetrics(
  step: Step,
  flows: readonly Flow[],
  read: NonNullable<FlowSource['storedMetrics']>,
  w: Window,
  ctx: ExecContext,
): Promise<MetricsValue> {
  const uuids = uuidsOf(flows);
  const rows = uuids.length === 0 ? {} : await read(uuids, seriesRange(w));
  const m = new Map<string, Record<string, number>[]>();
  let n = 0;
  for (const u of uuids) {
    const list = rows[u];
    if (!list || list.length === 0) continue;
    m.set(
      u,
      list.map((r) => ({ ...r })),
    );
    n += list.length;
  }
  ctx.checkSize(n, step.name, step.position);
  return new MetricsValue(m);
}

/** RawPackets() under At/Context: the stored packets of each flow. */
async function storedRawPackets(
  step: Step,
  flows: readonly Flow[],
  read: FlowSource['storedRawPackets'],
  w: Window,
  ctx: ExecContext,
): Promise<RawPacketsValue> {
  const uuids = uuidsOf(flows);
  const m = new Map<string, RawPacket[]>();
  if (!read || uuids.length === 0) return new RawPacketsValue(m);
  const rows = await read(uuids, seriesRange(w));
  let n = 0;
  for (const u of uuids) {
    const list = rows[u];
    if (!list || list.length === 0) continue;
    m.set(
      u,
      list.map((p) => ({
        Timestamp: p.Timestamp,
        Index: p.Index,
        Data: new Uint8Array(Buffer.from(p.Data, 'base64')),
        LinkType: p.LinkType,
      })),
    );
    n += list.length;
  }
  ctx.checkSize(n, step.name, step.position);
  return new RawPacketsValue(m);
}

/** The flow-only steps, reading stored series from `source` under a time context. */
const makeHandler =
  (source: FlowSource): FlowStepHandler =>
  (step, flows, ctx) => {
    switch (step.name) {
      case 'Nodes':
      case 'Hops':
      case 'CaptureNode':
      case 'Out':
      case 'In':
      case 'Both':
        return flowNodes(step, flows.flows, ctx.view);
      case 'Metrics': {
        const w = timeWindow(ctx);
        if (w && source.storedMetrics)
          return storedMetrics(step, flows.flows, source.storedMetrics, w, ctx);
        const key = step.params[0];
        return flowMetrics(flows.flows, typeof key === 'string' ? key : undefined);
      }
      case 'RawPackets': {
        const w = timeWindow(ctx);
        if (w) return storedRawPackets(step, flows.flows, source.storedRawPackets, w, ctx);
        return flowRawPackets(flows.flows);
      }
      case 'Group':
        return groupFlows(flows.flows);
      case 'Sockets':
        return flowSockets(flows.flows, ctx.view);
      default:
        return undefined;
    }
  };

class FlowsStep extends BaseStep {
  /** Its own parameters and the Has/HasEither steps it absorbed, as predicates… */
  private readonly filters: FlowPredicate[] = [];
  /** …and as store filters (AND-ed) for At()/Context(). */
  private readonly pushed: StoreFilter[] = [];
  private readonly handler: FlowStepHandler;

  constructor(
    spec: StepSpec,
    private readonly source: FlowSource,
  ) {
    super(spec);
    this.handler = makeHandler(source);
    if (spec.params.length > 0) this.add(spec, 'and');
  }

  private add(spec: StepSpec, op: 'and' | 'or'): void {
    this.filters.push(flowFilter(spec.name, spec.params, spec.paramPositions, spec.position, op));
    const f = storeFilter(spec.params, op);
    if (f) this.pushed.push(f);
  }

  /** Takes over the Has/HasEither that follow (Skydive's Flows() reduces them too). */
  absorb(next: Step): boolean {
    if (next.name !== 'Has' && next.name !== 'HasEither') return false;
    this.add(next, next.name === 'Has' ? 'and' : 'or');
    return true;
  }

  async exec(input: TraversalValue, ctx: ExecContext): Promise<TraversalValue> {
    let tids: Set<string> | undefined;
    const fromNodes = (nodes: readonly Node[]) => {
      tids = new Set();
      for (const n of nodes) {
        const type = n.metadata.Type;
        const tid = n.metadata.TID;
        if (typeof type === 'string' && CAPTURE_TYPES.has(type) && typeof tid === 'string')
          tids.add(tid);
      }
    };
    if (input.kind === 'nodes') fromNodes(input.nodes);
    else if (input.kind === 'paths') fromNodes(input.paths.flat());
    else if (input.kind !== 'graph') throw inputError(this, input);
    if (tids !== undefined && tids.size === 0) return new FlowsValue([], ctx.view, this.handler);
    const window = timeWindow(ctx);
    const pushed =
      this.pushed.length === 0
        ? undefined
        : this.pushed.length === 1
          ? this.pushed[0]
          : { BoolFilter: { Op: 1, Filters: this.pushed } };
    let flows: readonly Flow[];
    if (window === undefined) flows = await this.source.live(tids, pushed, (m) => ctx.warn(m));
    else {
      if (!this.source.stored)
        throw new QueryExecutionError(
          'No flow storage configured: Flows() needs analyzer.flow.backend for At()/Context()',
          this.position,
          'SKY_ERR_NO_FLOW_STORAGE',
        );
      // flows still active at some point of the window (one that started up to flow.expire
      // before it may still be), as Skydive's addTimeFilter
      const range = { from: window.from - this.source.expireMs, to: window.to };
      flows = await this.source.stored(range, tids, pushed);
    }
    if (tids !== undefined) {
      const keep = tids;
      flows = flows.filter((f) => f.NodeTID !== undefined && keep.has(f.NodeTID));
    }
    for (const f of this.filters) flows = flows.filter(f);
    ctx.checkSize(flows.length, 'Flows', this.position);
    return new FlowsValue(flows, ctx.view, this.handler);
  }
}

/** A step that only applies to flow-derived values (its work is in the value's applyStep). */
class DerivedStep extends BaseStep {
  constructor(
    spec: StepSpec,
    private readonly onNodes?: (step: Step, nodes: readonly Node[]) => TraversalValue,
  ) {
    super(spec);
  }

  exec(input: TraversalValue, ctx: ExecContext): TraversalValue | Promise<TraversalValue> {
    if (input.kind === 'nodes' && this.onNodes) return this.onNodes(this, input.nodes);
    return applyToCustom(this, input, ctx);
  }
}

const derived = (
  name: string,
  aliases: string[] = [],
  onNodes?: (step: Step, nodes: readonly Node[]) => TraversalValue,
): StepExtension => ({
  name,
  aliases,
  parse: (spec) => new DerivedStep(spec, onNodes),
});

/**
 * Every flow step, reading flows from `source`. Register on the analyzer's engine.
 * @example
 * for (const ext of flowExtensions(source)) engine.register(ext);
 */
export function flowExtensions(source: FlowSource): StepExtension[] {
  return [
    { name: 'Flows', parse: (spec) => new FlowsStep(spec, source) },
    derived('Nodes'),
    derived('Hops'),
    derived('CaptureNode', ['Node']),
    derived('Metrics', [], (step, nodes) => {
      const key = step.params[0];
      return nodeMetrics(nodes, typeof key === 'string' ? key : undefined);
    }),
    derived('Aggregates'),
    derived('RawPackets'),
    derived('BPF'),
    derived('Group'),
    derived('MoreThan'),
    derived('Sockets', [], (_step, nodes) => nodeSockets(nodes)),
  ];
}
