// SPDX-License-Identifier: Apache-2.0
// The `flows` value of Gremlin queries (skydive-compat §4.5, §4.6): a list of flows and the steps
// that apply to it — Has/HasEither/HasKey/HasNot, Dedup, Sort, Limit/Range, Count, Values, Keys,
// Sum — plus the hand-over to the node, metric, raw packet, group and socket steps.
import { QueryExecutionError, QuerySyntaxError } from '../../graph/errors.js';
import type { GraphView } from '../../graph/types.js';
import {
  describeParam,
  inputError,
  parseKeyValues,
  toNumber,
  type CustomValue,
  type ExecContext,
  type Step,
  type TraversalValue,
} from '../../gremlin/index.js';
import type { Flow } from '../../protocol/flow.js';
import { flowField, flowFilter, flowKeys, flowPredicate, flowShape } from './fields.js';

/** Handles the flow-only steps (Nodes, Metrics, RawPackets…); see extension.ts. */
export type FlowStepHandler = (
  step: Step,
  flows: FlowsValue,
  ctx: ExecContext,
) => TraversalValue | Promise<TraversalValue> | undefined;

/** Compares two field values as Skydive's flow sort does: numbers numerically, else as text. */
export function compareValues(a: unknown, b: unknown): number {
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Parses `Sort([ASC|DESC,] [key])` for flows (default: ascending on `Last`). */
export function sortParams(step: Step): { desc: boolean; key: string } {
  let desc = false;
  let key = 'Last';
  for (const [i, p] of step.params.entries()) {
    if (typeof p === 'string') key = p;
    else if (typeof p === 'object' && p.type === 'order') desc = p.order === 'DESC';
    else
      throw new QuerySyntaxError(
        `Sort: unexpected parameter ${describeParam(p)}`,
        step.paramPositions[i] ?? step.position,
      );
  }
  return { desc, key };
}

function intParam(step: Step, i: number): number {
  const p = step.params[i];
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0)
    throw new QuerySyntaxError(
      `${step.name}: parameter ${i + 1} must be a non-negative integer`,
      step.paramPositions[i] ?? step.position,
    );
  return p;
}

/** Flows flowing between steps; `view` is the graph their nodes are looked up in. */
export class FlowsValue implements CustomValue {
  readonly kind = 'custom' as const;
  readonly type = 'flows';

  constructor(
    readonly flows: readonly Flow[],
    readonly view: GraphView,
    private readonly handler: FlowStepHandler,
  ) {}

  /** A value of other flows with the same view and handler. */
  with(flows: readonly Flow[]): FlowsValue {
    return new FlowsValue(flows, this.view, this.handler);
  }

  toJSON(): unknown {
    return this.flows.map(flowShape);
  }

  applyStep(step: Step, ctx: ExecContext): TraversalValue | Promise<TraversalValue> | undefined {
    const f = this.flows;
    const p = step.params;
    switch (step.name) {
      case 'Has':
        return this.with(f.filter(flowFilter('Has', p, step.paramPositions, step.position)));
      case 'HasEither':
        return this.with(
          f.filter(flowFilter('HasEither', p, step.paramPositions, step.position, 'or')),
        );
      case 'HasKey':
      case 'HasNot': {
        const kv = parseKeyValues(step.name, p, step.paramPositions, step.position);
        const keep = flowPredicate(kv);
        return this.with(f.filter((x) => (step.name === 'HasKey' ? keep(x) : !keep(x))));
      }
      case 'Dedup': {
        const key = typeof p[0] === 'string' ? p[0] : 'TrackingID';
        const seen = new Set<string>();
        return this.with(
          f.filter((x) => {
            const k = JSON.stringify(flowField(x, key) ?? null);
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          }),
        );
      }
      case 'Sort': {
        const { desc, key } = sortParams(step);
        const sorted = [...f].sort((a, b) => compareValues(flowField(a, key), flowField(b, key)));
        return this.with(desc ? sorted.reverse() : sorted);
      }
      case 'Limit':
        return this.with(f.slice(0, intParam(step, 0)));
      case 'Range':
        return this.with(f.slice(intParam(step, 0), intParam(step, 1)));
      case 'Count':
        return { kind: 'number', value: f.length };
      case 'Values': {
        const key = p[0];
        if (typeof key !== 'string' || p.length !== 1)
          throw new QuerySyntaxError('Values requires one string key', step.position);
        const values: unknown[] = [];
        for (const x of f) {
          const v = flowField(x, key);
          if (v === undefined)
            throw new QueryExecutionError(`Field '${key}' not found`, step.position);
          values.push(v);
        }
        return { kind: 'values', values };
      }
      case 'Keys':
        return { kind: 'values', values: f.length > 0 ? flowKeys(f[0]!) : [] };
      case 'Sum': {
        const key = p[0];
        if (typeof key !== 'string' || p.length !== 1)
          throw new QuerySyntaxError('Sum requires 1 parameter', step.position);
        const head = key.split('.')[0];
        if (head !== 'Metric' && head !== 'LastUpdateMetric')
          throw new QueryExecutionError(
            'Sum accepts only sub fields of Metric and LastUpdateMetric',
            step.position,
          );
        let s = 0;
        for (const x of f) {
          const v = toNumber(flowField(x, key));
          if (v === undefined)
            throw new QueryExecutionError(`Field '${key}' not found`, step.position);
          s += v;
        }
        return { kind: 'number', value: s };
      }
      default: {
        const out = this.handler(step, this, ctx);
        if (out === undefined) throw inputError(step, this);
        return out;
      }
    }
  }
}
