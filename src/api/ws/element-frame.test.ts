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
import { elementEventFrame, headerLength, uuidOffset } from './element-frame.js';

/** The payload of a framed frame, after checking its RFC 6455 header. */
function payload(framed: Buffer): Buffer {
  assert.equal(framed[0], 0x81, 'FIN, text');
  const h = headerLength(framed);
  const n = framed[1]! & 0x7f;
  const len = n < 126 ? n : n === 126 ? framed.readUInt16BE(2) : Number(framed.readBigUInt64BE(2));
  assert.equal(len, framed.length - h, 'header length matches the payload');
  if (n === 126) assert.ok(len >= 126, 'shortest length form');
  if (n === 127) assert.ok(len >= 65536, 'shortest length form');
  return framed.subarray(h);
}

const elementEventJSON = (type: string, el: GraphElement, uuid?: string): string =>
  payload(elementEventFrame(type, el, uuid)).toString('utf8');

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
      const frame = payload(elementEventFrame('NodeAdded', a));
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
    for (const [frame, want] of frames) assert.equal(payload(frame).toString('utf8'), want);
    // frames made one after the other lie back to back unless a chunk ended between them
    let adjacent = 0;
    for (let i = 1; i < frames.length; i++) {
      const [p, q] = [frames[i - 1]![0], frames[i]![0]];
      if (p.buffer === q.buffer && p.byteOffset + p.length === q.byteOffset) adjacent++;
    }
    assert.ok(adjacent > frames.length / 2, `${adjacent} adjacent`);
  });

  it('writes numbers as JSON does: negative, fractional and huge revisions and times', () => {
    // a frame that might have needed the 64-bit length but did not moves back over the header
    // room it did not use: a number reused from it must be read from where it is now
    const mid = g.newNode({ Uni: 'é'.repeat(25_000) }, { id: 'm', host: '', origin: '' });
    for (const v of [5, 5, 1700000000001, 1700000000001]) {
      mid.revision = v;
      mid.createdAt = v;
      const framed = elementEventFrame('N', mid, 'u');
      assert.equal(headerLength(framed), 4);
      assert.equal(payload(framed).toString('utf8'), generic('N', mid, 'u'));
      assert.equal(elementEventJSON('N', b, 'u'), generic('N', b, 'u'));
    }
    for (const v of [-1, 0.5, 2 ** 60, 123456789012345, 9]) {
      b.revision = v;
      b.updatedAt = v;
      assert.equal(elementEventJSON('NodeUpdated', b, 'u'), generic('NodeUpdated', b, 'u'));
    }
  });
});
