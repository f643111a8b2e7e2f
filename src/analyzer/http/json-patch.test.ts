// SPDX-License-Identifier: Apache-2.0
// JSON Patch: every operation, pointer escapes, arrays, atomicity and the errors' codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, parsePointer } from './json-patch.js';

const doc = () => ({ ID: 'n1', Metadata: { Name: 'eth0', 'a/b': 1, 'm~n': 2, List: [1, 2, 3] } });

describe('applyPatch', () => {
  it('add creates keys, inserts in arrays and appends with -', () => {
    const out = applyPatch(doc(), [
      { op: 'add', path: '/Metadata/foo', value: 'bar' },
      { op: 'add', path: '/Metadata/List/1', value: 9 },
      { op: 'add', path: '/Metadata/List/-', value: 4 },
      { op: 'add', path: '/Metadata/Nested', value: { x: 1 } },
      { op: 'add', path: '/Metadata/Nested/y', value: 2 },
    ]);
    assert.equal(out.Metadata['foo' as 'Name'], 'bar');
    assert.deepEqual(out.Metadata.List, [1, 9, 2, 3, 4]);
    assert.deepEqual((out.Metadata as Record<string, unknown>)['Nested'], { x: 1, y: 2 });
  });

  it('remove, replace and the ~0 ~1 escapes', () => {
    const out = applyPatch(doc(), [
      { op: 'remove', path: '/Metadata/a~1b' },
      { op: 'replace', path: '/Metadata/m~0n', value: 3 },
      { op: 'remove', path: '/Metadata/List/0' },
    ]) as { Metadata: Record<string, unknown> };
    assert.equal('a/b' in out.Metadata, false);
    assert.equal(out.Metadata['m~n'], 3);
    assert.deepEqual(out.Metadata['List'], [2, 3]);
  });

  it('move and copy', () => {
    const out = applyPatch(doc(), [
      { op: 'copy', from: '/Metadata/Name', path: '/Metadata/Alias' },
      { op: 'move', from: '/Metadata/a~1b', path: '/Metadata/ab' },
    ]) as { Metadata: Record<string, unknown> };
    assert.equal(out.Metadata['Alias'], 'eth0');
    assert.equal(out.Metadata['ab'], 1);
    assert.equal('a/b' in out.Metadata, false);
  });

  it('test passes on equal values and fails with SKY_ERR_PATCH_TEST_FAILED', () => {
    applyPatch(doc(), [{ op: 'test', path: '/Metadata/List', value: [1, 2, 3] }]);
    assert.throws(() => applyPatch(doc(), [{ op: 'test', path: '/Metadata/Name', value: 'x' }]), {
      code: 'SKY_ERR_PATCH_TEST_FAILED',
    });
  });

  it('is atomic: a failing operation leaves the input untouched', () => {
    const d = doc();
    assert.throws(
      () =>
        applyPatch(d, [
          { op: 'add', path: '/Metadata/foo', value: 1 },
          { op: 'remove', path: '/Metadata/missing' },
        ]),
      { code: 'SKY_ERR_INVALID_PATCH' },
    );
    assert.deepEqual(d, doc());
  });

  it('rejects malformed documents and paths with SKY_ERR_INVALID_PATCH', () => {
    const bad: unknown[] = [
      {},
      [{ op: 'frobnicate', path: '/a' }],
      [{ op: 'add', path: 'Metadata/a', value: 1 }],
      [{ op: 'add', path: '/Metadata/a' }],
      [{ op: 'move', path: '/Metadata/a' }],
      [{ op: 'add', path: '/Metadata/x/y', value: 1 }],
      [{ op: 'replace', path: '/Metadata/nope', value: 1 }],
      [{ op: 'add', path: '/Metadata/List/7', value: 1 }],
      [{ op: 'add', path: '/Metadata/List/01', value: 1 }],
      [{ op: 'move', from: '/Metadata', path: '/Metadata/inner' }],
      [{ op: 'remove', path: '' }],
      [{ op: 'add', path: '/Metadata/~2', value: 1 }],
    ];
    for (const p of bad)
      assert.throws(
        () => applyPatch(doc(), p),
        { code: 'SKY_ERR_INVALID_PATCH' },
        JSON.stringify(p),
      );
  });

  it('parsePointer unescapes ~1 before ~0', () => {
    assert.deepEqual(parsePointer('/a~01/b'), ['a~1', 'b']);
    assert.deepEqual(parsePointer(''), []);
  });
});
