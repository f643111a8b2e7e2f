// SPDX-License-Identifier: Apache-2.0
// Tests of the proto3 wire helpers against hand-computed byte vectors: varints (incl. negative
// int64), fixed-width values, strings, embedded messages, unknown-field skipping and truncation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtoReader, ProtoWriter, WireType, varintSize } from './proto-wire.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function isProtobufError(fragment: string) {
  return (err: unknown) => {
    assert.equal((err as { code: string }).code, 'SKY_ERR_PROTOBUF');
    assert.match((err as Error).message, new RegExp(fragment));
    return true;
  };
}

describe('#ProtoWriter varints', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 31, '8080808008'],
    [2 ** 32 - 1, 'ffffffff0f'],
    [2 ** 32, '8080808010'],
    [2 ** 53 - 1, 'ffffffffffffff0f'],
    [-1, 'ffffffffffffffffff01'],
    [-2, 'feffffffffffffffff01'],
    [-(2 ** 32), '80808080f0ffffffff01'],
  ];
  for (const [n, h] of cases) {
    it(`encodes and decodes int64 ${n}`, () => {
      const out = new ProtoWriter(1).int64(n).finish();
      assert.equal(hex(out), h);
      const r = new ProtoReader(out);
      assert.equal(r.int64(), n);
      assert.equal(r.more(), false);
    });
  }

  it('reads uint64, int32 and uint32 views of the same varint', () => {
    assert.equal(new ProtoReader(bytes('ffffffffffffffffff01')).int32(), -1);
    assert.equal(new ProtoReader(bytes('ffffffffffffffffff01')).uint32(), 0xffffffff);
    assert.equal(new ProtoReader(bytes('ffffffff0f')).uint64(), 2 ** 32 - 1);
    assert.equal(new ProtoReader(bytes('8080808010')).uint64(), 2 ** 32);
  });

  it('encodes zigzag sint64 and booleans', () => {
    const w = new ProtoWriter()
      .sint64(0)
      .sint64(-1)
      .sint64(1)
      .sint64(-2)
      .sint64(2 ** 40)
      .bool(true)
      .bool(false);
    const r = new ProtoReader(w.finish());
    assert.deepEqual(
      [r.sint64(), r.sint64(), r.sint64(), r.sint64(), r.sint64()],
      [0, -1, 1, -2, 2 ** 40],
    );
    assert.deepEqual([r.bool(), r.bool()], [true, false]);
    assert.equal(hex(new ProtoWriter().sint64(-1).sint64(1).finish()), '0102');
  });

  it('computes varint sizes', () => {
    assert.deepEqual(
      [0, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 32 - 1].map(varintSize),
      [1, 1, 2, 2, 3, 4, 5, 5],
    );
  });
});

describe('#ProtoWriter fixed-width', () => {
  it('writes little-endian fixed32/fixed64/float/double', () => {
    const w = new ProtoWriter(2)
      .fixed32(0x01020304)
      .fixed64(2 ** 40 + 5)
      .float(1.5)
      .double(-0.25);
    const out = w.finish();
    assert.equal(hex(out.subarray(0, 12)), '04030201' + '0500000000010000');
    const r = new ProtoReader(out);
    assert.equal(r.fixed32(), 0x01020304);
    assert.equal(r.fixed64(), 2 ** 40 + 5);
    assert.equal(r.float(), 1.5);
    assert.equal(r.double(), -0.25);
  });

  it('reads sfixed32', () => {
    assert.equal(new ProtoReader(bytes('ffffffff')).sfixed32(), -1);
  });
});

describe('#ProtoWriter strings and bytes', () => {
  it('writes a keyed string', () => {
    assert.equal(hex(new ProtoWriter().stringField(1, 'Graph').finish()), '0a054772617068');
  });

  for (const s of [
    '',
    'a',
    'héllo',
    '日本語',
    '😀x',
    'é'.repeat(100),
    'a'.repeat(127),
    `${'a'.repeat(126)}é`,
    'a'.repeat(128),
    'a'.repeat(200),
    'é'.repeat(9000),
  ]) {
    it(`round-trips the string ${JSON.stringify(s.slice(0, 8))} (${s.length} units)`, () => {
      const w = new ProtoWriter(1).stringField(2, s).uint32Field(3, 7);
      const r = new ProtoReader(w.finish());
      assert.equal(r.tag(), (2 << 3) | WireType.LengthDelimited);
      assert.equal(r.string(), s);
      assert.equal(r.tag(), 3 << 3);
      assert.equal(r.uint32(), 7);
      assert.equal(r.more(), false);
    });
  }

  it('writes bytes and reads them as a view', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const out = new ProtoWriter().bytesField(6, payload).finish();
    assert.equal(hex(out), '3203010203');
    const r = new ProtoReader(out);
    r.tag();
    const got = r.bytes();
    assert.deepEqual([...got], [1, 2, 3]);
    assert.equal(got.buffer, out.buffer);
  });
});

describe('#ProtoWriter embedded messages', () => {
  it('writes a short embedded message in place', () => {
    const w = new ProtoWriter(1);
    const m = w.begin(2);
    w.uint32Field(1, 150);
    w.end(m);
    assert.equal(hex(w.finish()), '1203089601');
  });

  it('widens the length prefix of a long embedded message', () => {
    const w = new ProtoWriter(8);
    const outer = w.begin(1);
    const inner = w.begin(2);
    w.stringField(3, 'x'.repeat(300));
    w.end(inner);
    w.end(outer);
    w.uint32Field(4, 1);
    const r = new ProtoReader(w.finish());
    assert.equal(r.tag(), (1 << 3) | 2);
    const o = r.sub();
    assert.equal(o.tag(), (2 << 3) | 2);
    const i = o.sub();
    assert.equal(i.tag(), (3 << 3) | 2);
    assert.equal(i.string(), 'x'.repeat(300));
    assert.equal(i.more(), false);
    assert.equal(o.more(), false);
    assert.equal(r.tag(), 4 << 3);
    assert.equal(r.uint32(), 1);
  });

  it('keeps the body when the buffer must grow while closing a short message', () => {
    for (let size = 1; size < 12; size++) {
      const w = new ProtoWriter(size);
      const m = w.begin(1);
      w.uint32Field(2, 5);
      w.end(m);
      assert.equal(hex(w.finish()), '0a021005', `initial size ${size}`);
    }
  });

  it('can be reset and reused', () => {
    const w = new ProtoWriter();
    w.uint32Field(1, 1);
    w.reset().uint32Field(1, 2);
    assert.equal(hex(w.finish()), '0802');
    assert.equal(w.length, 2);
  });
});

describe('#ProtoReader.skip', () => {
  it('skips every wire type, groups included', () => {
    const data = bytes(`
      08 96 01
      11 0102030405060708
      1a 03 616263
      25 01020304
      2b 08 01 32 01 00 2c
      30 2a`);
    const r = new ProtoReader(data);
    const seen: number[] = [];
    while (r.more()) {
      const tag = r.tag();
      if (tag >>> 3 === 6) seen.push(r.uint32());
      else r.skip(tag & 7);
    }
    assert.deepEqual(seen, [42]);
  });

  it('fails on a truncated group', () => {
    const r = new ProtoReader(bytes('2b0801'));
    const tag = r.tag();
    assert.equal(tag & 7, WireType.StartGroup);
    assert.throws(() => r.skip(tag & 7), isProtobufError('truncated group'));
  });

  it('rejects wire types 6 and 7 and a stray end-group', () => {
    for (const t of [4, 6, 7]) {
      assert.throws(
        () => new ProtoReader(bytes('00')).skip(t),
        isProtobufError('unexpected wire type'),
      );
    }
  });
});

describe('#ProtoReader errors', () => {
  it('fails on truncated varints', () => {
    assert.throws(() => new ProtoReader(bytes('80')).uint32(), isProtobufError('truncated varint'));
    assert.throws(
      () => new ProtoReader(bytes('ffffffffff')).int64(),
      isProtobufError('truncated varint'),
    );
    assert.throws(() => new ProtoReader(bytes('')).uint32(), isProtobufError('truncated varint'));
  });

  it('fails on an overlong varint', () => {
    assert.throws(
      () => new ProtoReader(bytes('ffffffffffffffffffff01')).int64(),
      isProtobufError('longer than 10 bytes'),
    );
  });

  it('fails on truncated length-delimited and fixed fields', () => {
    assert.throws(
      () => new ProtoReader(bytes('0561626364')).string(),
      isProtobufError('need 5 bytes'),
    );
    assert.throws(() => new ProtoReader(bytes('0361')).bytes(), isProtobufError('truncated'));
    assert.throws(() => new ProtoReader(bytes('010203')).fixed32(), isProtobufError('truncated'));
    assert.throws(() => new ProtoReader(bytes('01020304')).double(), isProtobufError('truncated'));
    assert.throws(
      () => new ProtoReader(bytes('0a')).skip(WireType.LengthDelimited),
      isProtobufError('truncated'),
    );
    assert.throws(
      () => new ProtoReader(bytes('0102')).skip(WireType.Fixed64),
      isProtobufError('truncated'),
    );
  });

  it('rejects field number 0', () => {
    assert.throws(() => new ProtoReader(bytes('00')).tag(), isProtobufError('field number 0'));
  });

  it('respects the end of a sub-range', () => {
    const data = bytes('0a020110');
    const r = new ProtoReader(data, 0, 3);
    r.tag();
    assert.throws(() => r.string(), isProtobufError('truncated'));
  });
});
