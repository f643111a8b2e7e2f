// SPDX-License-Identifier: Apache-2.0
// Flows() and the flow steps as Gremlin StepExtensions (skydive-compat §4.5): `G.Flows()`,
// `G.V()….Flows()` (flows captured on those nodes, by NodeTID), live or, under At/Context, from
// flow storage over [t - flow.expire, t]; plus Nodes, Hops, CaptureNode, Metrics, Aggregates,
// RawPackets, BPF, Group, MoreThan and Sockets.
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
import type { Flow } from '../../protocol/flow.js';
import { flowMetrics, flowNodes, flowRawPackets, groupFlows, nodeMetrics } from './derived.js';
import { flowSockets, nodeSockets } from './sockets.js';
import { flowFilter, type FlowPredicate } from './fields.js';
import { storeFilter, type StoreFilter } from './store-filter.js';
import { FlowsValue, type FlowStepHandler } from './flows-value.js';

/** Where Flows() reads: the live flows, and stored ones for a time context. */
export interface FlowSource {
  /**
   * Flows active now; `nodeTIDs` restricts them to those capture nodes. `filter` (the Has terms
   * as a filters.Filter) may be pushed down to the agents: it selects a superset, the step's own
   * filters still run on what comes back.
   */
  live(
    nodeTIDs?: ReadonlySet<string>,
    filter?: StoreFilter,
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
  /** flow.expire in ms: how far before t a flow may have started and still be active. */
  expireMs: number;
}

const CAPTURE_TYPES = new Set(CAPTURE_NODE_TYPES);

const handler: FlowStepHandler = (step, flows, ctx) => {
  switch (step.name) {
    case 'Nodes':
    case 'Hops':
    case 'CaptureNode':
    case 'Out':
    case 'In':
    case 'Both':
      return flowNodes(step, flows.flows, ctx.view);
    case 'Metrics': {
      const key = step.params[0];
      return flowMetrics(flows.flows, typeof key === 'string' ? key : undefined);
    }
    case 'RawPackets':
      return flowRawPackets(flows.flows);
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

  constructor(
    spec: StepSpec,
    private readonly source: FlowSource,
  ) {
    super(spec);
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
    if (tids !== undefined && tids.size === 0) return new FlowsValue([], ctx.view, handler);
    const at = ctx.view.at;
    const pushed =
      this.pushed.length === 0
        ? undefined
        : this.pushed.length === 1
          ? this.pushed[0]
          : { BoolFilter: { Op: 1, Filters: this.pushed } };
    let flows: readonly Flow[];
    if (at === undefined) flows = await this.source.live(tids, pushed);
    else {
      if (!this.source.stored)
        throw new QueryExecutionError(
          'No flow storage configured: Flows() needs analyzer.flow.backend for At()/Context()',
          this.position,
          'SKY_ERR_NO_FLOW_STORAGE',
        );
      flows = await this.source.stored({ from: at - this.source.expireMs, to: at }, tids, pushed);
    }
    if (tids !== undefined) {
      const keep = tids;
      flows = flows.filter((f) => f.NodeTID !== undefined && keep.has(f.NodeTID));
    }
    for (const f of this.filters) flows = flows.filter(f);
    ctx.checkSize(flows.length, 'Flows', this.position);
    return new FlowsValue(flows, ctx.view, handler);
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
