// SPDX-License-Identifier: Apache-2.0
// sFlow v5 datagram decoder (XDR): flow samples and expanded flow samples whose raw packet header
// records become PacketBatch packets (with their sampling rate), and counter samples. Every length is
// checked; a bad sample or record is counted and skipped by its length, never thrown.
import { LinkType, PacketBatchBuilder, type PacketBatch } from '../packet.js';
import {
  COUNTER_FORMAT,
  COUNTER_MIN_LEN,
  readAppResources,
  readEthernet,
  readGeneric,
  readOvsDp,
  readVlan,
  type SFlowCounterSample,
} from './counters.js';

/** Counters of a decoder (monotonic). */
export interface SFlowStats {
  datagrams: number;
  /** Datagrams refused whole: too short, not version 5, bad agent address type. */
  badDatagrams: number;
  flowSamples: number;
  counterSamples: number;
  /** Samples of formats we do not read, skipped by length. */
  unknownSamples: number;
  /** Flow or counter records of formats we do not read, skipped by length. */
  unknownRecords: number;
  /** Samples or records whose lengths do not fit: counted, the rest of the sample skipped. */
  malformed: number;
  /** Raw packet header records turned into packets. */
  packets: number;
  /** Raw packet headers of a protocol with no pcap link type we decode (e.g. FDDI). */
  unsupportedHeaders: number;
}

/** What take() hands over. */
export interface SFlowOutput {
  /** Sampled packets, one batch per link type, each with `samplingRates`. */
  batches: PacketBatch[];
  counters: SFlowCounterSample[];
}

/** sFlow header_protocol → pcap link type. */
const HEADER_LINK: Record<number, number> = {
  1: LinkType.ETHERNET, // ISO 8802-3 (Ethernet)
  11: LinkType.IPV4,
  12: LinkType.IPV6,
};

const SAMPLE_FLOW = 1;
const SAMPLE_COUNTER = 2;
const SAMPLE_FLOW_EXPANDED = 3;
const SAMPLE_COUNTER_EXPANDED = 4;
const RECORD_RAW_HEADER = 1;

class SampledBuilder {
  readonly packets: PacketBatchBuilder;
  rates = new Uint32Array(256);
  constructor(linkType: number) {
    this.packets = new PacketBatchBuilder(linkType);
  }
  push(data: Uint8Array, ts: number, wireLen: number, rate: number): void {
    const i = this.packets.count;
    if (i === this.rates.length) {
      const next = new Uint32Array(i * 2);
      next.set(this.rates);
      this.rates = next;
    }
    this.rates[i] = rate;
    this.packets.push(data, ts, wireLen);
  }
  take(): PacketBatch {
    const rates = this.rates;
    this.rates = new Uint32Array(Math.max(256, rates.length));
    return { ...this.packets.take(), samplingRates: rates };
  }
}

/** Formats an XDR agent address (type 1 IPv4, 2 IPv6). */
function formatAddress(dv: DataView, p: number, v6: boolean): string {
  if (!v6)
    return `${dv.getUint8(p)}.${dv.getUint8(p + 1)}.${dv.getUint8(p + 2)}.${dv.getUint8(p + 3)}`;
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(dv.getUint16(p + 2 * i).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/**
 * Decodes sFlow v5 datagrams into sampled packets (batched) and counter samples. Call decode() per
 * datagram, take() when a batch should leave (e.g. every tick or after N packets).
 */
export class SFlowDecoder {
  readonly stats: SFlowStats = {
    datagrams: 0,
    badDatagrams: 0,
    flowSamples: 0,
    counterSamples: 0,
    unknownSamples: 0,
    unknownRecords: 0,
    malformed: 0,
    packets: 0,
    unsupportedHeaders: 0,
  };
  /** The last problem seen, for status pages: what and where (byte offset in its datagram). */
  lastError: string | undefined;
  private readonly builders = new Map<number, SampledBuilder>();
  private counters: SFlowCounterSample[] = [];
  private agent = '';

  /** Packets waiting in the builders. */
  get pending(): number {
    let n = 0;
    for (const b of this.builders.values()) n += b.packets.count;
    return n;
  }

  /**
   * Decodes one datagram; `nowMicros` stamps its packets (sFlow carries no per-sample time).
   * Returns the number of samples read.
   */
  decode(dgram: Uint8Array, nowMicros: number): number {
    this.stats.datagrams++;
    const dv = new DataView(dgram.buffer, dgram.byteOffset, dgram.byteLength);
    const end = dgram.byteLength;
    if (end < 28 || dv.getUint32(0) !== 5) return this.badDatagram('not an sFlow v5 datagram');
    const addrType = dv.getUint32(4);
    if (addrType !== 1 && addrType !== 2) return this.badDatagram(`agent address type ${addrType}`);
    const v6 = addrType === 2;
    let p = v6 ? 24 : 12;
    if (end < p + 16) return this.badDatagram('datagram header is truncated');
    this.agent = formatAddress(dv, 8, v6);
    p += 12; // sub-agent ID, sequence number, uptime
    const samples = dv.getUint32(p);
    p += 4;
    let read = 0;
    for (let s = 0; s < samples; s++) {
      if (end - p < 8) {
        this.malformedAt(p, `sample ${s} of ${samples} is missing`);
        break;
      }
      const format = dv.getUint32(p);
      const len = dv.getUint32(p + 4);
      const body = p + 8;
      if (len > end - body || len % 4 !== 0) {
        this.malformedAt(p, `sample length ${len} overruns the datagram`);
        break;
      }
      const sampleEnd = body + len;
      switch (format) {
        case SAMPLE_FLOW:
        case SAMPLE_FLOW_EXPANDED:
          this.flowSample(dgram, dv, body, sampleEnd, format === SAMPLE_FLOW_EXPANDED, nowMicros);
          break;
        case SAMPLE_COUNTER:
        case SAMPLE_COUNTER_EXPANDED:
          this.counterSample(dv, body, sampleEnd, format === SAMPLE_COUNTER_EXPANDED);
          break;
        default:
          this.stats.unknownSamples++;
      }
      read++;
      p = sampleEnd;
    }
    return read;
  }

  /** Hands over the packets and counter samples collected since the last take(). */
  take(): SFlowOutput {
    const batches: PacketBatch[] = [];
    for (const b of this.builders.values()) if (b.packets.count > 0) batches.push(b.take());
    const counters = this.counters;
    this.counters = [];
    return { batches, counters };
  }

  private flowSample(
    buf: Uint8Array,
    dv: DataView,
    p: number,
    end: number,
    expanded: boolean,
    ts: number,
  ): void {
    const head = expanded ? 44 : 32;
    if (end - p < head) return this.malformedAt(p, 'flow sample header is truncated');
    this.stats.flowSamples++;
    const rate = dv.getUint32(p + (expanded ? 12 : 8)) || 1;
    const records = dv.getUint32(p + head - 4);
    p += head;
    for (let r = 0; r < records; r++) {
      if (end - p < 8) return this.malformedAt(p, `flow record ${r} of ${records} is missing`);
      const format = dv.getUint32(p);
      const len = dv.getUint32(p + 4);
      const body = p + 8;
      if (len > end - body) return this.malformedAt(p, `flow record length ${len} overruns`);
      if (format === RECORD_RAW_HEADER) this.rawHeader(buf, dv, body, len, rate, ts);
      else this.stats.unknownRecords++;
      p = body + ((len + 3) & ~3);
    }
  }

  private rawHeader(
    buf: Uint8Array,
    dv: DataView,
    p: number,
    len: number,
    rate: number,
    ts: number,
  ): void {
    if (len < 16) return this.malformedAt(p, 'raw packet header record is truncated');
    const protocol = dv.getUint32(p);
    const frameLength = dv.getUint32(p + 4);
    const stripped = dv.getUint32(p + 8);
    const headerLength = dv.getUint32(p + 12);
    if (headerLength > len - 16)
      return this.malformedAt(p, `header length ${headerLength} overruns`);
    const linkType = HEADER_LINK[protocol];
    if (linkType === undefined) {
      this.stats.unsupportedHeaders++;
      return;
    }
    let b = this.builders.get(linkType);
    if (!b) this.builders.set(linkType, (b = new SampledBuilder(linkType)));
    // Skydive takes the wire length as frame length minus the bytes the exporter stripped.
    const wire = frameLength > stripped ? frameLength - stripped : headerLength;
    b.push(buf.subarray(p + 16, p + 16 + headerLength), ts, wire, rate);
    this.stats.packets++;
  }

  private counterSample(dv: DataView, p: number, end: number, expanded: boolean): void {
    const head = expanded ? 16 : 12;
    if (end - p < head) return this.malformedAt(p, 'counter sample header is truncated');
    this.stats.counterSamples++;
    const sample: SFlowCounterSample = {
      agent: this.agent,
      sequence: dv.getUint32(p),
      sourceIdType: expanded ? dv.getUint32(p + 4) : dv.getUint8(p + 4),
      sourceIdIndex: expanded ? dv.getUint32(p + 8) : dv.getUint32(p + 4) & 0xffffff,
    };
    const records = dv.getUint32(p + head - 4);
    p += head;
    for (let r = 0; r < records; r++) {
      if (end - p < 8) {
        this.malformedAt(p, `counter record ${r} of ${records} is missing`);
        break;
      }
      const format = dv.getUint32(p);
      const len = dv.getUint32(p + 4);
      const body = p + 8;
      if (len > end - body) {
        this.malformedAt(p, `counter record length ${len} overruns`);
        break;
      }
      this.counterRecord(sample, dv, format, body, len);
      p = body + ((len + 3) & ~3);
    }
    this.counters.push(sample);
  }

  private counterRecord(
    sample: SFlowCounterSample,
    dv: DataView,
    format: number,
    p: number,
    len: number,
  ): void {
    const min = COUNTER_MIN_LEN[format];
    if (min === undefined) {
      this.stats.unknownRecords++;
      return;
    }
    if (len < min) return this.malformedAt(p, `counter record ${format} is ${len} bytes`);
    if (format === COUNTER_FORMAT.GENERIC) sample.generic = readGeneric(dv, p);
    else if (format === COUNTER_FORMAT.ETHERNET) sample.ethernet = readEthernet(dv, p);
    else if (format === COUNTER_FORMAT.VLAN) sample.vlan = readVlan(dv, p);
    else if (format === COUNTER_FORMAT.OVS_DP) sample.ovsDp = readOvsDp(dv, p);
    else if (format === COUNTER_FORMAT.APP_RESOURCES) sample.appResources = readAppResources(dv, p);
  }

  private badDatagram(why: string): number {
    this.stats.badDatagrams++;
    this.lastError = why;
    return 0;
  }

  private malformedAt(offset: number, why: string): void {
    this.stats.malformed++;
    this.lastError = `${why} (byte ${offset})`;
  }
}
