// SPDX-License-Identifier: Apache-2.0
// Tests of the Gremlin lexer: token kinds, 0-based positions, escapes, negative numbers, errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuerySyntaxError } from '../graph/errors.js';
import { scan } from './scanner.js';

const kinds = (q: string): string[] => scan(q).map((t) => t.kind);

function syntaxErrorAt(fn: () => unknown, position: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof QuerySyntaxError);
    assert.equal(e.code, 'SKY_ERR_QUERY_SYNTAX');
    assert.equal(e.position, position);
    return true;
  });
}

describe('#scan', () => {
  it('splits a query into tokens with 0-based positions', () => {
    const toks = scan("G.V().Has('Name', 'eth0')");
    assert.deepEqual(
      toks.map((t) => [t.kind, t.text, t.position]),
      [
        ['ident', 'G', 0],
        ['dot', '.', 1],
        ['ident', 'V', 2],
        ['lparen', '(', 3],
        ['rparen', ')', 4],
        ['dot', '.', 5],
        ['ident', 'Has', 6],
        ['lparen', '(', 9],
        ['string', 'Name', 10],
        ['comma', ',', 16],
        ['string', 'eth0', 18],
        ['rparen', ')', 24],
        ['eof', '', 25],
      ],
    );
  });

  it('keeps identifiers as written and adds an upper-case form', () => {
    const [t] = scan('hasEither');
    assert.equal(t!.text, 'hasEither');
    assert.equal(t!.upper, 'HASEITHER');
  });

  it('accepts digits and underscores inside identifiers', () => {
    assert.equal(scan('IPV4RANGE')[0]!.upper, 'IPV4RANGE');
    assert.equal(scan('my_step2')[0]!.text, 'my_step2');
  });

  it('skips spaces, tabs and newlines', () => {
    assert.deepEqual(kinds(' G \t.\n V ( ) '), [
      'ident',
      'dot',
      'ident',
      'lparen',
      'rparen',
      'eof',
    ]);
    assert.equal(scan('  G')[0]!.position, 2);
  });

  it('reads integers, floats and negative numbers', () => {
    const nums = scan('12 1.5 -3 -0.25 0').filter((t) => t.kind === 'number');
    assert.deepEqual(
      nums.map((t) => [t.value, t.isInt, t.position]),
      [
        [12, true, 0],
        [1.5, false, 3],
        [-3, true, 7],
        [-0.25, false, 10],
        [0, true, 16],
      ],
    );
  });

  it('rejects a number glued to letters or with two dots', () => {
    syntaxErrorAt(() => scan('Limit(1a)'), 6);
    syntaxErrorAt(() => scan('Limit(1.2.3)'), 6);
  });

  it('rejects a lone minus sign', () => {
    syntaxErrorAt(() => scan('Limit(- 1)'), 6);
  });

  it('reads strings in single or double quotes', () => {
    assert.equal(scan("'abc'")[0]!.text, 'abc');
    assert.equal(scan('"abc"')[0]!.text, 'abc');
    assert.equal(scan("''")[0]!.text, '');
  });

  it('ends a string only at the quote kind that opened it', () => {
    assert.equal(scan(`"it's"`)[0]!.text, "it's");
    assert.equal(scan(`'say "hi"'`)[0]!.text, 'say "hi"');
  });

  it('decodes backslash escapes', () => {
    assert.equal(scan(String.raw`'a\'b'`)[0]!.text, "a'b");
    assert.equal(scan(String.raw`"a\"b"`)[0]!.text, 'a"b');
    assert.equal(scan(String.raw`'a\\b'`)[0]!.text, 'a\\b');
    assert.equal(scan(String.raw`'a\nb\tc'`)[0]!.text, 'a\nb\tc');
  });

  it('keeps unknown escapes literally, so regexes like \\d+ work', () => {
    assert.equal(scan(String.raw`'\d+\.\w'`)[0]!.text, String.raw`\d+\.\w`);
  });

  it('reports an unterminated string at its opening quote', () => {
    syntaxErrorAt(() => scan("G.V().Has('Name)"), 10);
    syntaxErrorAt(() => scan(String.raw`G.V('a\')`), 4);
  });

  it('reports an unexpected character at its position', () => {
    syntaxErrorAt(() => scan('G.V()#'), 5);
    syntaxErrorAt(() => scan('G.V(@)'), 4);
  });

  it('ends with an eof token positioned at the end', () => {
    const toks = scan('G');
    assert.deepEqual(
      toks.map((t) => [t.kind, t.position]),
      [
        ['ident', 0],
        ['eof', 1],
      ],
    );
  });
});
