// SPDX-License-Identifier: Apache-2.0
// pcapsocket capture: a TCP listener; each connection sends a pcap or pcapng stream (for example
// `tcpdump -w - | nc HOST PORT`) whose packets go to the sink. Connections are read one after another.
import { createServer, type Server, type Socket } from 'node:net';
import { pumpPcapStream, type StreamProgress } from './pcap-stream.js';
import { bindFirstFree, type PortChoice } from './ports.js';
import {
  zeroStats,
  type BatchSink,
  type CaptureSource,
  type CaptureState,
  type CaptureStats,
} from './source.js';

/** Options of a pcapsocket source. */
export interface PcapSocketOptions extends PortChoice {
  /** Address to listen on (default 127.0.0.1). */
  bindAddress?: string;
  batchPackets?: number;
  sink: BatchSink;
}

/** A pcapsocket source: `address` is what Skydive shows as the capture's PCAPSocket. */
export class PcapSocketSource implements CaptureSource {
  readonly kind = 'pcapsocket';
  state: CaptureState = 'idle';
  error: string | undefined;
  /** `host:port` once listening. */
  address: string | undefined;
  /** Connections accepted so far, and the last one's damage. */
  connections = 0;
  lastStreamError: string | undefined;
  private readonly counters = zeroStats();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: PcapSocketOptions) {}

  async start(signal?: AbortSignal): Promise<void> {
    if (this.server) return;
    this.state = 'starting';
    const host = this.opts.bindAddress ?? '127.0.0.1';
    try {
      this.server = await bindFirstFree(this.opts, (port) => listen(host, port));
    } catch (e) {
      this.state = 'error';
      this.error = (e as Error).message;
      throw e;
    }
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.address = `${host}:${addr.port}`;
    this.server.on('connection', (s) => this.accept(s));
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.state = 'active';
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    const progress: StreamProgress = { bytes: 0, total: undefined, damage: [] };
    const opts = {
      live: true,
      ...(this.opts.batchPackets ? { batchPackets: this.opts.batchPackets } : {}),
    };
    pumpPcapStream(socket, this.opts.sink, this.counters, progress, opts)
      .catch((e: Error) => {
        // Not a capture: say so in the status and drop this connection only.
        this.lastStreamError = e.message;
        socket.destroy();
      })
      .finally(() => this.sockets.delete(socket));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
    if (this.state !== 'error') this.state = 'stopped';
  }

  stats(): CaptureStats {
    return { ...this.counters };
  }
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, host, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}
