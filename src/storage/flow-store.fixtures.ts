// SPDX-License-Identifier: Apache-2.0
// Flows for the FlowStore conformance suite and benchmark: seven hand-made flows covering every
// layer shape (TCP, DNS over UDP, ICMP, ARP, IPv6, odd types), and a seeded generator of many.
import type { StoredFlow } from './flow-store.js';

const metric = (ab: number, start: number, last: number, rtt?: number) => ({
  ABPackets: Math.ceil(ab / 100),
  ABBytes: ab,
  BAPackets: 1,
  BABytes: ab * 2,
  Start: start,
  Last: last,
  ...(rtt === undefined ? {} : { RTT: rtt }),
});

const eth = (a: string, b: string) => ({ Protocol: 'ETHERNET', A: a, B: b, ID: 0 });
const ip = (a: string, b: string, v6 = false) => ({
  Protocol: v6 ? 'IPV6' : 'IPV4',
  A: a,
  B: b,
  ID: 0,
});
const tp = (p: string, a: number, b: number) => ({ Protocol: p, A: a, B: b, ID: 0 });

/** Seven flows; the suite's expected answers are written against them. */
export function sampleFlows(): StoredFlow[] {
  return [
    {
      UUID: 'f1',
      LayersPath: 'Ethernet/IPv4/TCP',
      Application: 'TCP',
      TrackingID: 't1',
      L3TrackingID: 'l1',
      NodeTID: 'n1',
      CaptureID: 'c1',
      ParentUUID: '',
      Start: 1000,
      Last: 5000,
      Link: eth('aa:aa', 'bb:bb'),
      Network: ip('10.0.0.1', '10.0.0.2'),
      Transport: tp('TCP', 40000, 80),
      Metric: metric(1000, 1000, 5000, 100),
    },
    {
      UUID: 'f2',
      LayersPath: 'Ethernet/IPv4/TCP',
      Application: 'TCP',
      TrackingID: 't1',
      L3TrackingID: 'l1',
      NodeTID: 'n2',
      CaptureID: 'c1',
      ParentUUID: '',
      Start: 1100,
      Last: 5100,
      Link: eth('aa:aa', 'bb:bb'),
      Network: ip('10.0.0.1', '10.0.0.2'),
      Transport: tp('TCP', 40001, 80),
      Metric: metric(900, 1100, 5100),
    },
    {
      UUID: 'f3',
      LayersPath: 'Ethernet/IPv4/UDP/DNS',
      Application: 'DNS',
      TrackingID: 't3',
      NodeTID: 'n1',
      ParentUUID: 'f1',
      Start: 2000,
      Last: 2500,
      Network: ip('192.168.1.5', '8.8.8.8'),
      Transport: tp('UDP', 5353, 53),
      Metric: metric(120, 2000, 2500),
      FinishType: 1,
    },
    {
      UUID: 'f4',
      LayersPath: 'Ethernet/IPv4/ICMPv4',
      Application: 'ICMPv4',
      TrackingID: 't4',
      NodeTID: 'n2',
      Start: 6000,
      Last: 9000,
      Network: ip('10.1.2.3', '10.0.0.1'),
      ICMP: { Type: 'ECHO', Code: 0, ID: 7 },
      Metric: metric(84, 6000, 9000),
    },
    {
      UUID: 'f5',
      LayersPath: 'Ethernet/ARP',
      Application: 'ARP',
      TrackingID: 't5',
      Start: 500,
      Last: 700,
      Link: eth('cc:cc', 'ff:ff'),
      Metric: metric(42, 500, 700),
    },
    {
      UUID: 'f6',
      LayersPath: 'Ethernet/IPv6/TCP',
      Application: 'TCP',
      TrackingID: 't6',
      NodeTID: 'n1',
      Start: 3000,
      Last: 10000,
      Network: ip('fe80::1', 'fe80::2', true),
      Transport: tp('TCP', 50000, 443),
      Metric: metric(50000, 3000, 10000),
    },
    {
      UUID: 'f7',
      Application: 'UDP',
      TrackingID: 't7',
      Start: 4000,
      Last: 4000,
      // malformed on purpose: a number where Skydive has a string, and a key of no layer
      Network: { Protocol: 'IPV4', A: 42, B: '10.0.0.9', ID: 0 },
      Custom: { Flag: true, Name: 'x' },
    },
  ];
}

/** A deterministic pseudo-random generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` varied flows from a seed: a few hosts, ports and applications, times over 100 s. */
export function generateFlows(n: number, seed = 1, prefix = 'g'): StoredFlow[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const apps = ['TCP', 'UDP', 'DNS', 'ICMPv4', 'ARP', 'HTTP'] as const;
  const out: StoredFlow[] = [];
  for (let i = 0; i < n; i++) {
    const app = pick(apps);
    const start = Math.floor(r() * 100_000);
    const last = start + Math.floor(r() * 20_000);
    const a = `10.0.${Math.floor(r() * 4)}.${1 + Math.floor(r() * 20)}`;
    const b = `192.168.${Math.floor(r() * 3)}.${1 + Math.floor(r() * 20)}`;
    const f: StoredFlow = {
      UUID: `${prefix}${i.toString(16).padStart(6, '0')}`,
      LayersPath: `Ethernet/IPv4/${app}`,
      Application: app,
      TrackingID: `tr${Math.floor(r() * (n / 3 + 1))}`,
      L3TrackingID: `l3${Math.floor(r() * (n / 3 + 1))}`,
      NodeTID: pick(['n1', 'n2', 'n3']),
      CaptureID: pick(['c1', 'c2']),
      Start: start,
      Last: last,
      Metric: metric(Math.floor(r() * 100_000), start, last),
      LastUpdateMetric: metric(Math.floor(r() * 1000), Math.max(start, last - 1000), last),
    };
    if (app !== 'ARP') f['Network'] = ip(a, b);
    if (app === 'TCP' || app === 'UDP' || app === 'DNS' || app === 'HTTP')
      f['Transport'] = tp(
        app === 'DNS' ? 'UDP' : 'TCP',
        1024 + Math.floor(r() * 60000),
        pick([53, 80, 443]),
      );
    if (app === 'ICMPv4') f['ICMP'] = { Type: 'ECHO', Code: 0, ID: Math.floor(r() * 100) };
    if (r() < 0.1) f['FinishType'] = 2;
    out.push(f);
  }
  return out;
}
