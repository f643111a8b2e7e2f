// SPDX-License-Identifier: Apache-2.0
// filters.SearchQuery in flow.TableQuery: bytes written by hand from filters.proto and flow.proto
// field numbers, round trips of every filter member, and malformed input refused with a code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_FILTER_DEPTH,
  decodeSearchQuery,
  decodeTableQuery,
  encodeSearchQuery,
  encodeTableQuery,
  type FlowFilter,
  type SearchQuery,
} from './flow.js';

const ascii = (s: string) => [...Buffer.from(s)];
const ld = (field: number, body: number[]) => [(field << 3) | 2, body.length, ...body];

test('a TableQuery with a filter encodes to the bytes filters.proto and flow.proto define', () => {
  const term = [...ld(1, ascii('NodeTID')), ...ld(2, ascii('t1'))];
  const gt = [...ld(1, ascii('ICMP.ID')), 0x10, 5];
  const bool = [0x08, 1, ...ld(2, ld(1, term)), ...ld(2, ld(4, gt))];
  const query = ld(1, ld(8, bool)); // SearchQuery.Filter = Filter{BoolFilter}
  const expected = Uint8Array.from([...ld(1, ascii('SearchQuery')), ...ld(2, query)]);
  const q = {
    Type: 'SearchQuery',
    Query: {
      Filter: {
        BoolFilter: {
          Op: 1,
          Filters: [
            { TermStringFilter: { Key: 'NodeTID', Value: 't1' } },
            { GtInt64Filter: { Key: 'ICMP.ID', Value: 5 } },
          ],
        },
      },
    },
  };
  assert.deepEqual(encodeTableQuery(q), expected);
  assert.deepEqual(decodeTableQuery(expected), q);
});

test('every filter member round-trips; names, numeric strings and negatives are accepted', () => {
  const filters: FlowFilter[] = [
    { TermStringFilter: { Key: 'Network.A', Value: '10.0.0.1' } },
    { TermInt64Filter: { Key: 'Transport.B', Value: 80 } },
    { TermBoolFilter: { Key: 'DNS.QR', Value: true } },
    { GtInt64Filter: { Key: 'Metric.ABBytes', Value: -1 } },
    { LtInt64Filter: { Key: 'Start', Value: 1_700_000_000_000 } },
    { GteInt64Filter: { Key: 'Last', Value: 2 ** 40 } },
    { LteInt64Filter: { Key: 'ICMP.Code', Value: 3 } },
    { RegexFilter: { Key: 'LayersPath', Value: '^Ethernet/.*' } },
    { NullFilter: { Key: 'TrackingID' } },
    { IPV4RangeFilter: { Key: 'Network.B', Value: '10.0.0.0/8' } },
    { BoolFilter: { Op: 2, Filters: [{ TermStringFilter: { Key: 'UUID', Value: 'u' } }] } },
  ];
  for (const Filter of filters) {
    const q: SearchQuery = { Filter };
    assert.deepEqual(decodeSearchQuery(encodeSearchQuery(q)), q, JSON.stringify(Filter));
  }
  const full: SearchQuery = {
    Filter: { BoolFilter: { Op: 0, Filters: [] } },
    PaginationRange: { From: 1, To: 10 },
    Sort: true,
    Dedup: true,
    DedupBy: 'TrackingID',
    SortBy: 'Last',
    SortOrder: 2,
  };
  assert.deepEqual(decodeSearchQuery(encodeSearchQuery(full)), full);
  const named = {
    BoolFilter: { Op: 'and', Filters: [{ TermInt64Filter: { Key: 'k', Value: '7' } }] },
  };
  assert.deepEqual(decodeSearchQuery(encodeSearchQuery({ Filter: named })).Filter, {
    BoolFilter: { Op: 1, Filters: [{ TermInt64Filter: { Key: 'k', Value: 7 } }] },
  });
});

test('proto3 zero values left off the wire decode to their defaults', () => {
  const bytes = Uint8Array.from(ld(1, [...ld(2, ld(1, ascii('k'))), ...ld(3, [])]));
  assert.deepEqual(decodeSearchQuery(bytes).Filter, {
    TermInt64Filter: { Key: 'k', Value: 0 },
    TermBoolFilter: { Key: '', Value: false },
  });
  assert.deepEqual(decodeSearchQuery(new Uint8Array()), {}, 'no Filter: every flow');
});

test('malformed or too deep input is refused with SKY_ERR_PROTOBUF, bad shapes with a filter code', () => {
  const code = (c: string) => (e: Error & { code?: string }) => e.code === c;
  assert.throws(() => decodeSearchQuery(Uint8Array.of(0x0a, 9, 1)), code('SKY_ERR_PROTOBUF'));
  assert.throws(() => decodeSearchQuery(Uint8Array.of(0x08, 1)), code('SKY_ERR_PROTOBUF'));
  let deep: number[] = [];
  for (let i = 0; i <= MAX_FILTER_DEPTH + 1; i++) deep = ld(8, ld(2, deep));
  assert.throws(() => decodeSearchQuery(Uint8Array.from(ld(1, deep))), code('SKY_ERR_PROTOBUF'));
  const badOp = { BoolFilter: { Op: 'XOR' } } as unknown as FlowFilter;
  assert.throws(() => encodeSearchQuery({ Filter: badOp }), code('SKY_ERR_INVALID_FILTER'));
  const badValue = { TermInt64Filter: { Key: 'k', Value: 'x' } };
  assert.throws(() => encodeSearchQuery({ Filter: badValue }), code('SKY_ERR_INVALID_FILTER'));
});
