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
import { elementEventFrame, uuidOffset } from './element-frame.js';

const elementEventJSON = (type: string, el: GraphElement, uuid?: string): string =>
  elementEventFrame(type, el, uuid).toString('utf8');

function generic(type: string, el: GraphElement, uuid: string): string {
  const obj = el.kind === 'node' ? nodeToJSON(el) : edgeToJSON(el);
  return encodeStructMessageJSON(newStructMessage('Graph', type, obj, uuid));
}

describe('elementEventFrame', () => {
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
  it('writes a fresh version 4 UUID when none is given, readable at uuidOffset', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const frame = elementEventFrame('NodeAdded', a);
      const uuid = frame.toString('latin1', uuidOffset('NodeAdded'), uuidOffset('NodeAdded') + 36);
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(frame.toString('utf8'), generic('NodeAdded', a, uuid));
      seen.add(uuid);
    }
    assert.equal(seen.size, 600);
  });

  it('keeps earlier frames intact across arena chunks, big elements included', () => {
    const big = g.newNode({ Blob: 'x'.repeat(100_000), Uni: 'é'.repeat(40_000) }, { id: 'big' });
    const frames: [Buffer, string][] = [];
    for (let i = 0; i < 400; i++) {
      const el = i % 50 === 7 ? big : i % 2 ? a : e;
      frames.push([elementEventFrame('X', el, `u${i}`), generic('X', el, `u${i}`)]);
    }
    for (const [frame, want] of frames) assert.equal(frame.toString('utf8'), want);
  });

  it('writes numbers as JSON does: negative, fractional and huge revisions and times', () => {
    for (const v of [-1, 0.5, 2 ** 60, 123456789012345, 9]) {
      b.revision = v;
      b.updatedAt = v;
      assert.equal(elementEventJSON('NodeUpdated', b, 'u'), generic('NodeUpdated', b, 'u'));
    }
  });
});
