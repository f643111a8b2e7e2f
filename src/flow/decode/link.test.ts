// SPDX-License-Identifier: Apache-2.0
// Crafted frames for the link-level steps: Ethernet/802.3, VLAN tags, SLL, loopback, LLC/SNAP/STP,
// ARP, MPLS and its payload guess, and where each one stops on damage.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FrameDecoder } from './decode.js';
import { createDecodedFrame, DecodeError, layersPath } from './layers.js';
import {
  cat,
  dot1q,
  eth,
  icmpEcho,
  ipv4,
  ipv6,
  mpls,
  tcp,
  udp,
  be16,
  layersOf,
} from './testing/craft.js';

const ping = ipv4(1, icmpEcho(1, 1, [1, 2, 3]));

it('decodes Ethernet and drops the padding after IPv4 Total Length', () => {
  const frame = eth(0x0800, cat(ipv4(17, udp(1000, 2000, [9])), new Array(20).fill(0xee)));
  const f = createDecodedFrame();
  assert.equal(layersOf(frame, 1, {}, f), 'Ethernet/IPv4/UDP/Payload');
  assert.equal(f.lengths[1], 20 + 9);
  assert.equal(f.lengths[3], 1);
  assert.equal(f.truncated, false);
});

it('stops on a short Ethernet header, an unknown EtherType and an empty frame', () => {
  assert.equal(layersOf(new Uint8Array(13)), ' !1');
  assert.equal(layersOf(eth(0x1234, [1, 2, 3])), 'Ethernet !3');
  assert.equal(layersOf(new Uint8Array(0)), ' !1');
  assert.equal(layersOf(eth(0x0800)), 'Ethernet');
});

it('follows 802.1Q, QinQ (0x88a8) and 0x9100 tags', () => {
  const f = eth(0x88a8, dot1q(100, 0x8100, dot1q(200, 0x9100, dot1q(300, 0x0800, ping))));
  assert.equal(layersOf(f), 'Ethernet/Dot1Q/Dot1Q/Dot1Q/IPv4/ICMPv4/Payload');
  assert.equal(layersOf(eth(0x8100, [0, 1])), 'Ethernet !1');
});

it('decodes 802.3 LLC to STP and SNAP to its EtherType', () => {
  const bpdu = [0, 0, 0, 0, 1, 2, 3];
  assert.equal(layersOf(eth(3 + bpdu.length, cat([0x42, 0x42, 0x03], bpdu))), 'Ethernet/LLC/STP');
  const snapped = cat([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), ping);
  assert.equal(layersOf(eth(snapped.length, snapped)), 'Ethernet/LLC/SNAP/IPv4/ICMPv4/Payload');
  assert.equal(layersOf(eth(3, [0xf0, 0xf0, 0x03])), 'Ethernet/LLC');
  assert.equal(layersOf(eth(4, [0xe0, 0xe0, 0x03, 1])), 'Ethernet/LLC !3');
});

it("decodes Linux SLL (LayersPath keeps Skydive's leading slash) and BSD loopback", () => {
  const sll = cat([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0], be16(0x0800), ipv4(6, tcp(1, 2)));
  const f = createDecodedFrame();
  assert.equal(layersOf(sll, 113, {}, f), 'Linux SLL/IPv4/TCP');
  assert.equal(layersPath(f), '/IPv4/TCP');
  assert.equal(layersOf(cat([2, 0, 0, 0], ping), 0), 'Loopback/IPv4/ICMPv4/Payload');
  assert.equal(layersOf(cat([0, 0, 0, 30], ipv6(59, [1, 2])), 0), 'Loopback/IPv6/Payload');
  assert.equal(layersOf(cat([1, 2, 3, 4], ping), 0), ' !2');
});

it('decodes raw IP link types by version nibble', () => {
  for (const lt of [101, 12, 14]) assert.equal(layersOf(ping, lt), 'IPv4/ICMPv4/Payload');
  assert.equal(layersOf(ipv6(58, [128, 0, 0, 0, 0, 1, 0, 1]), 101), 'IPv6/ICMPv6/ICMPv6Echo');
  assert.equal(layersOf(ping, 228), 'IPv4/ICMPv4/Payload');
  assert.equal(layersOf(new Uint8Array([0x50, 1, 2]), 101), ' !3');
  assert.equal(layersOf(ping, 9999), ' !3');
});

it('decodes ARP and stops on a truncated one', () => {
  const arp = [0, 1, 8, 0, 6, 4, 0, 1, ...new Array(20).fill(1)];
  assert.equal(layersOf(eth(0x0806, arp)), 'Ethernet/ARP');
  assert.equal(layersOf(eth(0x0806, cat(arp, [0, 0, 0]))), 'Ethernet/ARP/Payload');
  assert.equal(layersOf(eth(0x0806, arp.slice(0, 20))), 'Ethernet !1');
});

it('decodes an MPLS stack then guesses IPv4, IPv6 or Ethernet', () => {
  assert.equal(
    layersOf(eth(0x8847, mpls(16, false, mpls(17, true, ping)))),
    'Ethernet/MPLS/MPLS/IPv4/ICMPv4/Payload',
  );
  assert.equal(layersOf(eth(0x8847, mpls(16, true, ipv6(59, [], 0)))), 'Ethernet/MPLS/Ethernet');
  assert.equal(layersOf(eth(0x8847, mpls(16, true, ipv6(6, tcp(1, 2))))), 'Ethernet/MPLS/IPv6/TCP');
  assert.equal(
    layersOf(eth(0x8847, mpls(16, true, eth(0x0800, ping)))),
    'Ethernet/MPLS/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(layersOf(eth(0x8847, [0, 1])), 'Ethernet !1');
});

it('stops with TooManyLayers when the frame holds fewer layers than the packet', () => {
  const f = createDecodedFrame(3);
  new FrameDecoder().decode(1, eth(0x0800, ping), f);
  assert.equal(f.count, 3);
  assert.equal(f.error, DecodeError.TooManyLayers);
});

it('decodes PPPoE sessions to PPP and IP, and stops on discovery', () => {
  const ip = ipv4(1, icmpEcho(1, 1));
  const session = cat([0x11, 0x00], be16(7), be16(ip.length + 2), [0x00, 0x21], ip);
  assert.equal(layersOf(eth(0x8864, session)), 'Ethernet/PPPoE/PPP/IPv4/ICMPv4');
  assert.equal(layersOf(eth(0x8864, session.subarray(0, 20))), 'Ethernet !1');
  assert.equal(
    layersOf(eth(0x8863, cat([0x11, 0x09], be16(0), be16(4), [1, 1, 0, 0]))),
    'Ethernet/PPPoE !3',
  );
  assert.equal(layersOf(cat([0xff, 0x03, 0x00, 0x57], ipv6(59, [1])), 9), 'PPP/IPv6/Payload');
  assert.equal(layersOf(cat([0x21], ip), 9), 'PPP/IPv4/ICMPv4');
  assert.equal(layersOf(cat([0x00, 0x20], ip), 9), ' !2');
});

it('decodes CDP behind LLC/SNAP as CiscoDiscovery/CiscoDiscoveryInfo', () => {
  const tlvs = [0, 1, 0, 8, 0x72, 0x31, 0x2d, 0x61, 0, 3, 0, 6, 0x47, 0x30];
  const cdpFrame = (body: number[]) => {
    const snap = cat([0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c], be16(0x2000), body);
    return eth(snap.length, snap, [0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
  };
  assert.equal(
    layersOf(cdpFrame([2, 180, 0, 0, ...tlvs])),
    'Ethernet/LLC/SNAP/CiscoDiscovery/CiscoDiscoveryInfo',
  );
  assert.equal(layersOf(cdpFrame([3, 180, 0, 0, ...tlvs])), 'Ethernet/LLC/SNAP !2');
  assert.equal(layersOf(cdpFrame([2, 180, 0, 0, 0, 1, 0, 2])), 'Ethernet/LLC/SNAP !2');
  assert.equal(layersOf(cdpFrame([2, 180, 0, 0, 0, 1, 0, 40, 1])), 'Ethernet/LLC/SNAP !1');
});
