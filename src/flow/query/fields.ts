// SPDX-License-Identifier: Apache-2.0
// Field access on flows for Gremlin (skydive-compat §4.5, §5.1): dotted paths into the flow's JSON
// shape, Skydive's protocol aliases (ETHERNET.* = Link.*, IPV4.*/IPV6.* = Network.*, TCP.*/UDP.*/
// SCTP.* = Transport.*, ICMPV4/ICMPV6 = ICMP; the table is in filter.ts, shared with filters.Filter
// evaluation), and `Network`/`Link`/`Transport` matching either side.
import { QuerySyntaxError } from '../../graph/errors.js';
import {
  describeParam,
  termOf,
  type FilterTerm,
  type KeyValueFilter,
  type Param,
} from '../../gremlin/index.js';
import { flowToJSON, type Flow } from '../../protocol/flow.js';
import { canonicalKey, filterField } from './filter.js';

export { canonicalKey };

/** The JSON shape of a flow, memoised (field reads walk it). */
const shapes = new WeakMap<Flow, Record<string, unknown>>();

/** The flow as Skydive's JSON, with LastRawPackets left out. */
export function flowShape(f: Flow): Record<string, unknown> {
  let s = shapes.get(f);
  if (!s) shapes.set(f, (s = flowToJSON(f)));
  return s;
}

/**
 * The value at a dotted key of a flow (aliases resolved) as Skydive reads it: fields its JSON
 * leaves out when zero read as 0 or "" (ParentUUID, ICMP.Code when there is an ICMP layer…; see
 * filterField); undefined when absent.
 */
export function flowField(f: Flow, key: string): unknown {
  return filterField(flowShape(f), canonicalKey(key));
}

/** Every leaf key of a flow (`Link.A`, `Metric.ABBytes`…), in JSON order. */
export function flowKeys(f: Flow): string[] {
  const out: string[] = [];
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = prefix + k;
      if (v !== null && typeof v === 'object' && !Array.isArray(v))
        walk(v as Record<string, unknown>, `${key}.`);
      else out.push(key);
    }
  };
  walk(flowShape(f), '');
  return out;
}

/** A flow filter: a predicate from key/value terms; `Network`/`Link`/`Transport` match A or B. */
export type FlowPredicate = (f: Flow) => boolean;

/**
 * Parses Skydive flow filter parameters (`k, v, k2, v2…`, at least two) into a predicate.
 * @throws QuerySyntaxError naming the step for an odd count or a non-string key.
 */
export function flowFilter(
  step: string,
  params: readonly Param[],
  positions: readonly number[],
  position: number,
  op: 'and' | 'or' = 'and',
): FlowPredicate {
  if (params.length < 2)
    throw new QuerySyntaxError(`${step}: at least two parameters must be provided`, position);
  if (params.length % 2 !== 0)
    throw new QuerySyntaxError(`${step}: params should be a list of key,value`, position);
  const terms: { keys: string[]; term: FilterTerm }[] = [];
  for (let i = 0; i < params.length; i += 2) {
    const k = params[i]!;
    const v = params[i + 1]!;
    if (typeof k !== 'string')
      throw new QuerySyntaxError(
        `${step}: keys should be of string type, got: ${describeParam(k)}`,
        positions[i] ?? position,
      );
    if (typeof v === 'object' && v.type !== 'predicate')
      throw new QuerySyntaxError(
        `${step}: unexpected value ${describeParam(v)} for key '${k}'`,
        positions[i + 1] ?? position,
      );
    const key = canonicalKey(k);
    const either = key === 'Network' || key === 'Link' || key === 'Transport';
    terms.push({ keys: either ? [`${key}.A`, `${key}.B`] : [key], term: termOf(key, v) });
  }
  const one = (f: Flow, t: (typeof terms)[number]) =>
    t.keys.some((k) => t.term.match(flowField(f, k)));
  return op === 'and' ? (f) => terms.every((t) => one(f, t)) : (f) => terms.some((t) => one(f, t));
}

/** A key/value filter (core parser output) applied to flows. */
export function flowPredicate(filter: KeyValueFilter): FlowPredicate {
  const test = (f: Flow, t: FilterTerm) => t.match(flowField(f, t.key));
  return filter.op === 'and'
    ? (f) => filter.terms.every((t) => test(f, t))
    : (f) => filter.terms.some((t) => test(f, t));
}
