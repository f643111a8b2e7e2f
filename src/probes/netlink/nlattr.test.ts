// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ip, mac, parseAttrList, parseAttrs, s32, str, u16be, u32 } from './nlattr.js';

function attr(type: number, value: Buffer): Buffer {
  const len = 4 + value.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  value.copy(b, 4);
  return b;
}

describe('parseAttrs', () => {
  it('walks padded attributes and masks the nested flag', () => {
    const nested = attr(0x8000 | 18, Buffer.concat([attr(1, Buffer.from('veth\0'))]));
    const buf = Buffer.concat([
      attr(3, Buffer.from('eth0\0')),
      attr(4, Buffer.from([0xdc, 5, 0, 0])),
      nested,
    ]);
    const a = parseAttrs(buf);
    assert.equal(str(a.get(3)), 'eth0');
    assert.equal(u32(a.get(4)), 1500);
    assert.equal(str(parseAttrs(a.get(18)!).get(1)), 'veth');
  });
  it('stops at a truncated or malformed attribute', () => {
    const good = attr(1, Buffer.from([1, 0, 0, 0]));
    const bad = Buffer.from([0x20, 0, 2, 0, 1, 2]);
    assert.deepEqual([...parseAttrs(Buffer.concat([good, bad])).keys()], [1]);
    assert.equal(parseAttrs(Buffer.from([2, 0, 1, 0])).size, 0);
  });
  it('keeps repeated types in order in parseAttrList', () => {
    const l = parseAttrList(Buffer.concat([attr(5, Buffer.from([1])), attr(5, Buffer.from([2]))]));
    assert.deepEqual(
      l.map(([t, v]) => [t, v[0]]),
      [
        [5, 1],
        [5, 2],
      ],
    );
  });
});

describe('value readers', () => {
  it('read numbers in host order, ports in network order', () => {
    assert.equal(s32(Buffer.from([0xff, 0xff, 0xff, 0xff])), -1);
    assert.equal(u16be(Buffer.from([0x12, 0xb5])), 4789);
    assert.equal(u32(Buffer.from([1])), undefined);
  });
  it('print MACs as Go does', () => {
    assert.equal(mac(Buffer.from([0x02, 0, 0, 0xab, 0xcd, 0x0f])), '02:00:00:ab:cd:0f');
    assert.equal(mac(Buffer.alloc(0)), '');
  });
  it('print IPv6 in RFC 5952 form', () => {
    const v6 = (s: string) => ip(Buffer.from(s.replace(/:/g, ''), 'hex'));
    assert.equal(v6('0000:0000:0000:0000:0000:0000:0000:0001'), '::1');
    assert.equal(v6('fe80:0000:0000:0000:e004:b9ff:fe11:8d8a'), 'fe80::e004:b9ff:fe11:8d8a');
    assert.equal(v6('2001:0db8:0000:0001:0000:0000:0000:0001'), '2001:db8:0:1::1');
    assert.equal(v6('2001:0db8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
    assert.equal(v6('2001:0db8:0001:0001:0001:0000:0001:0001'), '2001:db8:1:1:1:0:1:1');
    assert.equal(v6('0000:0000:0000:0000:0000:ffff:0a01:0203'), '10.1.2.3');
    assert.equal(v6('0000:0000:0000:0000:0000:0000:0000:0000'), '::');
    assert.equal(ip(Buffer.from([10, 1, 0, 254])), '10.1.0.254');
    assert.equal(ip(Buffer.from([1, 2, 3])), undefined);
  });
});
