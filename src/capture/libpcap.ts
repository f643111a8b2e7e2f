// SPDX-License-Identifier: Apache-2.0
// Live capture on an interface through libpcap: the afpacket and pcap capture types. A dedicated
// thread enters the interface's network namespace, reads the kernel ring and hands PacketBatch
// batches to the main thread; kernel drops come from pcap_stats. No JS runs per packet here.
import { Worker } from 'node:worker_threads';
import type { PacketBatch } from '../flow/packet.js';
import { checkBpf } from './bpf.js';
import { CTL, CTL_SLOTS, type WorkerSetup, type WorkerToMain } from './libpcap-protocol.js';
import { netnsPath } from './netns.js';
import {
  deliver,
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

/** Options of a live interface capture. */
export interface LibpcapOptions extends BatchingOptions {
  kind?: 'afpacket' | 'pcap';
  /** Interface name (inside `netns` when given). */
  device: string;
  /** Named namespace (`ip netns` name) or a namespace file path; the agent's own when absent. */
  netns?: string;
  /** BPF filter in libpcap syntax ('' for everything). */
  bpf?: string;
  /** Bytes of each packet kept (Skydive's HeaderSize; default 65535). */
  snaplen?: number;
  /** Kernel ring buffer size in bytes (default 8 MiB). */
  bufferSize?: number;
  sink: BatchSink;
}

/** The capture thread's module (`name` without extension), run through tsx from sources. */
function workerEntry(name: string): URL {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new URL(`./${name}.js`, self);
  const file = new URL(`./${name}.ts`, self).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot =
    `import { register } from ${JSON.stringify(api)}; register(); ` +
    `await import(${JSON.stringify(file)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/** An afpacket/pcap capture source (see CaptureSource). */
export class LibpcapSource implements CaptureSource {
  readonly kind: 'afpacket' | 'pcap';
  state: CaptureState = 'idle';
  error: string | undefined;
  /** pcap link type of the interface, once open. */
  linkType: number | undefined;
  private readonly counters = zeroStats();
  private readonly control = new SharedArrayBuffer(CTL_SLOTS * 8);
  private readonly ctl = new Float64Array(this.control);
  private readonly stopFlag = new SharedArrayBuffer(4);
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;

  constructor(private readonly opts: LibpcapOptions) {
    this.kind = opts.kind ?? 'afpacket';
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.worker) return;
    if (signal?.aborted) throw new Error('capture start aborted');
    this.state = 'starting';
    try {
      await this.open();
    } catch (e) {
      this.state = 'error';
      this.error = (e as Error).message;
      throw e;
    }
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.state = 'active';
  }

  private open(): Promise<void> {
    const o = this.opts;
    const bpfError = checkBpf(o.bpf ?? '');
    if (bpfError)
      return Promise.reject(
        new CaptureOpenError(`BPF filter ${JSON.stringify(o.bpf)}: ${bpfError}`),
      );
    const setup: WorkerSetup = {
      device: o.device,
      bpf: o.bpf ?? '',
      snaplen: Math.min(Math.max(o.snaplen ?? 65535, 14), 262144),
      bufferSize: o.bufferSize ?? 8 * 1024 * 1024,
      batchPackets: Math.max(1, o.batchPackets ?? 1024),
      flushMs: Math.max(1, o.flushMs ?? 20),
      control: this.control,
      stop: this.stopFlag,
    };
    if (o.netns) {
      setup.netns = netnsPath(o.netns);
      setup.netnsLabel = o.netns;
    }
    // afpacket reads the AF_PACKET ring itself; pcap goes through libpcap's pcap_dispatch.
    const entry = workerEntry(this.kind === 'afpacket' ? 'afpacket-worker' : 'libpcap-worker');
    const worker = new Worker(entry, { workerData: setup });
    this.worker = worker;
    this.exited = new Promise((r) => worker.once('exit', () => r()));
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (m: WorkerToMain) => {
        if (m.type === 'batch') this.onBatch(m.batch);
        else if (m.type === 'ready') {
          ready = true;
          this.linkType = m.linkType;
          resolve();
        } else if (m.type === 'error') {
          if (!ready) reject(new CaptureOpenError(m.message));
          else {
            this.state = 'error';
            this.error = m.message;
          }
        }
      });
      worker.once('error', (e) => {
        this.state = 'error';
        this.error = e.message;
        reject(new CaptureOpenError(`capture thread failed: ${e.message}`));
      });
      worker.once('exit', () => {
        this.worker = undefined;
        if (!ready) reject(new CaptureOpenError(`capture thread for ${o.device} ended`));
      });
    });
  }

  private onBatch(b: PacketBatch): void {
    deliver(b, this.opts.sink, this.counters);
  }

  async stop(): Promise<void> {
    const flag = new Int32Array(this.stopFlag);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    // The thread notices within one kernel timeout (flushMs), sends what it holds, and exits.
    await this.exited;
    this.worker = undefined;
    if (this.state !== 'error') this.state = 'stopped';
  }

  stats(): CaptureStats {
    return { ...this.counters, kernelDrops: this.ctl[CTL.KERNEL_DROPS] ?? 0 };
  }

  /** Drops the interface itself reported (ps_ifdrop), for Captures' PacketsIfDropped. */
  get ifDrops(): number {
    return this.ctl[CTL.IF_DROPS] ?? 0;
  }
}
