// SPDX-License-Identifier: Apache-2.0
// A capture source that reads a pcap/pcapng file, standard input or any byte stream (an HTTP upload)
// to its end, as fast as the sink takes it, with progress (bytes read of the total).
import { createReadStream, statSync } from 'node:fs';
import type { PcapReaderStats } from '../flow/pcap/index.js';
import { pumpPcapStream, type StreamProgress } from './pcap-stream.js';
import {
  zeroStats,
  type BatchSink,
  type CaptureSource,
  type CaptureState,
  type CaptureStats,
} from './source.js';

/** Options of a pcap file source: a path, or a stream of chunks. */
export interface PcapFileOptions {
  /** File to read ('-' for standard input). */
  path?: string;
  /** Or the bytes, as a stream of chunks (an upload). */
  stream?: AsyncIterable<Uint8Array>;
  /** Total size when known, for progress. */
  size?: number;
  batchPackets?: number;
  sink: BatchSink;
}

/** Reads one capture to the end; `done` settles when it has. */
export class PcapFileSource implements CaptureSource {
  readonly kind = 'pcapfile';
  state: CaptureState = 'idle';
  error: string | undefined;
  /** Reader counters once finished (sections, skipped blocks, drops recorded in the file…). */
  reader: PcapReaderStats | undefined;
  readonly progress: StreamProgress = { bytes: 0, total: undefined, damage: [] };
  private readonly counters = zeroStats();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly opts: PcapFileOptions) {
    if (!opts.path && !opts.stream) throw new Error('PcapFileSource needs a path or a stream');
  }

  /** Starts reading; resolves once started (see `done` for the end). */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) return;
    signal?.addEventListener('abort', () => this.abort.abort(), { once: true });
    const o = this.opts;
    let chunks: AsyncIterable<Uint8Array>;
    this.progress.total = o.size;
    if (o.stream) chunks = o.stream;
    else if (o.path === '-') chunks = process.stdin;
    else {
      try {
        this.progress.total ??= statSync(o.path!).size;
      } catch (e) {
        this.state = 'error';
        this.error = (e as Error).message;
        throw e;
      }
      chunks = createReadStream(o.path!, { highWaterMark: 1 << 20 });
    }
    this.state = 'active';
    const opts = {
      signal: this.abort.signal,
      ...(o.batchPackets ? { batchPackets: o.batchPackets } : {}),
    };
    this.running = pumpPcapStream(chunks, o.sink, this.counters, this.progress, opts).then(
      (r) => {
        this.reader = { ...r.stats };
        this.state = 'stopped';
      },
      (e: Error) => {
        this.state = 'error';
        this.error = e.message;
        throw e;
      },
    );
    this.running.catch(() => undefined);
  }

  /** Settles when the whole capture was read (rejects with the reason it could not be). */
  get done(): Promise<void> {
    return this.running ?? Promise.reject(new Error('PcapFileSource not started'));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
    if (this.state === 'active' || this.state === 'idle') this.state = 'stopped';
  }

  stats(): CaptureStats {
    return { ...this.counters };
  }
}
