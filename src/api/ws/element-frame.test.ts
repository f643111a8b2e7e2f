// SPDX-License-Identifier: Apache-2.0
// The assembled JSON of element events must be byte for byte the envelope codec's output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../graph/index.js';
import type { GraphElement } from '../../graph/types.js';
import {
  edgeToJSON,
  encodeStructMessageJSON,
  encodeStructMessageProto,
  newStructMessage,
  nodeToJSON,
} from '../../protocol/index.js';
import { ElementOutgoing } from './codec.js';
import { elementEventJSON } from './element-frame.js';

function generic(type: string, el: GraphElement, uuid: string): string {
  const obj = el.kind === 'node' ? nodeToJSON(el) : edgeToJSON(el);
  return encodeStructMessageJSON(newStructMessage('Graph', type, obj, uuid));
}

describe('elementEventJSON', () => {
  const g = new Graph({ host: 'h"ost\u00e9', origin: 'pub.\u2028x' });
  const a = g.newNode(
    {
      Name: 'é"\\\n\u0000',
      Type: 'veth',
      MTU: 1500,
      Nested: { List: [1, 'two', null, { x: true }], Empty: {} },
      Gone: undefined,
      Emoji: '😀',
      Lone: '\ud800',
    },
    { id: 'a"b\\c' },
  );
  const b = g.newNode({}, { id: 'plain', host: 'other', origin: '', createdAt: 0 });
  const e = g.newEdge(a.id, b.id, { RelationType: 'layer2' }, { id: 'e/1' });

  it('matches the envelope codec for nodes and edges of every event type', () => {
    for (const type of ['NodeAdded', 'NodeUpdated', 'NodeDeleted'])
      for (const el of [a, b])
        assert.equal(elementEventJSON(type, el, 'u-1'), generic(type, el, 'u-1'));
    for (const type of ['EdgeAdded', 'EdgeUpdated', 'EdgeDeleted'])
      assert.equal(elementEventJSON(type, e, 'u-2'), generic(type, e, 'u-2'));
  });

  it('writes unset and zero times as null, set ones as numbers, and follows changes', () => {
    b.createdAt = 0;
    b.deletedAt = 1700000000123;
    b.revision = 7;
    const text = elementEventJSON('NodeDeleted', b, 'u');
    assert.equal(text, generic('NodeDeleted', b, 'u'));
    const obj = (JSON.parse(text) as { Obj: Record<string, unknown> }).Obj;
    assert.equal(obj['CreatedAt'], null);
    assert.equal(obj['DeletedAt'], 1700000000123);
    assert.equal(obj['Revision'], 7);
    // Host and origin of consecutive elements differ: the quoted forms follow.
    for (const el of [a, b, a, e, b])
      assert.equal(elementEventJSON('X', el, 'u'), generic('X', el, 'u'));
  });

  it('ElementOutgoing gives the same frames as a generic Outgoing, JSON and protobuf', () => {
    const out = new ElementOutgoing('EdgeAdded', e);
    const json = out.frame('json').toString();
    const msg = JSON.parse(json) as { UUID: string };
    assert.equal(out.namespace, 'Graph');
    assert.equal(json, generic('EdgeAdded', e, msg.UUID));
    const proto = encodeStructMessageProto(
      newStructMessage('Graph', 'EdgeAdded', edgeToJSON(e), msg.UUID),
    );
    assert.deepEqual(out.frame('protobuf'), Buffer.from(proto));
    assert.equal(out.frame('json'), out.frame('json'), 'encoded once');
  });
});
