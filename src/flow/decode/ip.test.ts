// SPDX-License-Identifier: Apache-2.0
// Crafted IPv4 and IPv6 packets: options, bad lengths, snap-length truncation, TSO zero length, IPv6
// extension headers (hop-by-hop, routing, destination, fragment) and jumbograms.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createDecodedFrame, DecodeError } from './layers.js';
import {
  be16,
  be32,
  cat,
  eth,
  ext6,
  icmpEcho,
  ipv4,
  ipv6,
  tcp,
  udp,
  layersOf,
} from './testing/craft.js';

const e4 = (ip: Uint8Array) => eth(0x0800, ip);
const e6 = (ip: Uint8Array) => eth(0x86dd, ip);

it('checks IPv4 options as gopacket does', () => {
  const rr = [7, 7, 4, 0, 0, 0, 0]; // record route, one slot
  assert.equal(layersOf(e4(ipv4(6, tcp(1, 2), { options: [1, 1, ...rr] }))), 'Ethernet/IPv4/TCP');
  assert.equal(layersOf(e4(ipv4(6, tcp(1, 2), { options: [0, 1, 1, 1] }))), 'Ethernet/IPv4/TCP');
  assert.equal(layersOf(e4(ipv4(6, tcp(1, 2), { options: [7, 2, 0, 0] }))), 'Ethernet/IPv4 !2');
  assert.equal(layersOf(e4(ipv4(6, tcp(1, 2), { options: [7, 9, 0, 0] }))), 'Ethernet/IPv4 !2');
});

it('rejects impossible IPv4 lengths but keeps the IPv4 layer (gopacket adds it)', () => {
  const bad = ipv4(6, tcp(1, 2));
  bad[0] = 0x44; // IHL 4
  assert.equal(layersOf(e4(bad)), 'Ethernet/IPv4 !2');
  assert.equal(layersOf(e4(ipv4(6, tcp(1, 2), { total: 19 }))), 'Ethernet/IPv4 !2');
  assert.equal(layersOf(e4(ipv4(6, [], { options: [1, 1, 1, 1], total: 22 }))), 'Ethernet/IPv4 !2');
  assert.equal(layersOf(e4(ipv4(6).subarray(0, 19))), 'Ethernet !1');
});

it('marks a snap-length cut as truncated and keeps decoding what is there', () => {
  const full = e4(ipv4(17, udp(5000, 6000, new Array(100).fill(1))));
  const f = createDecodedFrame();
  assert.equal(layersOf(full.subarray(0, 14 + 20 + 8 + 10), 1, {}, f), 'Ethernet/IPv4/UDP/Payload');
  assert.equal(f.truncated, true);
  assert.equal(f.error, DecodeError.None);
  assert.equal(layersOf(full.subarray(0, 14 + 20 + 4), 1, {}, f), 'Ethernet/IPv4 !1');
  assert.equal(f.truncated, true);
});

it('takes a zero Total Length as the captured length (TCP segmentation offload)', () => {
  const f = createDecodedFrame();
  assert.equal(
    layersOf(e4(ipv4(6, tcp(1, 2, 0x10, [], [1, 2, 3]), { total: 0 })), 1, {}, f),
    'Ethernet/IPv4/TCP/Payload',
  );
  assert.equal(f.lengths[1], 20 + 23);
});

it('walks IPv6 extension headers', () => {
  const t = tcp(1, 2);
  const dest = ext6(6, [], t);
  const routing = cat([60, 2, 0, 1, 0, 0, 0, 0], new Array(16).fill(0xab), dest);
  const hbh = ext6(43, [], routing);
  assert.equal(
    layersOf(e6(ipv6(0, hbh))),
    'Ethernet/IPv6/IPv6HopByHop/IPv6Routing/IPv6Destination/TCP',
  );
  const frag = cat([17, 0], be16(0x0001), be32(42), udp(1, 2, [1]));
  assert.equal(layersOf(e6(ipv6(44, frag))), 'Ethernet/IPv6/IPv6Fragment/Fragment');
  const srv6 = cat([6, 2, 4, 1, 0, 0, 0, 0], new Array(16).fill(0), t);
  assert.equal(layersOf(e6(ipv6(43, srv6))), 'Ethernet/IPv6 !3');
  assert.equal(layersOf(e6(ipv6(60, [6, 3, 0, 0]))), 'Ethernet/IPv6/IPv6Destination !1');
});

it('handles IPv6 payload length zero: a jumbogram with hop-by-hop, else malformed', () => {
  const t = tcp(1, 2, 0x10, [], new Array(10).fill(7));
  const jumbo = ext6(6, [0xc2, 4, ...be32(70000)], t);
  const f = createDecodedFrame();
  assert.equal(layersOf(e6(ipv6(0, jumbo, 0)), 1, {}, f), 'Ethernet/IPv6/IPv6HopByHop/TCP/Payload');
  assert.equal(f.truncated, true);
  assert.equal(layersOf(e6(ipv6(6, t, 0))), 'Ethernet/IPv6 !2');
  assert.equal(layersOf(e6(ipv6(0, ext6(6, [], t), 0))), 'Ethernet/IPv6 !2');
  assert.equal(layersOf(e6(ipv6(6, t).subarray(0, 39))), 'Ethernet !1');
});

it('decodes IP-in-IP and IPv6-in-IPv4', () => {
  assert.equal(layersOf(e4(ipv4(4, ipv4(1, icmpEcho(1, 2))))), 'Ethernet/IPv4/IPv4/ICMPv4');
  assert.equal(layersOf(e4(ipv4(41, ipv6(17, udp(1, 2, [1]))))), 'Ethernet/IPv4/IPv6/UDP/Payload');
  assert.equal(layersOf(e4(ipv4(250, [1, 2, 3]))), 'Ethernet/IPv4 !3');
});

it('keeps an IPv4 fragment as Fragment without ipDefrag', () => {
  assert.equal(
    layersOf(e4(ipv4(1, icmpEcho(1, 1, new Array(16).fill(0)), { mf: true }))),
    'Ethernet/IPv4/Fragment',
  );
  assert.equal(
    layersOf(e4(ipv4(1, [1, 2, 3, 4, 5, 6, 7, 8], { fragOffset: 24 }))),
    'Ethernet/IPv4/Fragment',
  );
});

it('decodes IPsec AH and ESP, UDP-Lite, EtherIP and EAPOL', () => {
  const ah = cat([6, 4, 0, 0], be32(0x100), be32(1), new Array(12).fill(0xaa), tcp(1, 2));
  assert.equal(layersOf(e4(ipv4(51, ah))), 'Ethernet/IPv4/IPSecAH/TCP');
  assert.equal(layersOf(e4(ipv4(51, ah.subarray(0, 16)))), 'Ethernet/IPv4 !1');
  assert.equal(
    layersOf(e4(ipv4(50, cat(be32(0x100), be32(1), [9, 9, 9])))),
    'Ethernet/IPv4/IPSecESP',
  );
  assert.equal(layersOf(e4(ipv4(136, udp(1, 2, [5])))), 'Ethernet/IPv4/UDPLite/Payload');
  assert.equal(
    layersOf(e4(ipv4(97, cat([0x30, 0], eth(0x0800, ipv4(1, icmpEcho(1, 1))))))),
    'Ethernet/IPv4/EtherIP/Ethernet/IPv4/ICMPv4',
  );
  assert.equal(layersOf(eth(0x888e, [1, 1, 0, 0])), 'Ethernet/EAPOL');
  assert.equal(layersOf(eth(0x888e, [1, 0, 0, 5, 1, 1, 0, 5, 1])), 'Ethernet/EAPOL !3');
});
