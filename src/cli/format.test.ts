// SPDX-License-Identifier: Apache-2.0
// Tests of the CLI's text helpers: Go-style JSON re-indentation, `k=v, …` metadata definitions and
// the JSON Patch built from `-a`/`-r`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './errors.js';
import { indentJSON } from './json-indent.js';
import { metadataPatch, parseMetadataDef } from './metadata.js';

test('indentJSON matches JSON.stringify on ordinary values', () => {
  const v = { a: [1, 2, { b: 'x, y: {z}' }], c: {}, d: [], e: 'quote \\" and \\\\', f: null };
  const compact = JSON.stringify(v);
  assert.equal(indentJSON(compact, '  '), JSON.stringify(v, null, 2));
  assert.equal(indentJSON(JSON.stringify(v, null, 4), '\t'), JSON.stringify(v, null, '\t'));
});

test('indentJSON keeps big integers and key order', () => {
  assert.equal(
    indentJSON('{"2":1,"1":12345678901234567890}', ' '),
    '{\n "2": 1,\n "1": 12345678901234567890\n}',
  );
  assert.equal(indentJSON('5'), '5');
  assert.equal(indentJSON('[]'), '[]');
});

test('parseMetadataDef: pairs, trimming, quotes, nesting, errors', () => {
  assert.deepEqual(parseMetadataDef('k1=v1, k2 = v2,"k3"="v 3", a.b.c=d, url=http://x?y=1'), {
    k1: 'v1',
    k2: 'v2',
    k3: 'v 3',
    a: { b: { c: 'd' } },
    url: 'http://x?y=1',
  });
  assert.deepEqual(parseMetadataDef(undefined), {});
  assert.throws(() => parseMetadataDef('k1=v1, oops'), UsageError);
});

test('metadataPatch: JSON values when they parse, strings otherwise, / becomes .', () => {
  assert.deepEqual(metadataPatch(['n=1', 's=text', 'o={"a":true}', 'a/b=x'], ['gone']), [
    { op: 'add', path: '/Metadata/n', value: 1 },
    { op: 'add', path: '/Metadata/s', value: 'text' },
    { op: 'add', path: '/Metadata/o', value: { a: true } },
    { op: 'add', path: '/Metadata/a.b', value: 'x' },
    { op: 'remove', path: '/Metadata/gone' },
  ]);
  assert.throws(() => metadataPatch(['novalue'], []), UsageError);
});
