// SPDX-License-Identifier: Apache-2.0
// Tests of the JSON envelope: omission rules, round trips, malformed input naming the field, and the
// protocol dispatcher.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClientProtocol,
  decodeStructMessage,
  decodeStructMessageJSON,
  encodeStructMessage,
  encodeStructMessageJSON,
  newStructMessage,
  parseClientProtocol,
  replyTo,
  type StructMessage,
} from './index.js';

const full: StructMessage = {
  Namespace: 'Graph',
  Type: 'NodeAdded',
  UUID: '5c1f8a40-0000-4000-8000-000000000001',
  Status: 200,
  Obj: { ID: 'n1', Metadata: { Name: 'eth0', Type: 'device' } },
};

function invalid(code: string, fragment: string) {
  return (err: unknown) => {
    assert.equal((err as { code: string }).code, code);
    assert.match((err as Error).message, new RegExp(fragment));
    return true;
  };
}

describe('#encodeStructMessageJSON', () => {
  it('writes the keys in Skydive order', () => {
    assert.equal(
      encodeStructMessageJSON(full),
      '{"Namespace":"Graph","Type":"NodeAdded","UUID":"5c1f8a40-0000-4000-8000-000000000001","Status":200,"Obj":{"ID":"n1","Metadata":{"Name":"eth0","Type":"device"}}}',
    );
  });

  it('omits empty strings and a zero Status but always writes Obj', () => {
    const msg = { Namespace: '', Type: 'SyncRequest', UUID: '', Status: 0, Obj: null };
    assert.equal(encodeStructMessageJSON(msg), '{"Type":"SyncRequest","Obj":null}');
    assert.equal(
      encodeStructMessageJSON({ ...msg, Obj: undefined }),
      '{"Type":"SyncRequest","Obj":null}',
    );
  });
});

describe('#decodeStructMessageJSON', () => {
  it('round-trips a message', () => {
    assert.deepEqual(decodeStructMessageJSON(encodeStructMessageJSON(full)), full);
  });

  it('accepts bytes and defaults missing fields', () => {
    const msg = decodeStructMessageJSON(new TextEncoder().encode('{"Type":"SyncReply"}'));
    assert.deepEqual(msg, { Namespace: '', Type: 'SyncReply', UUID: '', Status: 0, Obj: null });
  });

  it('ignores unknown keys and treats null header fields as empty', () => {
    const msg = decodeStructMessageJSON('{"Namespace":null,"Format":1,"Extra":[1],"Obj":[1,2]}');
    assert.deepEqual(msg, { Namespace: '', Type: '', UUID: '', Status: 0, Obj: [1, 2] });
  });

  it('rejects malformed JSON', () => {
    assert.throws(
      () => decodeStructMessageJSON('{"Type":'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'invalid JSON'),
    );
  });

  it('rejects a non-object', () => {
    assert.throws(
      () => decodeStructMessageJSON('[1]'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'an array'),
    );
    assert.throws(
      () => decodeStructMessageJSON('null'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'got null'),
    );
  });

  it('names the field of the wrong type', () => {
    assert.throws(
      () => decodeStructMessageJSON('{"Type":3}'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'Type must be a string, got 3'),
    );
    assert.throws(
      () => decodeStructMessageJSON('{"UUID":{}}'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'UUID must be'),
    );
    assert.throws(
      () => decodeStructMessageJSON('{"Status":"200"}'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'Status must be an integer, got "200"'),
    );
    assert.throws(
      () => decodeStructMessageJSON('{"Status":1.5}'),
      invalid('SKY_ERR_INVALID_MESSAGE', 'Status'),
    );
  });
});

describe('#newStructMessage / #replyTo', () => {
  it('defaults Status to 200 and generates a v4 UUID', () => {
    const msg = newStructMessage('Graph', 'SyncRequest', {});
    assert.equal(msg.Status, 200);
    assert.match(msg.UUID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(newStructMessage('Graph', 'X', null, 'u1').UUID, 'u1');
  });

  it('replies with the request Namespace and UUID', () => {
    const reply = replyTo(full, 'SyncReply', 'bad filter', 400);
    assert.deepEqual(reply, {
      Namespace: 'Graph',
      Type: 'SyncReply',
      UUID: full.UUID,
      Status: 400,
      Obj: 'bad filter',
    });
  });
});

describe('#parseClientProtocol', () => {
  it('maps empty and absent to json', () => {
    assert.equal(parseClientProtocol(undefined), 'json');
    assert.equal(parseClientProtocol(''), 'json');
    assert.equal(parseClientProtocol('json'), 'json');
    assert.equal(parseClientProtocol('protobuf'), 'protobuf');
  });

  it('rejects other protocols', () => {
    assert.throws(() => parseClientProtocol('xml'), invalid('SKY_ERR_INVALID_MESSAGE', 'xml'));
  });
});

describe('#encodeStructMessage / #decodeStructMessage', () => {
  it('uses text for json and bytes for protobuf', () => {
    const text = encodeStructMessage(full, ClientProtocol.JSON);
    assert.equal(typeof text, 'string');
    assert.deepEqual(decodeStructMessage(text, ClientProtocol.JSON), full);
    const bin = encodeStructMessage(full, ClientProtocol.Protobuf);
    assert.ok(bin instanceof Uint8Array);
    assert.deepEqual(decodeStructMessage(bin, ClientProtocol.Protobuf), full);
  });

  it('fails on a JSON text frame sent to a protobuf connection', () => {
    assert.throws(() => decodeStructMessage('{"Type":"X"}', ClientProtocol.Protobuf));
  });
});

describe('decodeFrame', () => {
  it('reads text frames and binary frames of either encoding', async () => {
    const { decodeFrame } = await import('./envelope.js');
    const { encodeStructMessageProto } = await import('./protobuf.js');
    const msg = {
      Namespace: 'Graph',
      Type: 'SyncRequest',
      UUID: 'u1',
      Status: 200,
      Obj: { Time: 1 },
    };
    const json = JSON.stringify(msg);
    assert.deepEqual(decodeFrame(json, false).Obj, { Time: 1 });
    assert.deepEqual(decodeFrame(Buffer.from(' ' + json), true).Obj, { Time: 1 });
    assert.deepEqual(decodeFrame(encodeStructMessageProto(msg), true).Obj, { Time: 1 });
    assert.throws(() => decodeFrame(Buffer.from([0x0a, 0xff]), true), { code: 'SKY_ERR_PROTOBUF' });
  });
});
