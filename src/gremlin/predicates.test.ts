// SPDX-License-Identifier: Apache-2.0
// Tests of predicate matching on single values, arrays and absent fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Param, PredicateOp } from './params.js';
import { compileRegex, makePredicate, toNumber, valueMatcher } from './predicates.js';

const m = (op: PredicateOp, ...args: Param[]) => valueMatcher(makePredicate(op, args, 0));

describe('#valueMatcher literals', () => {
  it('compares strings and booleans exactly', () => {
    assert.equal(valueMatcher('eth0')('eth0'), true);
    assert.equal(valueMatcher('eth0')('eth1'), false);
    assert.equal(valueMatcher('1')(1), false);
    assert.equal(valueMatcher(true)(true), true);
    assert.equal(valueMatcher(true)('true'), false);
  });

  it('compares numbers numerically, integer strings included', () => {
    assert.equal(valueMatcher(1500)(1500), true);
    assert.equal(valueMatcher(1500)('1500'), true);
    assert.equal(valueMatcher(1500)(1500.5), false);
    assert.equal(valueMatcher(1.5)(1.5), true);
    assert.equal(valueMatcher(1)(true), false);
  });

  it('matches an array when any element matches', () => {
    assert.equal(valueMatcher('b')(['a', 'b']), true);
    assert.equal(valueMatcher(6)([5, 6]), true);
    assert.equal(valueMatcher('c')(['a', 'b']), false);
  });

  it('matches booleans inside arrays, never numbers or strings standing for them', () => {
    assert.equal(valueMatcher(false)([true, false]), true);
    assert.equal(valueMatcher(true)([1, 'true']), false);
    assert.equal(valueMatcher('1500')([1500]), false);
  });

  it('never matches an absent field', () => {
    assert.equal(valueMatcher('x')(undefined), false);
  });
});

describe('#valueMatcher predicates', () => {
  it('NE: key present and different', () => {
    assert.equal(m('NE', 1)(2), true);
    assert.equal(m('NE', 1)(1), false);
    assert.equal(m('NE', 1)(undefined), false);
    assert.equal(m('NE', '')(1500), true);
    assert.equal(m('NE', 'a')(['a', 'b']), false);
    assert.equal(m('NE', true)(false), true);
  });

  it('NEE: different, or key absent', () => {
    assert.equal(m('NEE', 1)(undefined), true);
    assert.equal(m('NEE', 1)(1), false);
    assert.equal(m('NEE', 'a')('b'), true);
  });

  it('LT, GT, LTE, GTE compare numbers and integer strings', () => {
    assert.deepEqual([1, 2, 3].map(m('LT', 2)), [true, false, false]);
    assert.deepEqual([1, 2, 3].map(m('LTE', 2)), [true, true, false]);
    assert.deepEqual([1, 2, 3].map(m('GT', 2)), [false, false, true]);
    assert.deepEqual([1, 2, 3].map(m('GTE', 2)), [false, true, true]);
    assert.equal(m('GT', -1)(0), true);
    assert.equal(m('LT', '10')('9'), true);
    assert.equal(m('LT', 10)('abc'), false);
    assert.equal(m('LT', 10)(undefined), false);
    assert.equal(m('LT', 2.5)(2), true);
  });

  it('INSIDE is exclusive, BETWEEN includes the lower bound', () => {
    assert.deepEqual([1, 2, 3, 4].map(m('INSIDE', 1, 4)), [false, true, true, false]);
    assert.deepEqual([1, 2, 3, 4].map(m('BETWEEN', 1, 4)), [true, true, true, false]);
  });

  it('OUTSIDE works: below the first bound or above the second', () => {
    assert.deepEqual([0, 1, 2, 4, 5].map(m('OUTSIDE', 1, 4)), [true, false, false, false, true]);
    assert.equal(m('OUTSIDE', 1, 4)(undefined), false);
  });

  it('WITHIN and WITHOUT compare each value by its type', () => {
    assert.deepEqual([1, 2, 3, 'a'].map(m('WITHIN', 1, 'a')), [true, false, false, true]);
    assert.deepEqual([1, 2, 3, 'a'].map(m('WITHOUT', 1, 'a')), [false, true, true, false]);
    assert.equal(m('WITHOUT', 1)(undefined), true);
    assert.equal(m('WITHIN', 1.0, 2)(1), true);
  });

  it('REGEX is anchored as a whole and accepts explicit anchors', () => {
    assert.equal(m('REGEX', 'eth.*')('eth0'), true);
    assert.equal(m('REGEX', 'th')('eth0'), false);
    assert.equal(m('REGEX', 'a|b')('ab'), false, 'alternation is anchored as a group');
    assert.equal(m('REGEX', '^eth0$')('eth0'), true);
    assert.equal(m('REGEX', '.*ode.*')(['x', 'Node4']), true);
    assert.equal(m('REGEX', '.*')(5), false, 'only strings match');
  });

  it('REGEX translates RE2 named groups and a leading (?i)', () => {
    assert.equal(m('REGEX', '(?i)ETH0')('eth0'), true);
    assert.equal(m('REGEX', '(?P<n>eth)\\d')('eth1'), true);
    assert.equal(compileRegex('a+').source, '^(?:a+)$');
  });

  it('IPV4RANGE accepts addresses with or without a prefix length', () => {
    const in24 = m('IPV4RANGE', '192.168.0.0/24');
    assert.equal(in24('192.168.0.34'), true);
    assert.equal(in24('192.168.0.34/24'), true);
    assert.equal(in24('192.168.1.34'), false);
    assert.equal(in24(['10.0.0.1', '192.168.0.2']), true);
    assert.equal(in24('192.168.0.34/abc'), false);
    assert.equal(in24('fe80::1'), false);
    assert.equal(m('IPV4RANGE', '192.168.0.77/26')('192.168.0.34'), false);
    assert.equal(m('IPV4RANGE', '192.168.0.77/26')('192.168.0.100'), true);
  });
});

describe('#toNumber', () => {
  it('reads numbers and integer strings only', () => {
    assert.equal(toNumber(3), 3);
    assert.equal(toNumber('-12'), -12);
    assert.equal(toNumber('12.0'), 12);
    assert.equal(toNumber('1.5'), undefined);
    assert.equal(toNumber(NaN), undefined);
    assert.equal(toNumber(true), undefined);
  });
});
