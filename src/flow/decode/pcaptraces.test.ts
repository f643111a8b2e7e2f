// SPDX-License-Identifier: Apache-2.0
// Every capture of shared/pcaptraces decodes to the LayersPath values Skydive's own flow tests expect
// (per encapsulation level), damaged ones give counted errors, and IPv4 reassembly matches IPMetric.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FrameDecoder } from './decode.js';
import type { FrameDecoderOptions } from './decode.js';
import { createDecodedFrame, DecodeError, FragmentState, layersPath } from './layers.js';
import { encapsulationLevels } from './levels.js';
import { readPcapRecords } from './testing/pcap-records.js';

const dir =
  process.env['SKYDIVE_PCAPTRACES'] ??
  new URL('../../../test/fixtures/pcaptraces', import.meta.url).pathname;

/** Distinct "level | level" LayersPath chains of a capture, with the decoder's stats. */
function chains(file: string, opts: Partial<FrameDecoderOptions> = {}, linkType?: number) {
  const { linkType: lt, records } = readPcapRecords(`${dir}/${file}`);
  const dec = new FrameDecoder({ extraLayers: 0, ipDefrag: false, ...opts });
  const f = createDecodedFrame();
  const starts = new Uint32Array(8);
  const seen = new Set<string>();
  const frames: { chain: string; error: number; fragment: number; fragments: number }[] = [];
  for (const r of records) {
    dec.decode(linkType ?? lt, r.data, f, r.timestampMicros);
    const n = encapsulationLevels(f, starts);
    const levels: string[] = [];
    for (let i = 0; i < n; i++)
      levels.push(layersPath(f, starts[i], i + 1 < n ? starts[i + 1] : f.count));
    const chain = levels.join(' | ');
    seen.add(chain);
    frames.push({ chain, error: f.error, fragment: f.fragment, fragments: f.ipFragments });
  }
  return { seen: [...seen].sort(), stats: dec.stats, frames, defrag: dec.defrag };
}

describe('pcaptraces', () => {
  const expected: Record<string, string[]> = {
    'dns.pcap': ['Ethernet/IPv4/UDP/DNS'],
    'eth-ip4-arp-dns-req-http-google.pcap': [
      'Ethernet/ARP',
      'Ethernet/IPv4/TCP',
      'Ethernet/IPv4/UDP/DNS',
    ],
    'eth-ipv4-tcp-http-ooo.pcap': ['Ethernet/IPv4/TCP'],
    'erspanII.pcap': ['Ethernet/IPv4/GRE | Ethernet/IPv4/ICMPv4'],
    'geneve.pcap': [
      'Ethernet/IPv4/UDP/Geneve | Ethernet/IPv4/ICMPv4',
      'Ethernet/IPv4/UDP/Geneve | Ethernet/IPv4/TCP',
    ],
    'gre-gre-icmpv4.pcap': ['Ethernet/IPv4/GRE | IPv4/GRE | IPv4/ICMPv4'],
    'gre-mpls-icmpv4.pcap': ['Ethernet/IPv4/GRE/MPLS | IPv4/ICMPv4'],
    'icmp-vlan.pcap': ['Ethernet/Dot1Q/IPv4/ICMPv4'],
    'icmpv4-4vlanQinQ-id-8-10-20-30.pcap': [
      'Ethernet/Dot1Q/ARP',
      'Ethernet/Dot1Q/Dot1Q/ARP',
      'Ethernet/Dot1Q/Dot1Q/Dot1Q/ARP',
      'Ethernet/Dot1Q/Dot1Q/Dot1Q/Dot1Q/ARP',
      'Ethernet/Dot1Q/Dot1Q/Dot1Q/Dot1Q/IPv4/ICMPv4',
      'Ethernet/Dot1Q/Dot1Q/Dot1Q/IPv4/ICMPv4',
      'Ethernet/Dot1Q/Dot1Q/IPv4/ICMPv4',
      'Ethernet/Dot1Q/IPv4/ICMPv4',
    ],
    'icmpv4-symetric.pcap': ['Ethernet/IPv4/ICMPv4'],
    'icmpv4-truncated.pcap': ['Ethernet/IPv4/ICMPv4'],
    'iperf-same-L2L3.pcap': ['Ethernet/IPv4/TCP'],
    'ipv4-fragments.pcap': ['Ethernet/IPv4/Fragment', 'Ethernet/IPv4/ICMPv4'],
    'layer-key-mode.pcap': ['Ethernet/IPv4/ICMPv4'],
    'lldp-detailed.pcap': ['Ethernet/LinkLayerDiscovery/LinkLayerDiscoveryInfo'],
    'ntp-corrupted.pcap': ['Ethernet/Dot1Q/IPv4/UDP'],
    'ping-with-without-ethernet.pcap': [
      'Ethernet/IPv4/GRE/MPLS | IPv4/ICMPv4',
      'Ethernet/IPv4/ICMPv4',
    ],
    'simple-tcpv4.pcap': ['Ethernet/IPv4/TCP'],
    'simple-tcpv6.pcap': ['Ethernet/IPv6/TCP'],
    'vxlan-icmpv4-truncated.pcap': ['Ethernet/IPv4/UDP/VXLAN | Ethernet/IPv4/ICMPv4'],
    'vxlan-src-port.pcap': ['Ethernet/IPv4/UDP/VXLAN | Ethernet/IPv4/TCP'],
  };

  for (const [file, want] of Object.entries(expected)) {
    it(`${file} gives Skydive's LayersPath`, () => assert.deepEqual(chains(file).seen, want));
  }

  it('covers every capture of the directory', () => {
    const files = readdirSync(dir).filter((n) => n.endsWith('.pcap'));
    const tested = new Set([
      ...Object.keys(expected),
      'contrail-udp-mpls-eth-and-ipv4.pcap',
      'link-type-12.pcap',
    ]);
    assert.deepEqual(
      files.filter((n) => !tested.has(n)),
      [],
    );
  });

  it('contrail: MPLS over the node MPLSUDPPort carries IPv4 or Ethernet', () => {
    assert.deepEqual(
      chains('contrail-udp-mpls-eth-and-ipv4.pcap', { mplsUdpPorts: [51234] }).seen,
      ['Ethernet/IPv4/UDP/MPLS | Ethernet/IPv4/TCP', 'Ethernet/IPv4/UDP/MPLS | IPv4/ICMPv4'],
    );
    // Without the port, the UDP payload stays Payload (Skydive registers no MPLS port by default).
    assert.deepEqual(chains('contrail-udp-mpls-eth-and-ipv4.pcap').seen, ['Ethernet/IPv4/UDP']);
  });

  it('link-type-12 read as raw IP gives IPv4/TCP', () => {
    assert.deepEqual(chains('link-type-12.pcap', {}, 12).seen, ['IPv4/TCP']);
    assert.deepEqual(chains('link-type-12.pcap', {}, 101).seen, ['IPv4/TCP']);
  });

  it('damaged captures give counted errors, not exceptions', () => {
    const ntp = chains('ntp-corrupted.pcap');
    assert.equal(ntp.stats.packets, 1);
    assert.equal(ntp.stats.errors[DecodeError.Truncated], 1);
    for (const file of ['icmpv4-truncated.pcap', 'vxlan-icmpv4-truncated.pcap']) {
      const c = chains(file);
      assert.equal(c.stats.truncated, 2, file);
      assert.equal(c.stats.errors[DecodeError.None], 2, file);
    }
  });

  it('ipv4-fragments with ipDefrag: one datagram, Fragments 1, FragmentErrors 0', () => {
    const c = chains('ipv4-fragments.pcap', { ipDefrag: true });
    const done = c.frames.filter((f) => f.fragment === FragmentState.Reassembled);
    assert.equal(done.length, 1);
    assert.equal(done[0]!.chain, 'Ethernet/IPv4/Fragment/ICMPv4');
    assert.equal(done[0]!.fragments, 1);
    assert.equal(c.frames.filter((f) => f.fragment === FragmentState.Held).length, 1);
    assert.equal(c.defrag?.stats.reassembled, 1);
    assert.equal(c.defrag?.size, 0);
  });
});
