// SPDX-License-Identifier: Apache-2.0
// Tests of the IP helpers used by IPV4RANGE and NextHop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCIDR, parseIP, parseIPv4, prefixContains, sameIP } from './ip.js';

describe('#parseIPv4', () => {
  it('parses dotted quads and rejects the rest', () => {
    assert.equal(parseIPv4('10.0.0.1'), 0x0a000001);
    assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', ''])
      assert.equal(parseIPv4(bad), undefined, bad);
  });
});

describe('#parseIP', () => {
  it('parses IPv6 with compression and embedded IPv4', () => {
    assert.equal(parseIP('::1')?.value, 1n);
    assert.equal(parseIP('fe80::1')?.family, 6);
    assert.equal(parseIP('2001:db8::a:b')?.value, 0x20010db80000000000000000000a000bn);
    assert.equal(parseIP('64:ff9b::10.0.0.1')?.value, 0x0064ff9b00000000000000000a000001n);
    assert.equal(parseIP('1:2:3:4:5:6:7:8')?.family, 6);
    assert.equal(parseIP('fe80::1%eth0')?.family, 6);
  });

  it('reports IPv4-mapped IPv6 as IPv4', () => {
    assert.deepEqual(parseIP('::ffff:10.0.0.1'), { family: 4, value: 0x0a000001n });
  });

  it('rejects malformed addresses', () => {
    for (const bad of [
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3',
      'gggg::',
      '::1.2.3',
      '1:2:3:4:5:6:7::8',
    ]) {
      assert.equal(parseIP(bad), undefined, bad);
    }
  });

  it('compares addresses', () => {
    assert.equal(sameIP(parseIP('10.0.0.1')!, parseIP('::ffff:10.0.0.1')!), true);
    assert.equal(sameIP(parseIP('10.0.0.1')!, parseIP('10.0.0.2')!), false);
  });
});

describe('#parseCIDR', () => {
  it('masks the address and checks the length', () => {
    assert.deepEqual(parseCIDR('192.168.0.77/26'), { family: 4, network: 0xc0a80040n, length: 26 });
    assert.equal(parseCIDR('10.0.0.0/33'), undefined);
    assert.equal(parseCIDR('10.0.0.0'), undefined);
    assert.equal(parseCIDR('10.0.0.0/x'), undefined);
    assert.equal(parseCIDR('2001:db8::/32')?.family, 6);
  });

  it('tests containment within one family', () => {
    const p = parseCIDR('10.1.0.0/16')!;
    assert.equal(prefixContains(p, parseIP('10.1.2.3')!), true);
    assert.equal(prefixContains(p, parseIP('10.2.0.1')!), false);
    assert.equal(prefixContains(parseCIDR('0.0.0.0/0')!, parseIP('8.8.8.8')!), true);
    assert.equal(prefixContains(parseCIDR('::/0')!, parseIP('8.8.8.8')!), false);
  });
});
