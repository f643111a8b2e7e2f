// SPDX-License-Identifier: Apache-2.0
// Tests of Context/At time syntax: Go durations, RFC1123, Unix seconds vs milliseconds, keywords.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../graph/errors.js';
import type { Param } from './params.js';
import { parseGoDuration, parseRFC1123, parseTimeContext, resolveTime } from './time.js';

const NOW: Param = { type: 'time', keyword: 'NOW' };
const FOREVER: Param = { type: 'time', keyword: 'FOREVER' };
const resolve = (params: Param[], now = 10_000_000) =>
  resolveTime(parseTimeContext(params, [], 0), now);

describe('#parseGoDuration', () => {
  it('parses Go durations into ms', () => {
    assert.equal(parseGoDuration('-1m'), -60_000);
    assert.equal(parseGoDuration('30s'), 30_000);
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.equal(parseGoDuration('+2ms'), 2);
    assert.equal(parseGoDuration('1500us'), 1.5);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('-0'), 0);
  });

  it('rejects malformed durations', () => {
    for (const bad of ['', '1', '1x', 'm', '1m2', '-', '1 m'])
      assert.equal(parseGoDuration(bad), undefined, bad);
  });
});

describe('#parseRFC1123', () => {
  it('reads zone abbreviations as UTC, like Go in a UTC process', () => {
    assert.equal(parseRFC1123('Mon, 02 Jan 2006 15:04:05 MST'), Date.UTC(2006, 0, 2, 15, 4, 5));
    assert.equal(parseRFC1123('Mon, 02 Jan 2006 15:04:05 UTC'), Date.UTC(2006, 0, 2, 15, 4, 5));
  });

  it('honours numeric offsets', () => {
    assert.equal(parseRFC1123('Mon, 02 Jan 2006 15:04:05 +0200'), Date.UTC(2006, 0, 2, 13, 4, 5));
    assert.equal(parseRFC1123('Mon, 02 Jan 2006 15:04:05 -0130'), Date.UTC(2006, 0, 2, 16, 34, 5));
  });

  it('rejects other formats', () => {
    for (const bad of [
      '2006-01-02',
      'Mon, 02 Foo 2006 15:04:05 MST',
      'Mon, 32 Jan 2006 15:04:05 MST',
      'Mon, 02 Jan 2006 25:04:05 MST',
    ]) {
      assert.equal(parseRFC1123(bad), undefined, bad);
    }
  });
});

describe('#parseTimeContext', () => {
  it('treats integers up to 2^31-1 as seconds and larger ones as ms', () => {
    assert.deepEqual(resolve([2147483647]), { time: 2147483647000 });
    assert.deepEqual(resolve([2147483648]), { time: 2147483648 });
  });

  it('resolves durations and NOW against the clock', () => {
    assert.deepEqual(resolve(['-1m']), { time: 10_000_000 - 60_000 });
    assert.deepEqual(resolve([NOW]), { time: 10_000_000 });
  });

  it('accepts an RFC1123 or RFC3339 date', () => {
    assert.deepEqual(resolve(['Mon, 02 Jan 2006 15:04:05 GMT']), {
      time: Date.UTC(2006, 0, 2, 15, 4, 5),
    });
    assert.deepEqual(resolve(['2006-01-02T15:04:05Z']), { time: Date.UTC(2006, 0, 2, 15, 4, 5) });
  });

  it('reads the second argument as a duration, seconds or FOREVER', () => {
    assert.deepEqual(resolve([NOW, '5m']), { time: 10_000_000, duration: 300_000 });
    assert.deepEqual(resolve([NOW, 60]), { time: 10_000_000, duration: 60_000 });
    assert.deepEqual(resolve(['-10s', FOREVER]), { time: 9_990_000, duration: 9_990_000 });
  });

  it('rejects bad arguments with their position', () => {
    assert.throws(
      () => parseTimeContext([], [], 7),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 7,
    );
    assert.throws(
      () => parseTimeContext([1.5], [9], 7),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 9,
    );
    assert.throws(
      () => parseTimeContext([NOW, 1.5], [9, 12], 7),
      (e: unknown) => e instanceof QuerySyntaxError && e.position === 12,
    );
    assert.throws(() => parseTimeContext([true], [], 0), QuerySyntaxError);
    assert.throws(() => parseTimeContext([NOW, true], [], 0), QuerySyntaxError);
  });
});
