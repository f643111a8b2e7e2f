// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { metricDelta, metricOf } from './metrics.js';
import { STAT_FIELDS, type LinkStats } from './stats.js';

const stats = (s: Partial<LinkStats>): LinkStats => {
  const out = {} as LinkStats;
  for (const f of STAT_FIELDS) out[f] = s[f] ?? 0;
  return out;
};

describe('metricOf', () => {
  it('omits zero counters and stamps Last', () => {
    assert.deepEqual(metricOf(stats({ RxBytes: 100, TxPackets: 2 }), 5000), {
      TxPackets: 2,
      RxBytes: 100,
      Last: 5000,
    });
    assert.equal(metricOf(stats({}), 5000), undefined);
  });
});

describe('metricDelta', () => {
  it('gives the change over [Start, Last], nothing when idle, and restarts after a reset', () => {
    const a = metricOf(stats({ RxBytes: 100, TxBytes: 50 }), 1000)!;
    const b = metricOf(stats({ RxBytes: 160, TxBytes: 50 }), 2000)!;
    assert.deepEqual(metricDelta(b, a, 1000, 2000), { RxBytes: 60, Start: 1000, Last: 2000 });
    assert.equal(metricDelta(a, a, 1000, 2000), undefined);
    const reset = metricOf(stats({ RxBytes: 10 }), 3000)!;
    assert.deepEqual(metricDelta(reset, b, 2000, 3000), { RxBytes: 10, Start: 2000, Last: 3000 });
  });
});
