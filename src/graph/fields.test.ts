// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fieldKeys, fieldMatches, getField, getFieldValues } from './fields.js';
import { Graph } from './graph.js';
import { genID, linkID, uuidV5 } from './ids.js';

const g = new Graph({ host: 'h', origin: 'o', clock: () => 5 });
const n = g.newNode(
  {
    Name: 'c1',
    Type: 'container',
    Container: { Labels: { app: 'web' } },
    Captures: [{ ID: 'c-1', State: 'active' }, { ID: 'c-2' }],
    IPV4: ['10.0.0.1/24', '10.0.0.2/24'],
    'ExtID.attached-mac': 'aa',
  },
  { id: 'n1' },
);
const m = g.newNode({ Name: 'm', Type: 'device' }, { id: 'n2' });
const e = g.newEdge(n.id, m.id, { RelationType: 'layer2' }, { id: 'e1' });

describe('getField', () => {
  it('reads nested, internal and edge fields', () => {
    assert.equal(getField(n, 'Container.Labels.app'), 'web');
    assert.equal(getField(n, 'Metadata.Name'), 'c1');
    assert.deepEqual(getField(n, 'Captures.ID'), ['c-1', 'c-2']);
    assert.equal(getField(n, '@ID'), 'n1');
    assert.equal(getField(n, '@Revision'), 1);
    assert.equal(getField(n, '@DeletedAt'), undefined);
    assert.equal(getField(e, 'Parent'), 'n1');
    assert.equal(getField(n, 'ExtID.attached-mac'), 'aa', 'a literal dotted key wins');
    assert.equal(getField(n, 'Nope.x'), undefined);
  });
  it('matches any element of an array', () => {
    assert.deepEqual(getFieldValues(n, 'IPV4'), ['10.0.0.1/24', '10.0.0.2/24']);
    assert.equal(
      fieldMatches(n, 'IPV4', (v) => v === '10.0.0.2/24'),
      true,
    );
    assert.equal(
      fieldMatches(n, 'Captures.State', (v) => v === 'active'),
      true,
    );
  });
  it('lists internal and dotted keys', () => {
    const keys = fieldKeys(n);
    assert.ok(
      keys.includes('@ID') && keys.includes('Container.Labels.app') && keys.includes('Container'),
    );
  });
});

describe('ids', () => {
  it('computes RFC 4122 v5 in the OID namespace', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_OID, 'host/node1')
    assert.equal(genID('host', 'node1'), 'd790e2f8-d093-5ae8-bdaa-77388d0c2f09');
    assert.equal(
      uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
    assert.equal(linkID('a', 'b', 'ownership'), uuidV5('abownership'));
  });
});
