// SPDX-License-Identifier: Apache-2.0
// Live capture on an interface through libpcap (`cap`): afpacket and pcap capture types. Opens the
// socket inside the interface's network namespace, applies the BPF filter in the kernel, batches
// packets per tick, and reads kernel drops from the packet socket.
import { newCap, CAP_LINK_TYPES, type CapHandle } from './cap.js';
import { checkBpf } from './bpf.js';
import { ifIndex } from './ifindex.js';
import { netnsPath, withinNetns } from './netns.js';
import { findPacketSocket, readPacketStats, socketFds } from './packet-socket.js';
import {
  Batcher,
  nowMicros,
  zeroStats,
  type BatchSink,
  type BatchingOptions,
  type CaptureSource,
  type CaptureState,
  type CaptureStats,
} from './source.js';

/** A capture that cannot open: no such device or namespace, BPF that does not compile, no rights. */
export class CaptureOpenError extends Error {
  readonly code = 'SKY_ERR_CAPTURE_OPEN';
}

/** Handles whose open failed, kept reachable forever so that `cap` never destroys them. */
const failedHandles: CapHandle[] = [];

/** Options of a live interface capture. */
export interface LibpcapOptions extends BatchingOptions {
  kind?: 'afpacket' | 'pcap';
  /** Interface name (inside `netns` when given). */
  device: string;
  /** Named namespace (`ip netns` name) or a namespace file path; the agent's own when absent. */
  netns?: string;
  /** BPF filter in libpcap syntax ('' for everything). */
  bpf?: string;
  /** Bytes of each packet kept (Skydive's HeaderSize; default the whole packet up to 65535). */
  snaplen?: number;
  /** Kernel ring buffer size in bytes (default 8 MiB). */
  bufferSize?: number;
  sink: BatchSink;
}

/** An afpacket/pcap capture source (see CaptureSource). */
export class LibpcapSource implements CaptureSource {
  readonly kind: 'afpacket' | 'pcap';
  state: CaptureState = 'idle';
  error: string | undefined;
  /** pcap link type of the interface, once open. */
  linkType: number | undefined;
  private readonly counters = zeroStats();
  private cap: CapHandle | undefined;
  private batcher: Batcher | undefined;
  private socketFd: number | undefined;
  private readonly buffer: Buffer;

  constructor(private readonly opts: LibpcapOptions) {
    this.kind = opts.kind ?? 'afpacket';
    this.buffer = Buffer.alloc(Math.min(Math.max(opts.snaplen ?? 65535, 14), 65535));
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.state === 'active' || this.state === 'starting') return;
    if (signal?.aborted) throw new Error('capture start aborted');
    this.state = 'starting';
    try {
      this.open();
    } catch (e) {
      this.state = 'error';
      this.error = (e as Error).message;
      throw e;
    }
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.state = 'active';
  }

  private open(): void {
    const o = this.opts;
    const where = `${o.device}${o.netns ? ` in ${o.netns}` : ''}`;
    // `cap` cannot recover from a failed open (its handle is half made and crashes when closed or
    // collected), so everything that can be checked is checked first.
    const bpfError = checkBpf(o.bpf ?? '');
    if (bpfError) throw new CaptureOpenError(`BPF filter ${JSON.stringify(o.bpf)}: ${bpfError}`);
    const cap = newCap();
    const before = socketFds();
    const doOpen = () => {
      if (ifIndex(o.device) === 0) throw new CaptureOpenError(`no interface ${where}`);
      try {
        return cap.open(o.device, o.bpf ?? '', o.bufferSize ?? 8 * 1024 * 1024, this.buffer);
      } catch (e) {
        failedHandles.push(cap); // never closed nor collected: see above
        throw new CaptureOpenError(`cannot capture on ${where}: ${(e as Error).message}`);
      }
    };
    const linkName = o.netns ? withinNetns(netnsPath(o.netns), doOpen) : doOpen();
    const linkType = CAP_LINK_TYPES[linkName];
    if (linkType === undefined) {
      cap.close();
      throw new CaptureOpenError(`${o.device}: ${linkName}`);
    }
    this.linkType = linkType;
    this.socketFd = findPacketSocket(before, socketFds());
    const batcher = new Batcher(linkType, o.sink, this.counters, o);
    const buf = this.buffer;
    cap.on('packet', (nbytes: number, truncated: boolean) => {
      batcher.push(buf.subarray(0, nbytes), nowMicros(), truncated ? 65535 : nbytes);
    });
    batcher.start();
    this.cap = cap;
    this.batcher = batcher;
  }

  async stop(): Promise<void> {
    if (!this.cap) {
      if (this.state !== 'error') this.state = 'stopped';
      return;
    }
    this.pollDrops();
    this.cap.removeAllListeners('packet');
    this.cap.close();
    this.cap = undefined;
    this.socketFd = undefined;
    this.batcher?.stop();
    this.batcher = undefined;
    this.state = 'stopped';
  }

  stats(): CaptureStats {
    this.pollDrops();
    return { ...this.counters };
  }

  /** Adds the kernel drops counted since the last read (the read resets them). */
  private pollDrops(): void {
    if (this.socketFd === undefined) return;
    const s = readPacketStats(this.socketFd);
    if (s) this.counters.kernelDrops += s.drops;
  }
}
