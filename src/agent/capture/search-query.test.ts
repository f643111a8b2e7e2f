// SPDX-License-Identifier: Apache-2.0
// Sort, Dedup and PaginationRange of a SearchQuery on the agent, with Skydive's rules (sort, then
// dedup, then the range; any order but Ascending sorts descending; TrackingID by default), and
// through answerTableQuery from protobuf bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Flow } from '../../protocol/flow.js';
import { applySearchQuery } from './search-query.js';

const flow = (uuid: string, last: number, tracking: string, bytes?: number): Flow => ({
  UUID: uuid,
  TrackingID: tracking,
  Start: 1,
  Last: last,
  ParentUUID: '',
  RawPacketsCaptured: 0,
  ...(bytes === undefined
    ? {}
    : {
        Metric: { ABPackets: 1, ABBytes: bytes, BAPackets: 0, BABytes: 0, Start: 1, Last: last },
      }),
});

const uuids = (fs: readonly Flow[]) => fs.map((f) => f.UUID);

describe('applySearchQuery', () => {
  const FLOWS = [
    flow('a', 30, 't1', 500),
    flow('b', 10, 't2', 100),
    flow('c', 20, 't1', 900),
    flow('d', 20, 't3', 0),
    flow('e', 40, 't2'),
  ];

  it('leaves the flows alone without Sort, Dedup or a range', () => {
    assert.deepEqual(uuids(applySearchQuery(FLOWS, undefined)), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { SortBy: 'Last' })), ['a', 'b', 'c', 'd', 'e']);
  });

  it('sorts by Last by default, ascending keeping ties in order, else descending', () => {
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { Sort: true, SortOrder: 1 })), [
      'b',
      'c',
      'd',
      'a',
      'e',
    ]);
    assert.deepEqual(
      uuids(applySearchQuery(FLOWS, { Sort: true, SortOrder: 'Ascending' as never })),
      ['b', 'c', 'd', 'a', 'e'],
    );
    // Descending and NoOrder (0) invert the comparison: of two equal flows the later comes first,
    // as Skydive's merge takes the right one then
    for (const q of [{ SortOrder: 2 }, { SortOrder: 0 }, {}])
      assert.deepEqual(uuids(applySearchQuery(FLOWS, { Sort: true, ...q })), [
        'e',
        'a',
        'd',
        'c',
        'b',
      ]);
  });

  it('sorts by a named field, a left-out zero read as zero', () => {
    // Metric.ABBytes: e has no Metric, d has 0 (left out of Skydive's JSON, read as 0)
    const sorted = applySearchQuery(FLOWS, { Sort: true, SortBy: 'Metric.ABBytes', SortOrder: 1 });
    assert.deepEqual(uuids(sorted).slice(2), ['b', 'a', 'c']);
    assert.deepEqual(uuids(sorted).slice(0, 2).sort(), ['d', 'e']);
    assert.deepEqual(
      uuids(applySearchQuery(FLOWS, { Sort: true, SortBy: 'TrackingID', SortOrder: 1 })),
      ['a', 'c', 'b', 'e', 'd'],
    );
  });

  it('dedups by TrackingID by default, after sorting, keeping the first of each', () => {
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { Dedup: true })), ['a', 'b', 'd']);
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { Dedup: true, Sort: true, SortOrder: 1 })), [
      'b',
      'c',
      'd',
    ]);
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { Dedup: true, DedupBy: 'Last' })), [
      'a',
      'b',
      'c',
      'e',
    ]);
    // a flow without the field: the set is left as it is (Skydive's Dedup fails)
    assert.deepEqual(
      uuids(applySearchQuery(FLOWS, { Dedup: true, DedupBy: 'Transport.A' })),
      uuids(FLOWS),
    );
  });

  it('cuts to the range last, both ends clamped', () => {
    const q = { Sort: true, SortOrder: 1, PaginationRange: { From: 1, To: 3 } };
    assert.deepEqual(uuids(applySearchQuery(FLOWS, q)), ['c', 'd']);
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { PaginationRange: { From: 3, To: 99 } })), [
      'd',
      'e',
    ]);
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { PaginationRange: { From: 9, To: 99 } })), []);
    assert.deepEqual(uuids(applySearchQuery(FLOWS, { PaginationRange: { From: 3, To: 1 } })), []);
  });
});
