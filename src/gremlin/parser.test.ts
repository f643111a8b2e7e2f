// SPDX-License-Identifier: Apache-2.0
// Tests of the Gremlin parser: step calls, every parameter form and predicate, case-insensitivity
// and error positions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../graph/errors.js';
import type { Param } from './params.js';
import { parseQuery } from './parser.js';

function syntaxErrorAt(q: string, position: number, message?: RegExp): void {
  assert.throws(
    () => parseQuery(q),
    (e: unknown) => {
      assert.ok(e instanceof QuerySyntaxError, String(e));
      assert.equal(e.position, position, e.message);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

const params = (q: string, step = 0): readonly Param[] => parseQuery(q).steps[step]!.params;

describe('#parseQuery', () => {
  it('returns the steps after G with names, positions and parameter positions', () => {
    const ast = parseQuery("G.V().Has('Name', 'eth0').Out()");
    assert.deepEqual(
      ast.steps.map((s) => [s.name, s.upper, s.position, s.params, s.paramPositions]),
      [
        ['V', 'V', 2, [], []],
        ['Has', 'HAS', 6, ['Name', 'eth0'], [10, 18]],
        ['Out', 'OUT', 26, [], []],
      ],
    );
  });

  it('accepts a query that is only G, in any case, with or without parentheses', () => {
    assert.deepEqual(parseQuery('G').steps, []);
    assert.deepEqual(parseQuery('g').steps, []);
    assert.deepEqual(parseQuery('G()').steps, []);
    assert.equal(parseQuery('G.V().G').steps[1]!.upper, 'G');
  });

  it('is case-insensitive for keywords', () => {
    const ast = parseQuery("g.v().has('Type', within('a', 'b')).sort(desc, 'Name')");
    assert.deepEqual(ast.steps[1]!.params[1], {
      type: 'predicate',
      op: 'WITHIN',
      args: ['a', 'b'],
      position: 18,
    });
    assert.deepEqual(ast.steps[2]!.params[0], { type: 'order', order: 'DESC' });
  });

  it('parses integer, float, negative, string and boolean literals', () => {
    assert.deepEqual(params('G.Has(1, 2.5, -3, -0.5, \'s\', "d", true, FALSE)'), [
      1,
      2.5,
      -3,
      -0.5,
      's',
      'd',
      true,
      false,
    ]);
  });

  it('parses ASC, DESC, NOW and FOREVER', () => {
    assert.deepEqual(params('G.X(ASC, DESC, NOW, FOREVER)'), [
      { type: 'order', order: 'ASC' },
      { type: 'order', order: 'DESC' },
      { type: 'time', keyword: 'NOW' },
      { type: 'time', keyword: 'FOREVER' },
    ]);
  });

  for (const [src, op, args] of [
    ['NE(1)', 'NE', [1]],
    ['NEE("a")', 'NEE', ['a']],
    ['LT(3)', 'LT', [3]],
    ['GT(-3)', 'GT', [-3]],
    ['LTE(3)', 'LTE', [3]],
    ['GTE(3)', 'GTE', [3]],
    ['INSIDE(1, 4)', 'INSIDE', [1, 4]],
    ['OUTSIDE(1, 4)', 'OUTSIDE', [1, 4]],
    ['BETWEEN(1, 4)', 'BETWEEN', [1, 4]],
    ['WITHIN(1, "a", true)', 'WITHIN', [1, 'a', true]],
    ['WITHOUT("a")', 'WITHOUT', ['a']],
    ['REGEX("eth.*")', 'REGEX', ['eth.*']],
    ['IPV4RANGE("10.0.0.0/8")', 'IPV4RANGE', ['10.0.0.0/8']],
    ['Ipv4Range("10.0.0.0/8")', 'IPV4RANGE', ['10.0.0.0/8']],
    ['Regex("x")', 'REGEX', ['x']],
    ['ne(2)', 'NE', [2]],
  ] as const) {
    it(`parses the predicate ${src}`, () => {
      const p = params(`G.Has('k', ${src})`)[1];
      assert.deepEqual(p, { type: 'predicate', op, args, position: 11 });
    });
  }

  it('parses Metadata(k, v, …) with literal and predicate values', () => {
    const p = params("G.ShortestPathTo(Metadata('Name', 'eth0', 'MTU', GT(1000)))")[0];
    assert.deepEqual(p, {
      type: 'metadata',
      entries: [
        ['Name', 'eth0'],
        ['MTU', { type: 'predicate', op: 'GT', args: [1000], position: 49 }],
      ],
      position: 17,
    });
    assert.deepEqual(params('G.X(Metadata())')[0], { type: 'metadata', entries: [], position: 4 });
  });

  it('rejects a query not starting with G', () => {
    syntaxErrorAt('V().Count()', 0, /expected G/);
    syntaxErrorAt('', 0, /expected G/);
    syntaxErrorAt("'G'", 0);
  });

  it('rejects steps not separated by dots', () => {
    syntaxErrorAt('G V()', 2, /expected \./);
    syntaxErrorAt('G.V() Out()', 6, /expected \./);
  });

  it('rejects a missing step name', () => {
    syntaxErrorAt('G.', 2, /Expected step function/);
    syntaxErrorAt('G.(1)', 2, /Expected step function, got: \(/);
    syntaxErrorAt("G.'V'()", 2, /Expected step function/);
  });

  it('requires parentheses after a step name other than G', () => {
    syntaxErrorAt('G.V.Count()', 3, /Expected left parenthesis/);
    syntaxErrorAt('G.V', 3, /Expected left parenthesis/);
    syntaxErrorAt('G(1)', 2, /G takes no parameters/);
  });

  it('rejects an unclosed parameter list', () => {
    syntaxErrorAt("G.V('a'", 7, /Expected right parenthesis/);
    syntaxErrorAt('G.V(', 4, /Expected right parenthesis/);
    syntaxErrorAt("G.Has('a',", 10, /Expected right parenthesis/);
  });

  it('rejects unexpected tokens inside parameters', () => {
    syntaxErrorAt("G.Has('a' 'b')", 10, /Unexpected token while parsing parameters, got: b/);
    syntaxErrorAt("G.Has(, 'a')", 6, /Unexpected token while parsing parameters, got: ,/);
    syntaxErrorAt("G.Has('a',)", 10, /Unexpected token while parsing parameters, got: \)/);
    syntaxErrorAt('G.Has(Out)', 6, /Unexpected token while parsing parameters, got: Out/);
    syntaxErrorAt('G.Has(.)', 6, /Unexpected token/);
  });

  it('requires parentheses after a predicate or Metadata', () => {
    syntaxErrorAt("G.Has('a', NE)", 13, /Expected left parenthesis after NE/);
    syntaxErrorAt('G.X(Metadata)', 12, /Expected left parenthesis after Metadata/);
  });

  it('checks predicate arity at the predicate', () => {
    syntaxErrorAt("G.Has('a', LT(1, 2))", 11, /One parameter expected with LT/);
    syntaxErrorAt("G.Has('a', NE())", 11, /One parameter expected with NE/);
    syntaxErrorAt("G.Has('a', INSIDE(1))", 11, /Two parameters expected with INSIDE/);
    syntaxErrorAt("G.Has('a', BETWEEN(1, 2, 3))", 11, /Two parameters expected/);
    syntaxErrorAt("G.Has('a', WITHIN())", 11, /at least one value/);
  });

  it('checks predicate argument types at the argument', () => {
    syntaxErrorAt("G.Has('a', GT('x'))", 14, /GT expects a number/);
    syntaxErrorAt("G.Has('a', INSIDE(1, true))", 21, /INSIDE expects a number/);
    syntaxErrorAt("G.Has('a', REGEX(1))", 17, /REGEX predicate expects a string/);
    syntaxErrorAt("G.Has('a', REGEX('('))", 17, /Invalid regular expression/);
    syntaxErrorAt("G.Has('a', IPV4RANGE('10.0.0.1'))", 21, /IPv4 CIDR/);
    syntaxErrorAt("G.Has('a', IPV4RANGE('fe80::/64'))", 21, /IPv4 CIDR/);
    syntaxErrorAt("G.Has('a', WITHIN(NE(1)))", 18, /only literal values/);
  });

  it('accepts numeric strings as numeric predicate arguments', () => {
    assert.deepEqual(params("G.Has('a', LT('5'))")[1], {
      type: 'predicate',
      op: 'LT',
      args: ['5'],
      position: 11,
    });
  });

  it('checks Metadata pairs', () => {
    syntaxErrorAt("G.X(Metadata('a'))", 4, /pairs/);
    syntaxErrorAt("G.X(Metadata(1, 'a'))", 13, /keys should be of string type/);
    syntaxErrorAt("G.X(Metadata('a', ASC))", 18, /literal or a predicate/);
  });

  it('propagates scanner errors with their position', () => {
    syntaxErrorAt("G.V().Has('Name', 'eth0)", 18, /Unterminated string/);
  });
});
