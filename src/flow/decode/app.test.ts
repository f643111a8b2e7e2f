// SPDX-License-Identifier: Apache-2.0
// Crafted application layers: DNS accepted exactly when gopacket decodes it (compression pointers,
// loops, record data), DHCPv4, VRRPv2, NTP, IGMP and LLDP.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkDns, skipDnsName } from './app-check.js';
import { be16, be32, cat, eth, ipv4, udp, layersOf } from './testing/craft.js';

const name = (...labels: string[]) => [...labels.flatMap((l) => [l.length, ...Buffer.from(l)]), 0];
const header = (qd: number, an: number, ns = 0, ar = 0) =>
  cat(be16(0x1234), [0x81, 0x80], be16(qd), be16(an), be16(ns), be16(ar));
const question = cat(name('www', 'example', 'com'), be16(1), be16(1));
const dnsFrame = (msg: Uint8Array, port = 53) => eth(0x0800, ipv4(17, udp(40000, port, msg)));

it('accepts a DNS response with compressed names and typed record data', () => {
  const a = cat([0xc0, 12], be16(1), be16(1), be32(60), be16(4), [93, 184, 216, 34]);
  const cname = cat([0xc0, 12], be16(5), be16(1), be32(60), be16(2), [0xc0, 16]);
  const txt = cat([0xc0, 12], be16(16), be16(1), be32(60), be16(6), [2, 0x68, 0x69, 2, 0x68, 0x6f]);
  const mx = cat([0xc0, 12], be16(15), be16(1), be32(60), be16(4), be16(10), [0xc0, 16]);
  const opt = cat([0], be16(41), be16(512), be32(0), be16(8), be16(10), be16(4), [1, 2, 3, 4]);
  const msg = cat(header(1, 4, 0, 1), question, a, cname, txt, mx, opt);
  assert.equal(checkDns(msg, 0, msg.length), 0);
  assert.equal(layersOf(dnsFrame(msg)), 'Ethernet/IPv4/UDP/DNS');
  assert.equal(layersOf(dnsFrame(msg, 5353)), 'Ethernet/IPv4/UDP/Payload');
});

it('refuses DNS messages gopacket cannot decode, without throwing', () => {
  assert.equal(layersOf(dnsFrame(header(0, 0).subarray(0, 11))), 'Ethernet/IPv4/UDP !1');
  assert.equal(layersOf(dnsFrame(cat(header(2, 0), question))), 'Ethernet/IPv4/UDP !2');
  const loop = cat(header(1, 0), [0xc0, 12], be16(1), be16(1));
  assert.equal(layersOf(dnsFrame(loop)), 'Ethernet/IPv4/UDP !2');
  const pingPong = cat(header(1, 0), [0xc0, 14, 0xc0, 12], be16(1), be16(1));
  assert.equal(checkDns(pingPong, 0, pingPong.length), 2);
  const past = cat(header(1, 0), [0xc0, 0xff], be16(1), be16(1));
  assert.equal(checkDns(past, 0, past.length), 2);
  const badTxt = cat(header(0, 1), [0], be16(16), be16(1), be32(0), be16(3), [5, 1, 2]);
  assert.equal(checkDns(badTxt, 0, badTxt.length), 2);
  const longRdata = cat(header(0, 1), [0], be16(1), be16(1), be32(0), be16(40), [1, 2, 3, 4]);
  assert.equal(checkDns(longRdata, 0, longRdata.length), 2);
  const label0x40 = cat(header(1, 0), [0x41, 0], be16(1), be16(1));
  assert.equal(checkDns(label0x40, 0, label0x40.length), 2);
});

it("follows a chain of pointers up to gopacket's 255 levels", () => {
  const parts: number[] = [...header(1, 0)];
  const base = parts.length;
  parts.push(...name('a'));
  for (let i = 0; i < 300; i++)
    parts.push(
      0xc0 | ((base + (i === 0 ? 0 : 2 * i + 1)) >> 8),
      (base + (i === 0 ? 0 : 2 * i + 1)) & 0xff,
    );
  const msg = Uint8Array.from(parts);
  const firstPtr = base + 3;
  assert.equal(skipDnsName(msg, 0, msg.length, firstPtr + 2 * 100), firstPtr + 2 * 100 + 2);
  assert.equal(skipDnsName(msg, 0, msg.length, firstPtr + 2 * 290), -1);
});

it('decodes DHCPv4, VRRPv2, NTP and IGMP when they are well formed', () => {
  const dhcp = cat(
    [1, 1, 6, 0],
    be32(0xdeadbeef),
    new Array(228).fill(0),
    [0x63, 0x82, 0x53, 0x63],
    [53, 1, 1, 0, 255],
  );
  assert.equal(layersOf(eth(0x0800, ipv4(17, udp(68, 67, dhcp)))), 'Ethernet/IPv4/UDP/DHCPv4');
  const badCookie = Uint8Array.from(dhcp);
  badCookie[236] = 0;
  assert.equal(layersOf(eth(0x0800, ipv4(17, udp(68, 67, badCookie)))), 'Ethernet/IPv4/UDP !2');
  const badOption = cat(dhcp.subarray(0, 240), [53, 9, 1]);
  assert.equal(layersOf(eth(0x0800, ipv4(17, udp(68, 67, badOption)))), 'Ethernet/IPv4/UDP !2');
  const vrrp = [0x21, 7, 100, 1, 0, 1, 0, 0, 10, 0, 0, 254];
  assert.equal(layersOf(eth(0x0800, ipv4(112, vrrp))), 'Ethernet/IPv4/VRRP');
  assert.equal(layersOf(eth(0x0800, ipv4(112, [0x21, 7, 100, 0, 0, 1, 0, 0]))), 'Ethernet/IPv4 !2');
  assert.equal(
    layersOf(eth(0x0800, ipv4(112, [0x21, 7, 100, 2, 0, 1, 0, 0, 1, 2, 3, 4]))),
    'Ethernet/IPv4 !1',
  );
  assert.equal(
    layersOf(eth(0x0800, ipv4(17, udp(123, 123, new Array(48).fill(0x1b))))),
    'Ethernet/IPv4/UDP/NTP',
  );
  assert.equal(
    layersOf(eth(0x0800, ipv4(17, udp(123, 123, new Array(47).fill(0x1b))))),
    'Ethernet/IPv4/UDP !1',
  );
  assert.equal(layersOf(eth(0x0800, ipv4(2, [0x16, 0, 0, 0, 239, 1, 1, 1]))), 'Ethernet/IPv4/IGMP');
  assert.equal(layersOf(eth(0x0800, ipv4(2, [0x11, 0, 0, 0, 0, 0, 0, 0, 0]))), 'Ethernet/IPv4 !2');
});

it('decodes LLDP only with its mandatory TLVs', () => {
  const tlv = (type: number, value: number[]) => [
    (type << 1) | (value.length >> 8),
    value.length & 0xff,
    ...value,
  ];
  const ok = [
    ...tlv(1, [4, 1, 2, 3, 4, 5, 6]),
    ...tlv(2, [5, 0x65, 0x74, 0x68]),
    ...tlv(3, [0, 120]),
    ...tlv(5, [0x68]),
    ...tlv(0, []),
  ];
  assert.equal(layersOf(eth(0x88cc, ok)), 'Ethernet/LinkLayerDiscovery/LinkLayerDiscoveryInfo');
  const noEnd = ok.slice(0, ok.length - 2);
  assert.equal(layersOf(eth(0x88cc, noEnd)), 'Ethernet !2');
  assert.equal(layersOf(eth(0x88cc, [...tlv(1, [4, 1]), 0x04, 40, 1])), 'Ethernet !2');
});

it('decodes DHCPv6, BFD and GTP-U as gopacket does', () => {
  const v6 = (dport: number, payload: Uint8Array | number[]) =>
    eth(0x0800, ipv4(17, udp(40000, dport, payload)));
  const solicit = [1, 0xaa, 0xbb, 0xcc, 0, 8, 0, 2, 0, 0];
  assert.equal(layersOf(v6(547, solicit)), 'Ethernet/IPv4/UDP/DHCPv6');
  assert.equal(layersOf(v6(547, [1, 0xaa, 0xbb, 0xcc, 0, 8, 0, 9, 0])), 'Ethernet/IPv4/UDP !2');
  assert.equal(layersOf(v6(547, [12, 1, 2, 3])), 'Ethernet/IPv4/UDP !1');
  const bfd = [0x20, 0xc0, 3, 24, ...new Array(20).fill(0)];
  assert.equal(layersOf(v6(3784, bfd)), 'Ethernet/IPv4/UDP/BFD');
  assert.equal(
    layersOf(v6(3784, [...bfd.slice(0, 3), 30, ...bfd.slice(4)])),
    'Ethernet/IPv4/UDP !2',
  );
  const inner = ipv4(17, udp(1, 2, [1]));
  const gtp = cat([0x30, 0xff], be16(inner.length), be32(0x1234), inner);
  assert.equal(layersOf(v6(2152, gtp)), 'Ethernet/IPv4/UDP/GTPv1U/IPv4/UDP/Payload');
  const withExt = cat(
    [0x34, 0xff],
    be16(inner.length + 8),
    be32(1),
    [0, 0, 0, 0x85],
    [1, 0, 0, 0],
    inner,
  );
  assert.equal(layersOf(v6(2152, withExt)), 'Ethernet/IPv4/UDP/GTPv1U/IPv4/UDP/Payload');
  assert.equal(
    layersOf(v6(2152, cat([0x30, 0xff], be16(200), be32(1), inner))),
    'Ethernet/IPv4/UDP !2',
  );
});

it("decodes SIP when gopacket's parser accepts the message", () => {
  const sip = (text: string) => eth(0x0800, ipv4(17, udp(5060, 5060, Buffer.from(text))));
  const invite =
    'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n';
  assert.equal(layersOf(sip(invite)), 'Ethernet/IPv4/UDP/SIP');
  assert.equal(
    layersOf(sip('SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\n l\r\n\r\n')),
    'Ethernet/IPv4/UDP/SIP',
  );
  assert.equal(layersOf(sip('no newline at all')), 'Ethernet/IPv4/UDP/SIP');
  assert.equal(layersOf(sip('HELLO sip:x SIP/2.0\r\n\r\n')), 'Ethernet/IPv4/UDP !2');
  assert.equal(layersOf(sip('INVITE sip:x SIP/3.0\r\n\r\n')), 'Ethernet/IPv4/UDP !2');
  assert.equal(layersOf(sip('SIP/2.0 2x0 OK\r\n\r\n')), 'Ethernet/IPv4/UDP !2');
  assert.equal(layersOf(sip('SIP/2.0 200 OK\r\nCSeq: 1 FETCH\r\n\r\n')), 'Ethernet/IPv4/UDP !2');
  assert.equal(
    layersOf(sip('INVITE sip:x SIP/2.0\r\nContent-Length: ten\r\n\r\n')),
    'Ethernet/IPv4/UDP !2',
  );
  assert.equal(
    layersOf(sip('INVITE sip:x SIP/2.0\r\n folded first\r\n\r\n')),
    'Ethernet/IPv4/UDP !2',
  );
  assert.equal(layersOf(sip('INVITE sip:x\r\n\r\n')), 'Ethernet/IPv4/UDP !2');
});
