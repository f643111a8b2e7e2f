// SPDX-License-Identifier: Apache-2.0
// sFlow capture: a UDP collector on a port of agent.flow.sflow's range. Sampled packets go to the
// sink in batches (with their sampling rates); counter samples become Skydive's SFlow node metadata.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { PacketBatch } from '../flow/packet.js';
import { SFlowDecoder, SFlowMetrics, type SFlowMetadata } from '../flow/sflow/index.js';
import { BpfMatcher } from './bpf.js';
import { bindFirstFree, type PortChoice } from './ports.js';
import {
  deliver,
  nowMicros,
  zeroStats,
  type BatchSink,
  type BatchingOptions,
  type CaptureSource,
  type CaptureState,
  type CaptureStats,
} from './source.js';

/** Options of an sFlow collector. */
export interface SFlowSourceOptions extends PortChoice, BatchingOptions {
  /** Address to listen on (default 127.0.0.1, agent.flow.sflow.bind_address). */
  bindAddress?: string;
  /** Socket receive buffer in bytes (default 4 MiB). */
  receiveBuffer?: number;
  sink: BatchSink;
  /** BPF filter applied to the sampled packets (Skydive does the same), '' for all. */
  bpf?: string;
  /** Called with the node metadata `SFlow` after counter samples changed it. */
  onCounters?: (metadata: SFlowMetadata) => void;
}

/** An sFlow v5 collector (see CaptureSource); `address` is Skydive's SFlowSocket. */
export class SFlowSource implements CaptureSource {
  readonly kind = 'sflow';
  state: CaptureState = 'idle';
  error: string | undefined;
  address: string | undefined;
  readonly decoder = new SFlowDecoder();
  private readonly metrics = new SFlowMetrics();
  private readonly counters = zeroStats();
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private port = 0;
  private matchers = new Map<number, BpfMatcher>();
  /** Sampled packets the BPF filter left out. */
  filtered = 0;

  constructor(private readonly opts: SFlowSourceOptions) {}

  async start(signal?: AbortSignal): Promise<void> {
    if (this.socket) return;
    this.state = 'starting';
    if (this.opts.bpf) {
      try {
        this.matchers.set(1, new BpfMatcher(this.opts.bpf, 1));
      } catch (e) {
        this.state = 'error';
        this.error = `BPF filter ${JSON.stringify(this.opts.bpf)}: ${(e as Error).message}`;
        throw new Error(this.error);
      }
    }
    const host = this.opts.bindAddress ?? '127.0.0.1';
    try {
      this.socket = await bindFirstFree(this.opts, (port) => bindUdp(host, port));
    } catch (e) {
      this.state = 'error';
      this.error = (e as Error).message;
      throw e;
    }
    const sock = this.socket;
    try {
      sock.setRecvBufferSize(this.opts.receiveBuffer ?? 4 * 1024 * 1024);
    } catch {
      // capped by net.core.rmem_max: keep the default
    }
    this.port = sock.address().port;
    this.address = `${host}:${this.port}`;
    const limit = Math.max(1, this.opts.batchPackets ?? 1024);
    sock.on('message', (msg) => {
      this.decoder.decode(msg, nowMicros());
      if (this.decoder.pending >= limit) this.flush();
    });
    this.timer = setInterval(() => this.flush(), Math.max(1, this.opts.flushMs ?? 20));
    this.timer.unref();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.state = 'active';
  }

  /** Delivers decoded packets and folds counter samples into the SFlow metadata. */
  flush(): void {
    const out = this.decoder.take();
    for (const b of out.batches) {
      const kept = this.applyFilter(b);
      if (kept) deliver(kept, this.opts.sink, this.counters);
    }
    if (out.counters.length > 0) {
      const md = this.metrics.update(out.counters, Date.now());
      if (md) this.opts.onCounters?.(md);
    }
  }

  /** The packets of `b` the capture's filter keeps (a filter per link type, compiled on demand). */
  private applyFilter(b: PacketBatch): PacketBatch | undefined {
    if (!this.opts.bpf) return b;
    let m = this.matchers.get(b.linkType);
    if (!m) {
      try {
        m = new BpfMatcher(this.opts.bpf, b.linkType);
      } catch {
        this.filtered += b.count; // the filter has no meaning for this link type
        return undefined;
      }
      this.matchers.set(b.linkType, m);
    }
    const kept = m.filter(b);
    this.filtered += b.count - kept.count;
    return kept.count > 0 ? kept : undefined;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const sock = this.socket;
    this.socket = undefined;
    if (sock) {
      this.counters.kernelDrops = Math.max(this.counters.kernelDrops, udpDrops(this.port));
      await new Promise<void>((r) => sock.close(() => r()));
      this.flush();
    }
    for (const m of this.matchers.values()) m.free();
    this.matchers.clear();
    if (this.state !== 'error') this.state = 'stopped';
  }

  stats(): CaptureStats {
    const s = this.decoder.stats;
    this.counters.decodeErrors = s.badDatagrams + s.malformed;
    if (this.socket) this.counters.kernelDrops = udpDrops(this.port);
    return { ...this.counters };
  }
}

function bindUdp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Datagrams the kernel dropped on our UDP port (last column of /proc/net/udp and udp6). */
export function udpDrops(port: number): number {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  let drops = 0;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 12 && `${cols[1]} `.endsWith(hexPort)) drops += Number(cols[12]) || 0;
    }
  }
  return drops;
}
