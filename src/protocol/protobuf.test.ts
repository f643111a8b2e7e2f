// SPDX-License-Identifier: Apache-2.0
// Tests of the protobuf envelope: golden bytes, JSON and protobuf payloads, unknown fields,
// truncation and type errors.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Format,
  ProtoWriter,
  decodeStructMessageProto,
  encodeStructMessageProto,
  type StructMessage,
} from './index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string) => Buffer.from(s).toString('hex');

function fails(code: string, fragment: string) {
  return (err: unknown) => {
    assert.equal((err as { code: string }).code, code);
    assert.match((err as Error).message, new RegExp(fragment));
    return true;
  };
}

// Namespace "Graph", Type "SyncRequest", UUID "u1", Status 200, Obj null (Format Json omitted).
const golden =
  '0a05' +
  ascii('Graph') +
  '120b' +
  ascii('SyncRequest') +
  '1a02' +
  ascii('u1') +
  '20c801' +
  '3204' +
  ascii('null');

describe('#encodeStructMessageProto', () => {
  it('matches the hand-computed bytes', () => {
    const msg: StructMessage = {
      Namespace: 'Graph',
      Type: 'SyncRequest',
      UUID: 'u1',
      Status: 200,
      Obj: null,
    };
    assert.equal(hex(encodeStructMessageProto(msg)), golden);
  });

  it('skips proto3 defaults but always writes a JSON Obj', () => {
    const out = encodeStructMessageProto({
      Namespace: '',
      Type: '',
      UUID: '',
      Status: 0,
      Obj: undefined,
    });
    assert.equal(hex(out), '3204' + ascii('null'));
  });

  it('writes a negative Status as a 10-byte varint', () => {
    const out = encodeStructMessageProto({ Namespace: '', Type: '', UUID: '', Status: -1, Obj: 1 });
    assert.equal(hex(out), '20ffffffffffffffffff01' + '3201' + ascii('1'));
  });

  it('sends a Uint8Array Obj raw with Format=Protobuf', () => {
    const out = encodeStructMessageProto({
      Namespace: 'Flow',
      Type: 'TableQuery',
      UUID: '',
      Status: 0,
      Obj: new Uint8Array([8, 1]),
    });
    assert.equal(
      hex(out),
      '0a04' + ascii('Flow') + '120a' + ascii('TableQuery') + '2801' + '32020801',
    );
  });

  it('returns independent buffers across calls', () => {
    const a = encodeStructMessageProto({ Namespace: 'A', Type: '', UUID: '', Status: 0, Obj: 1 });
    const b = encodeStructMessageProto({ Namespace: 'B', Type: '', UUID: '', Status: 0, Obj: 2 });
    assert.notEqual(hex(a), hex(b));
    assert.equal(decodeStructMessageProto(a).Namespace, 'A');
  });
});

describe('#decodeStructMessageProto', () => {
  it('decodes the golden bytes with Obj parsed from JSON', () => {
    assert.deepEqual(decodeStructMessageProto(bytes(golden)), {
      Namespace: 'Graph',
      Type: 'SyncRequest',
      UUID: 'u1',
      Status: 200,
      Obj: null,
    });
  });

  it('round-trips a graph payload with non-ASCII metadata', () => {
    const msg: StructMessage = {
      Namespace: 'Graph',
      Type: 'NodeAdded',
      UUID: 'x',
      Status: 200,
      Obj: {
        ID: 'n1',
        Metadata: { Name: 'pont-é', Type: 'bridge', MTU: 1500, IPV4: ['10.0.0.1/24'] },
        Revision: 3,
      },
    };
    assert.deepEqual(decodeStructMessageProto(encodeStructMessageProto(msg)), msg);
  });

  it('round-trips a large payload', () => {
    const nodes = Array.from({ length: 3000 }, (_, i) => ({
      ID: `n${i}`,
      Metadata: { Name: `eth${i}`, Type: 'device' },
    }));
    const msg: StructMessage = {
      Namespace: 'Graph',
      Type: 'Sync',
      UUID: 'u',
      Status: 200,
      Obj: { Nodes: nodes, Edges: [] },
    };
    const out = encodeStructMessageProto(msg);
    assert.ok(out.length > 100_000);
    assert.deepEqual(decodeStructMessageProto(out), msg);
  });

  it('gives raw bytes for Format=Protobuf', () => {
    const msg = decodeStructMessageProto(bytes('2801' + '3203080102'));
    assert.deepEqual([...(msg.Obj as Uint8Array)], [8, 1, 2]);
    assert.equal(Format.Protobuf, 1);
    const empty = decodeStructMessageProto(bytes('2801'));
    assert.deepEqual([...(empty.Obj as Uint8Array)], []);
  });

  it('gives null for a missing or empty JSON Obj', () => {
    assert.equal(decodeStructMessageProto(bytes('')).Obj, null);
    assert.equal(decodeStructMessageProto(bytes('3200')).Obj, null);
  });

  it('skips unknown fields of every wire type', () => {
    const w = new ProtoWriter();
    w.uint32Field(9, 5); // varint
    w.tag(10, 1).fixed64(1); // fixed64
    w.stringField(11, 'zzz'); // length-delimited
    w.tag(12, 5).fixed32(1); // fixed32
    w.tag(13, 3).uint32Field(1, 1).tag(13, 4); // group
    w.stringField(2, 'Alert');
    w.stringField(6, '{"a":1}');
    const msg = decodeStructMessageProto(w.finish());
    assert.equal(msg.Type, 'Alert');
    assert.deepEqual(msg.Obj, { a: 1 });
  });

  it('lets a later field win, as protobuf does', () => {
    assert.equal(
      decodeStructMessageProto(bytes('1201' + ascii('a') + '1201' + ascii('b'))).Type,
      'b',
    );
  });

  it('fails on truncation at any byte of a message', () => {
    const full = encodeStructMessageProto({
      Namespace: 'Graph',
      Type: 'NodeAdded',
      UUID: 'u',
      Status: 200,
      Obj: { ID: 'x' },
    });
    for (let cut = 1; cut < full.length; cut++) {
      // Cuts that end exactly between fields are valid shorter messages; all others must fail.
      const part = full.subarray(0, cut);
      try {
        decodeStructMessageProto(part);
      } catch (err) {
        assert.ok(
          ['SKY_ERR_PROTOBUF', 'SKY_ERR_INVALID_MESSAGE'].includes((err as { code: string }).code),
        );
        continue;
      }
      assert.ok([7, 18, 21, 24].includes(cut), `cut at ${cut} should fail`);
    }
  });

  it('reports truncation with the protobuf code', () => {
    assert.throws(
      () => decodeStructMessageProto(bytes('0a05' + ascii('Gra'))),
      fails('SKY_ERR_PROTOBUF', 'truncated'),
    );
  });

  it('names a field sent with the wrong wire type', () => {
    assert.throws(
      () => decodeStructMessageProto(bytes('0801')),
      fails('SKY_ERR_INVALID_MESSAGE', 'field Namespace'),
    );
    assert.throws(
      () => decodeStructMessageProto(bytes('2201' + '00')),
      fails('SKY_ERR_INVALID_MESSAGE', 'field Status'),
    );
    assert.throws(
      () => decodeStructMessageProto(bytes('3001')),
      fails('SKY_ERR_INVALID_MESSAGE', 'field Obj'),
    );
  });

  it('rejects an unknown Format and invalid JSON', () => {
    assert.throws(
      () => decodeStructMessageProto(bytes('2802')),
      fails('SKY_ERR_INVALID_MESSAGE', 'unknown Format 2'),
    );
    assert.throws(
      () => decodeStructMessageProto(bytes('3201' + ascii('{'))),
      fails('SKY_ERR_INVALID_MESSAGE', 'not valid JSON'),
    );
  });
});
