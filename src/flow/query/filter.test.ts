// SPDX-License-Identifier: Apache-2.0
// filters.Filter evaluation (one definition for stores and agents): checking, aliases shared with
// Gremlin (ICMPV4/ICMPV6 included), evaluation on flow JSON and on wire Flow objects, partial
// evaluation, and the pushed-down store filter selecting a superset of the Gremlin answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/graph.js';
import { GremlinEngine, toJSON, type Param } from '../../gremlin/index.js';
import { flowToJSON, type Flow } from '../../protocol/flow.js';
import { flowExtensions } from './extension.js';
import {
  andFilters,
  anyOfFilter,
  canonicalKey,
  checkFilter,
  decideFilter,
  evalFilter,
  normalizeKey,
  widenFilter,
  type FlowFilter,
} from './filter.js';
import { storeFilter } from './store-filter.js';

function icmp(i: number, v6: boolean, over: Partial<Flow> = {}): Flow {
  return {
    UUID: `f${i}`,
    LayersPath: v6 ? 'Ethernet/IPv6/ICMPv6' : 'Ethernet/IPv4/ICMPv4',
    Application: v6 ? 'ICMPv6' : 'ICMPv4',
    Link: { Protocol: 'ETHERNET', A: 'aa:00:00:00:00:01', B: 'aa:00:00:00:00:02', ID: 0 },
    Network: v6
      ? { Protocol: 'IPV6', A: 'fd00::1', B: `fd00::${i + 2}`, ID: 0 }
      : { Protocol: 'IPV4', A: '10.0.0.1', B: `10.0.0.${i + 2}`, ID: 0 },
    ICMP: { Type: i % 3 === 0 ? 'ECHO' : 'DESTINATION_UNREACHABLE', Code: i % 2, ID: i },
    Metric: { ABPackets: i, ABBytes: 98 * i, BAPackets: 0, BABytes: 0, Start: 1, Last: 2 },
    Start: 1,
    Last: 2,
    ParentUUID: '',
    NodeTID: i % 2 === 0 ? 'tid-a' : 'tid-b',
    RawPacketsCaptured: 0,
    ...over,
  };
}

const FLOWS: Flow[] = [];
for (let i = 0; i < 12; i++) FLOWS.push(icmp(i, i >= 6));

const engine = new GremlinEngine();
for (const ext of flowExtensions({ live: () => FLOWS, expireMs: 600_000 })) engine.register(ext);
const graph = new Graph({ host: 'h', origin: 'h' });

async function gremlinUUIDs(q: string): Promise<string[]> {
  const r = toJSON(await engine.execute(q, graph)) as { UUID: string }[];
  return r.map((f) => f.UUID).sort();
}

/** The Gremlin text of a parameter list. */
function gremlinParams(params: readonly Param[]): string {
  const one = (p: Param): string => {
    if (typeof p === 'string') return `'${p}'`;
    if (typeof p !== 'object') return String(p);
    if (p.type !== 'predicate') throw new Error('not used here');
    return `${p.op}(${p.args.map((a) => one(a)).join(', ')})`;
  };
  return params.map(one).join(', ');
}

const pred = (op: 'GT' | 'NE' | 'REGEX' | 'LTE', arg: string | number): Param => ({
  type: 'predicate',
  op,
  args: [arg],
  position: 0,
});

function filterUUIDs(f: FlowFilter, on: 'json' | 'object'): string[] {
  const checked = checkFilter(f);
  return FLOWS.filter((x) => evalFilter(checked, on === 'json' ? flowToJSON(x) : x))
    .map((x) => x.UUID!)
    .sort();
}

describe('flow filter evaluator', () => {
  it('has one alias table: Gremlin and filters.Filter resolve the same keys', () => {
    for (const [k, v] of [
      ['ICMPV4.Type', 'ICMP.Type'],
      ['ICMPV6.Code', 'ICMP.Code'],
      ['icmpv6.ID', 'ICMP.ID'],
      ['IPV6.A', 'Network.A'],
      ['ETHERNET.B', 'Link.B'],
      ['SCTP.A', 'Transport.A'],
      ['Metric.ABBytes', 'Metric.ABBytes'],
    ]) {
      assert.equal(canonicalKey(k!), v);
      assert.equal(normalizeKey(k), v);
    }
  });

  for (const key of ['ICMPV4', 'ICMPV6', 'ICMP']) {
    it(`a ${key}.… filter gives the same answer through Gremlin and the evaluator`, async () => {
      const cases: [string, FlowFilter][] = [
        [`'${key}.Type', 'ECHO'`, { TermStringFilter: { Key: `${key}.Type`, Value: 'ECHO' } }],
        [`'${key}.ID', 7`, { TermInt64Filter: { Key: `${key}.ID`, Value: 7 } }],
        [`'${key}.ID', GT(4)`, { GtInt64Filter: { Key: `${key}.ID`, Value: 4 } }],
        [`'${key}.Code', LTE(0)`, { LteInt64Filter: { Key: `${key}.Code`, Value: 0 } }],
        [`'${key}.Code', 1`, { TermInt64Filter: { Key: `${key}.Code`, Value: 1 } }],
        [`'${key}.Code', 0`, { TermInt64Filter: { Key: `${key}.Code`, Value: 0 } }],
      ];
      for (const [params, filter] of cases) {
        const viaGremlin = await gremlinUUIDs(`G.Flows().Has(${params})`);
        assert.ok(viaGremlin.length > 0 && viaGremlin.length < FLOWS.length, params);
        assert.deepEqual(filterUUIDs(filter, 'json'), viaGremlin, `${params} on JSON`);
        // On wire Flow objects, zero values JSON leaves out (ICMP.Code 0) are present, as in
        // Skydive's Go structs; on JSON they read as zero: the same answer.
        assert.deepEqual(filterUUIDs(filter, 'object'), viaGremlin, `${params} on objects`);
      }
    });
  }

  it('keeps Skydive semantics: types must match, absent root strings read as ""', () => {
    const f = FLOWS[0]!;
    assert.equal(
      evalFilter(checkFilter({ TermStringFilter: { Key: 'ICMP.ID', Value: '0' } }), f),
      false,
    );
    assert.equal(
      evalFilter(checkFilter({ TermStringFilter: { Key: 'TrackingID', Value: '' } }), f),
      true,
    );
    assert.equal(evalFilter(checkFilter({ NullFilter: { Key: 'Transport.A' } }), f), true);
    assert.equal(
      evalFilter(checkFilter({ IPV4RangeFilter: { Key: 'IPV4.B', Value: '10.0.0.0/30' } }), f),
      true,
    );
    assert.equal(evalFilter(checkFilter({}), f), true, 'an empty filter matches');
    assert.throws(
      () => checkFilter({ TermStringFilter: { Key: 'a..b', Value: 'x' } }),
      (e: Error & { code?: string }) =>
        e.code === 'SKY_ERR_INVALID_FILTER' && /a\.\.b/.test(e.message),
    );
  });

  it('reads the zero values flow JSON leaves out as Skydive’s getters do', async () => {
    const json = flowToJSON(FLOWS[0]!) as Record<string, unknown>;
    assert.equal(json['TrackingID'], undefined, 'left out of the JSON');
    assert.equal((json['ICMP'] as Record<string, unknown>)['Code'], undefined);
    const matches = (f: FlowFilter, flow: object) => evalFilter(checkFilter(f), flow);
    assert.equal(matches({ TermStringFilter: { Key: 'TrackingID', Value: '' } }, json), true);
    assert.equal(matches({ TermInt64Filter: { Key: 'ICMP.Code', Value: 0 } }, json), true);
    assert.equal(matches({ TermInt64Filter: { Key: 'Metric.BABytes', Value: 0 } }, json), true);
    assert.equal(matches({ TermInt64Filter: { Key: 'Metric.RTT', Value: 0 } }, json), true);
    assert.equal(matches({ TermInt64Filter: { Key: 'RawPacketsCaptured', Value: 0 } }, json), true);
    assert.equal(matches({ NullFilter: { Key: 'ICMP.Code' } }, json), false, 'a zero is no null');
    // a field of a sub-message the flow does not have stays absent
    assert.equal(matches({ TermInt64Filter: { Key: 'Transport.A', Value: 0 } }, json), false);
    assert.equal(
      matches({ TermInt64Filter: { Key: 'TCPMetric.ABPackets', Value: 0 } }, json),
      false,
    );
    assert.equal(matches({ NullFilter: { Key: 'Transport.A' } }, json), true);
    // the type still has to match, and unknown fields are not invented
    assert.equal(matches({ TermStringFilter: { Key: 'ICMP.Code', Value: '' } }, json), false);
    assert.equal(matches({ TermInt64Filter: { Key: 'ICMP.Nope', Value: 0 } }, json), false);
    // through Gremlin: Has and Values see them too
    assert.equal((await gremlinUUIDs("G.Flows().Has('TrackingID', '')")).length, FLOWS.length);
    assert.equal((await gremlinUUIDs("G.Flows().Has('Metric.BAPackets', 0)")).length, FLOWS.length);
    const codes = toJSON(
      await engine.execute("G.Flows().Has('UUID', 'f0').Values('ICMP.Code')", graph),
    );
    assert.deepEqual(codes, [0]);
  });

  it('decides a filter from a capture’s constant fields alone when it can', () => {
    const tids = checkFilter(andFilters([anyOfFilter('NodeTID', ['tid-a', 'tid-c']), undefined])!);
    assert.equal(decideFilter(tids, { NodeTID: 'tid-a' }), true);
    assert.equal(decideFilter(tids, { NodeTID: 'tid-b' }), false);
    assert.equal(decideFilter(tids, {}), undefined);
    const both = checkFilter(
      andFilters([
        anyOfFilter('NodeTID', ['tid-a']),
        { GtInt64Filter: { Key: 'ICMP.ID', Value: 3 } },
      ])!,
    );
    assert.equal(decideFilter(both, { NodeTID: 'tid-b' }), false);
    assert.equal(decideFilter(both, { NodeTID: 'tid-a' }), undefined, 'depends on ICMP.ID');
    const not = checkFilter({
      BoolFilter: { Op: 'NOT', Filters: [anyOfFilter('NodeTID', ['tid-a'])] },
    });
    assert.equal(decideFilter(not, { NodeTID: 'tid-a' }), false);
    assert.equal(decideFilter(not, { NodeTID: 'tid-b' }), true);
    const none = checkFilter(anyOfFilter('NodeTID', []));
    assert.equal(decideFilter(none, {}), false, 'no TID selects nothing');
    assert.equal(FLOWS.filter((f) => evalFilter(none, f)).length, 0);
  });

  it('the pushed-down filter of Has() parameters selects a superset of the Gremlin answer', async () => {
    const cases: Param[][] = [
      ['ICMPV4.ID', pred('GT', 2), 'Network', '10.0.0.5'],
      ['ICMP.Type', 'ECHO', 'IPV6.B', pred('REGEX', 'fd00::1.')],
      ['Network.B', '10.0.0.3'],
      ['ICMP.ID', pred('NE', 3), 'ICMPV6.Code', 1],
    ];
    for (const params of cases) {
      const text = gremlinParams(params);
      const viaGremlin = await gremlinUUIDs(`G.Flows().Has(${text})`);
      assert.ok(viaGremlin.length > 0, text);
      const pushed = storeFilter(params, 'and');
      assert.ok(pushed, `${text}: something is pushed`);
      const selected = filterUUIDs(pushed, 'object');
      assert.ok(selected.length < FLOWS.length, `${text}: the pushed filter selects`);
      for (const u of viaGremlin) assert.ok(selected.includes(u), `${text}: ${u} pushed away`);
    }
  });

  it('widens a filter by dropping members and still selects a superset', () => {
    const drop = new Set(['TermBoolFilter'] as const);
    const b: FlowFilter = { TermBoolFilter: { Key: 'DNS.QR', Value: true } };
    const t: FlowFilter = { TermStringFilter: { Key: 'NodeTID', Value: 'tid-a' } };
    const g: FlowFilter = { GtInt64Filter: { Key: 'ICMP.ID', Value: 2 } };
    assert.equal(widenFilter(b, drop), undefined);
    assert.equal(widenFilter(t, drop), t);
    const and = { BoolFilter: { Op: 1, Filters: [t, b, g] } };
    assert.deepEqual(widenFilter(and, drop), { BoolFilter: { Op: 1, Filters: [t, g] } });
    assert.equal(widenFilter({ BoolFilter: { Op: 'AND', Filters: [b] } }, drop), undefined);
    const or = { BoolFilter: { Op: 0, Filters: [t, b] } };
    assert.equal(widenFilter(or, drop), undefined, 'an OR loses a member: pushed as nothing');
    const nested = { BoolFilter: { Op: 1, Filters: [g, or] } };
    assert.deepEqual(widenFilter(nested, drop), { BoolFilter: { Op: 1, Filters: [g] } });
    assert.equal(widenFilter({ BoolFilter: { Op: 2, Filters: [b] } }, drop), undefined);
    assert.equal(widenFilter(nested, new Set()), nested, 'nothing to drop: the same filter');
  });
});
