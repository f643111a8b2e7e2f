// SPDX-License-Identifier: Apache-2.0
// Tests of compiled filters: the field readers resolved once per key must read what getField reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getField } from '../graph/fields.js';
import type { GraphElement } from '../graph/types.js';
import { elementAccessor, toPredicate } from './filters.js';
import { buildFixtureGraph } from './testing/fixture.js';

describe('#toPredicate on graph elements', () => {
  it('reads every kind of key exactly like getField', () => {
    const g = buildFixtureGraph();
    const elements: GraphElement[] = [...g.nodes(), ...g.edges()];
    const keys = [
      'Name',
      'Metadata.Name',
      'Metadata.Type',
      '@ID',
      '@CreatedAt',
      '@Nope',
      'Parent',
      'Child',
      'Metadata.Parent',
      'RelationType',
      'RoutingTables.Routes.Prefix',
      'Metadata.RoutingTables.Routes.Prefix',
      'IPV4',
      'Nope',
      'Nope.Deeper',
    ];
    for (const key of keys) {
      let read: unknown = 'not called';
      const pred = toPredicate(
        { op: 'and', terms: [{ key, match: (v) => ((read = v), true) }] },
        elementAccessor,
      );
      for (const el of elements) {
        pred(el);
        assert.deepEqual(read, getField(el, key), `${key} of ${el.id}`);
      }
    }
  });
});
