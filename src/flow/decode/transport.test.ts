// SPDX-License-Identifier: Apache-2.0
// Crafted transport and tunnel packets: TCP options and offsets, UDP lengths and port dispatch, SCTP,
// ICMPv6 messages, GRE flags and payload types, ERSPAN II, VXLAN (4789/8472), GENEVE options.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FrameDecoder } from './decode.js';
import * as fields from './fields.js';
import { createDecodedFrame, findLayer, Layer } from './layers.js';
import {
  be16,
  cat,
  eth,
  gre,
  icmpEcho,
  ipv4,
  ipv6,
  mpls,
  tcp,
  udp,
  vxlan,
  layersOf,
} from './testing/craft.js';

const e4 = (proto: number, p: Uint8Array) => eth(0x0800, ipv4(proto, p));
const inner = eth(0x0800, ipv4(1, icmpEcho(7, 1, [1, 2, 3, 4])));

it('checks TCP data offset and options, keeps option offsets for later', () => {
  const mss = [2, 4, 5, 0xb4];
  const f = createDecodedFrame();
  assert.equal(
    layersOf(e4(6, tcp(1, 2, 0x02, [1, 1, ...mss, 4, 2])), 1, {}, f),
    'Ethernet/IPv4/TCP',
  );
  assert.equal(fields.tcpOption(f, 2, 2), f.offsets[2]! + 20 + 2 + 2);
  assert.equal(fields.tcpOption(f, 2, 8), -1);
  assert.equal(layersOf(e4(6, tcp(1, 2, 0x02, [5, 1, 0, 0]))), 'Ethernet/IPv4/TCP !2');
  assert.equal(layersOf(e4(6, tcp(1, 2, 0x02, [5, 9, 0, 0]))), 'Ethernet/IPv4/TCP !1');
  const badOffset = tcp(1, 2);
  badOffset[12] = 0x40;
  assert.equal(layersOf(e4(6, badOffset)), 'Ethernet/IPv4/TCP !2');
  badOffset[12] = 0xf0;
  assert.equal(layersOf(e4(6, badOffset)), 'Ethernet/IPv4/TCP !1');
  assert.equal(layersOf(e4(6, tcp(1, 2).subarray(0, 19))), 'Ethernet/IPv4 !1');
  // gopacket never decodes TCP payloads by port (DNS over TCP stays Payload).
  assert.equal(
    layersOf(e4(6, tcp(5353, 53, 0x18, [], [0, 12, 1, 2]))),
    'Ethernet/IPv4/TCP/Payload',
  );
});

it('ends UDP at its Length and picks the next layer by destination then source port', () => {
  const f = createDecodedFrame();
  assert.equal(
    layersOf(e4(17, udp(1, 2, [1, 2, 3, 4], 10)), 1, {}, f),
    'Ethernet/IPv4/UDP/Payload',
  );
  assert.equal(f.lengths[3], 2);
  assert.equal(layersOf(e4(17, udp(1, 2, [1], 5))), 'Ethernet/IPv4/UDP !2');
  assert.equal(layersOf(e4(17, udp(1, 2, [1], 0))), 'Ethernet/IPv4/UDP/Payload');
  assert.equal(
    layersOf(e4(17, udp(4789, 40000, vxlan(5, inner)))),
    'Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(
    layersOf(e4(17, udp(40000, 8472, vxlan(5, inner)))),
    'Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(
    layersOf(e4(17, udp(40000, 6635, mpls(3, true, inner)))),
    'Ethernet/IPv4/UDP/Payload',
  );
  assert.equal(
    layersOf(e4(17, udp(40000, 6635, mpls(3, true, inner))), 1, { mplsUdpPorts: [6635] }),
    'Ethernet/IPv4/UDP/MPLS/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(layersOf(e4(17, udp(1, 2).subarray(0, 7))), 'Ethernet/IPv4 !1');
});

it('decodes SCTP, ICMPv4 and ICMPv6 messages', () => {
  const sctp = (...chunks: number[][]) =>
    e4(132, cat(be16(1), be16(2), [0, 0, 0, 1, 0, 0, 0, 0], ...chunks));
  const init = [1, 0, 0, 20, ...new Array(16).fill(1)];
  assert.equal(layersOf(sctp(init)), 'Ethernet/IPv4/SCTP/SCTPInit');
  assert.equal(
    layersOf(sctp([1, 0, 0, 28, ...new Array(16).fill(1), 0, 5, 0, 8, 0, 0, 0, 0])),
    'Ethernet/IPv4/SCTP/SCTPInit',
  );
  assert.equal(
    layersOf(sctp([1, 0, 0, 28, ...new Array(16).fill(1), 0, 5, 0, 2, 0, 0, 0, 0])),
    'Ethernet/IPv4/SCTP !2',
  );
  const sack = [3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0];
  const data = [0, 3, 0, 19, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x62, 0x63, 0];
  assert.equal(layersOf(sctp(sack, data)), 'Ethernet/IPv4/SCTP/SCTPSack/SCTPData/Payload');
  assert.equal(
    layersOf(sctp([11, 0, 0, 4], [14, 0, 0, 4])),
    'Ethernet/IPv4/SCTP/SCTPCookieAck/SCTPShutdownComplete',
  );
  assert.equal(
    layersOf(sctp([4, 0, 0, 12, 0, 1, 0, 8, 1, 2, 3, 4])),
    'Ethernet/IPv4/SCTP/SCTPHeartbeat',
  );
  assert.equal(layersOf(sctp([200, 0, 0, 4])), 'Ethernet/IPv4/SCTP !3');
  assert.equal(layersOf(sctp([7, 0, 0, 3])), 'Ethernet/IPv4/SCTP !2');
  assert.equal(layersOf(sctp([7, 0, 0, 8, 0, 0])), 'Ethernet/IPv4/SCTP !1');
  assert.equal(layersOf(e4(132, new Uint8Array(11))), 'Ethernet/IPv4 !1');
  assert.equal(layersOf(e4(1, icmpEcho(1, 1).subarray(0, 7))), 'Ethernet/IPv4 !1');
  const e6 = (p: Uint8Array) => eth(0x86dd, ipv6(58, p));
  const f = createDecodedFrame();
  assert.equal(
    layersOf(e6(cat([128, 0, 0, 0], be16(77), be16(1), [9])), 1, {}, f),
    'Ethernet/IPv6/ICMPv6/ICMPv6Echo/Payload',
  );
  assert.equal(fields.icmpId(f, findLayer(f, Layer.ICMPv6Echo)), 77);
  const target = new Array(16).fill(0xfe);
  assert.equal(
    layersOf(e6(cat([135, 0, 0, 0, 0, 0, 0, 0], target, [1, 1, 2, 0, 0, 0, 0, 1]))),
    'Ethernet/IPv6/ICMPv6/ICMPv6NeighborSolicitation',
  );
  assert.equal(
    layersOf(e6(cat([135, 0, 0, 0, 0, 0, 0, 0], target, [1, 0, 2, 0, 0, 0, 0, 1]))),
    'Ethernet/IPv6/ICMPv6 !2',
  );
  assert.equal(
    layersOf(e6(cat([133, 0, 0, 0, 0, 0, 0, 0]))),
    'Ethernet/IPv6/ICMPv6/ICMPv6RouterSolicitation',
  );
  assert.equal(
    layersOf(e6(cat([143, 0, 0, 0, 0, 0, 0, 0]))),
    'Ethernet/IPv6/ICMPv6/MLDv2MulticastListenerReport',
  );
  assert.equal(layersOf(e6(cat([1, 4, 0, 0, 0, 0, 0, 0]))), 'Ethernet/IPv6/ICMPv6/Payload');
});

it('decodes GRE with checksum, key and sequence, by protocol type', () => {
  const f = createDecodedFrame();
  const frame = e4(
    47,
    gre(0x0800, ipv4(1, icmpEcho(1, 1)), { csum: true, key: 0x01020304, seq: 9 }),
  );
  assert.equal(layersOf(frame, 1, {}, f), 'Ethernet/IPv4/GRE/IPv4/ICMPv4');
  assert.equal(f.headerLengths[2], 16);
  assert.equal(fields.greKey(f, 2), 0x01020304);
  assert.equal(
    layersOf(e4(47, gre(0x6558, inner, { key: 1 }))),
    'Ethernet/IPv4/GRE/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(
    layersOf(e4(47, gre(0x8847, mpls(5, true, ipv4(1, icmpEcho(1, 1)))))),
    'Ethernet/IPv4/GRE/MPLS/IPv4/ICMPv4',
  );
  assert.equal(
    layersOf(e4(47, gre(0x88be, cat([0x10, 0, 0, 1, 0, 0, 0, 0], inner)))),
    'Ethernet/IPv4/GRE/ERSPAN Type II/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(layersOf(e4(47, gre(0x88be, [0x10, 0, 0, 1]))), 'Ethernet/IPv4/GRE !1');
  assert.equal(layersOf(e4(47, gre(0x0800, [], { key: 1 }).subarray(0, 6))), 'Ethernet/IPv4 !1');
  assert.equal(
    layersOf(e4(47, cat([0x40, 0, 8, 0, 0, 0, 0, 0], [0, 0, 0, 0], ipv4(1, icmpEcho(1, 1))))),
    'Ethernet/IPv4/GRE/IPv4/ICMPv4',
  );
});

it('decodes GENEVE with options and reads its VNI', () => {
  const opt = [0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4]; // class, type, length 1 word
  const gnv = cat([0x02, 0], be16(0x6558), [0, 0, 42, 0], opt, inner);
  const f = createDecodedFrame();
  assert.equal(
    layersOf(e4(17, udp(1, 6081, gnv)), 1, {}, f),
    'Ethernet/IPv4/UDP/Geneve/Ethernet/IPv4/ICMPv4/Payload',
  );
  assert.equal(fields.vni(f, 3), 42);
  assert.equal(f.headerLengths[3], 16);
  assert.equal(
    layersOf(e4(17, udp(1, 6081, cat([0x04, 0], be16(0x6558), [0, 0, 42, 0], opt)))),
    'Ethernet/IPv4/UDP !1',
  );
  assert.equal(
    layersOf(
      e4(
        17,
        udp(1, 6081, cat([0x02, 0], be16(0x6558), [0, 0, 42, 0], [1, 2, 0x80, 0x03, 0, 0, 0, 0])),
      ),
    ),
    'Ethernet/IPv4/UDP !2',
  );
});

it('decodes a batch in place, offsets relative to the batch buffer', async () => {
  const { PacketBatchBuilder } = await import('../packet.js');
  const b = new PacketBatchBuilder(1);
  b.push(inner, 1);
  b.push(e4(17, udp(1, 53, [1])), 2);
  b.push(new Uint8Array(5), 3);
  const dec = new FrameDecoder();
  const seen: string[] = [];
  dec.decodeBatch(b.take(), createDecodedFrame(), (i, f) =>
    seen.push(`${i}:${f.count}:${f.count ? f.offsets[0] : '-'}:${f.error}`),
  );
  assert.deepEqual(seen, [`0:4:0:0`, `1:3:${inner.length}:1`, `2:0:-:1`]);
  assert.equal(dec.stats.packets, 3);
  assert.equal(dec.stats.errors[1], 2);
});

it('checks MLDv2 queries and reports', () => {
  const e6 = (p: Uint8Array) => eth(0x86dd, ipv6(58, p));
  const group = new Array(16).fill(0xff);
  const query = cat([130, 0, 0, 0], [0, 10, 0, 0], group, [0, 0], be16(1), new Array(16).fill(1));
  assert.equal(layersOf(e6(query)), 'Ethernet/IPv6/ICMPv6/MLDv2MulticastListenerQuery');
  assert.equal(
    layersOf(e6(cat(query.subarray(0, 26), be16(2), query.subarray(28)))),
    'Ethernet/IPv6/ICMPv6 !1',
  );
  const record = cat([4, 0], be16(0), group);
  const report = cat([143, 0, 0, 0], [0, 0], be16(2), record, record);
  assert.equal(layersOf(e6(report)), 'Ethernet/IPv6/ICMPv6/MLDv2MulticastListenerReport');
  assert.equal(
    layersOf(e6(cat([143, 0, 0, 0], [0, 0], be16(3), record, record))),
    'Ethernet/IPv6/ICMPv6 !1',
  );
});
