// SPDX-License-Identifier: Apache-2.0
// Writes sFlow v5 datagrams (XDR): flow samples with raw packet headers and counter samples with
// generic interface counters. Tests and benchmarks use it to make real datagrams.
import type { IfCounters } from './counters.js';

/** A flow sample to encode. */
export interface FlowSampleSpec {
  expanded?: boolean;
  sequence?: number;
  sourceIndex?: number;
  samplingRate: number;
  samplePool?: number;
  drops?: number;
  input?: number;
  output?: number;
  /** Raw packet header records: the frame bytes and its length on the wire. */
  packets: Array<{
    header: Uint8Array;
    frameLength?: number;
    stripped?: number;
    protocol?: number;
  }>;
}

/** A counter sample to encode. */
export interface CounterSampleSpec {
  sequence?: number;
  sourceIndex: number;
  generic?: IfCounters;
}

/** A datagram to encode. */
export interface DatagramSpec {
  agent?: string;
  subAgentId?: number;
  sequence?: number;
  uptime?: number;
  samples: Array<FlowSampleSpec | CounterSampleSpec>;
}

class Xdr {
  bytes: number[] = [];
  u32(v: number): this {
    this.bytes.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    return this;
  }
  u64(v: number): this {
    return this.u32(Math.floor(v / 4294967296)).u32(v % 4294967296);
  }
  opaque(b: Uint8Array): this {
    this.bytes.push(...b);
    while (this.bytes.length % 4) this.bytes.push(0);
    return this;
  }
  /** Appends `format, length, body`. */
  item(format: number, body: Xdr): this {
    return this.u32(format).u32(body.bytes.length).opaque(Uint8Array.from(body.bytes));
  }
}

function flowSample(s: FlowSampleSpec): Xdr {
  const x = new Xdr().u32(s.sequence ?? 1);
  const index = s.sourceIndex ?? 1;
  if (s.expanded) x.u32(0).u32(index);
  else x.u32(index & 0xffffff);
  x.u32(s.samplingRate)
    .u32(s.samplePool ?? 0)
    .u32(s.drops ?? 0);
  if (s.expanded)
    x.u32(0)
      .u32(s.input ?? 0)
      .u32(0)
      .u32(s.output ?? 0);
  else x.u32(s.input ?? 0).u32(s.output ?? 0);
  x.u32(s.packets.length);
  for (const p of s.packets) {
    const rec = new Xdr()
      .u32(p.protocol ?? 1)
      .u32(p.frameLength ?? p.header.length)
      .u32(p.stripped ?? 0)
      .u32(p.header.length)
      .opaque(p.header);
    x.item(1, rec);
  }
  return x;
}

function counterSample(s: CounterSampleSpec): Xdr {
  const x = new Xdr()
    .u32(s.sequence ?? 1)
    .u32(s.sourceIndex & 0xffffff)
    .u32(s.generic ? 1 : 0);
  const g = s.generic;
  if (g) {
    const r = new Xdr().u32(g.ifIndex).u32(g.ifType).u64(g.ifSpeed).u32(g.ifDirection);
    r.u32(g.ifStatus).u64(g.ifInOctets).u32(g.ifInUcastPkts).u32(g.ifInMulticastPkts);
    r.u32(g.ifInBroadcastPkts).u32(g.ifInDiscards).u32(g.ifInErrors).u32(g.ifInUnknownProtos);
    r.u64(g.ifOutOctets).u32(g.ifOutUcastPkts).u32(g.ifOutMulticastPkts);
    r.u32(g.ifOutBroadcastPkts).u32(g.ifOutDiscards).u32(g.ifOutErrors).u32(g.ifPromiscuousMode);
    x.item(1, r);
  }
  return x;
}

/** Encodes one sFlow v5 datagram with an IPv4 agent address. */
export function encodeDatagram(d: DatagramSpec): Uint8Array {
  const x = new Xdr().u32(5).u32(1);
  for (const part of (d.agent ?? '127.0.0.1').split('.')) x.bytes.push(Number(part) & 255);
  x.u32(d.subAgentId ?? 0)
    .u32(d.sequence ?? 1)
    .u32(d.uptime ?? 0)
    .u32(d.samples.length);
  for (const s of d.samples) {
    if ('packets' in s) x.item(s.expanded ? 3 : 1, flowSample(s));
    else x.item(2, counterSample(s));
  }
  return Uint8Array.from(x.bytes);
}
