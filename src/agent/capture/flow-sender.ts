// SPDX-License-Identifier: Apache-2.0
// Agent → analyzer flow transport (skydive-compat §5.5, `flow.protocol: websocket`): one
// connection per analyzer to /ws/agent/flow, binary frames each holding one protobuf flow.Message
// of at most 10 flows (no envelope). Flows wait in a bounded queue while no analyzer is connected;
// what overflows is dropped and counted.
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { authHeaders, type AuthOptions, type TlsOptions } from '../../client/index.js';
import { baseUrl } from '../../client/address.js';
import { Header, ServiceType, WsPath } from '../../protocol/index.js';
import { encodeFlowMessage, type Flow, type Stats } from '../../protocol/flow.js';

/** Flows per frame, as Skydive's agent sends them. */
export const FLOWS_PER_MESSAGE = 10;

export interface FlowSenderOptions {
  analyzers: readonly string[];
  hostID: string;
  auth?: AuthOptions | undefined;
  tls?: TlsOptions | undefined;
  logger: Logger;
  /** Flows kept while no analyzer is connected (default 10 000). */
  maxQueue?: number;
  /** Delay between connection attempts in ms (default 1 s). */
  retryMs?: number;
}

/** Counters for status and /metrics. */
export interface FlowSenderStats {
  sent: number;
  messages: number;
  dropped: number;
  queued: number;
  connected: number;
}

class Peer {
  ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly address: string,
    private readonly sender: FlowSender,
    private readonly opts: FlowSenderOptions,
  ) {}

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    if (this.closed) return;
    const url = baseUrl(this.address, 'ws', this.opts.tls !== undefined) + WsPath.AgentFlow;
    const tls = this.opts.tls;
    const ws = new WebSocket(url, {
      headers: {
        [Header.HostID]: this.opts.hostID,
        [Header.ClientType]: ServiceType.Agent,
        [Header.ClientProtocol]: 'protobuf',
        ...authHeaders(this.opts.auth ?? {}),
      },
      ...(tls?.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls?.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls?.key !== undefined ? { key: tls.key } : {}),
      rejectUnauthorized: !tls?.insecure,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.opts.logger.info({ analyzer: this.address }, 'flow connection open');
      this.sender.drain();
    });
    ws.on('error', (err) =>
      this.opts.logger.debug({ analyzer: this.address, err: err.message }, 'flow connection'),
    );
    ws.on('unexpected-response', (_req, res) => {
      this.opts.logger.warn(
        { analyzer: this.address, status: res.statusCode },
        'flow connection refused',
      );
      ws.terminate();
    });
    ws.on('close', () => {
      this.ws = undefined;
      if (this.closed) return;
      this.timer = setTimeout(() => this.connect(), this.opts.retryMs ?? 1000).unref();
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }
}

/**
 * Sends flow updates to the analyzers.
 * @example
 * const s = new FlowSender({ analyzers: ['127.0.0.1:8082'], hostID: 'h', logger });
 * s.start();
 * s.send(table.tick(Date.now()));
 */
export class FlowSender {
  private readonly peers: Peer[];
  private queue: Flow[] = [];
  private next = 0;
  readonly counters = { sent: 0, messages: 0, dropped: 0 };

  constructor(private readonly opts: FlowSenderOptions) {
    this.peers = [...new Set(opts.analyzers)].map((a) => new Peer(a, this, opts));
  }

  start(): void {
    for (const p of this.peers) p.connect();
  }

  stats(): FlowSenderStats {
    return {
      ...this.counters,
      queued: this.queue.length,
      connected: this.peers.filter((p) => p.open).length,
    };
  }

  /** A connected analyzer, round robin; undefined when none is. */
  private pick(): Peer | undefined {
    for (let i = 0; i < this.peers.length; i++) {
      const p = this.peers[(this.next + i) % this.peers.length]!;
      if (p.open) {
        this.next = (this.next + i + 1) % this.peers.length;
        return p;
      }
    }
    return undefined;
  }

  /** Sends flows (queued while no analyzer is connected). */
  send(flows: readonly Flow[]): void {
    if (flows.length === 0) return;
    this.queue.push(...flows);
    const max = this.opts.maxQueue ?? 10_000;
    if (this.queue.length > max) {
      const lost = this.queue.length - max;
      this.queue.splice(0, lost);
      this.counters.dropped += lost;
      this.opts.logger.warn({ dropped: lost }, 'no analyzer takes flows: dropping the oldest');
    }
    this.drain();
  }

  /** Sends a capture's statistics to one analyzer (not queued). */
  sendStats(stats: Stats): void {
    const p = this.pick();
    p?.ws?.send(encodeFlowMessage({ Flows: [], Stats: stats }), { binary: true });
  }

  /** Writes the queue out while an analyzer is connected. */
  drain(): void {
    while (this.queue.length > 0) {
      const p = this.pick();
      if (!p) return;
      const chunk = this.queue.splice(0, FLOWS_PER_MESSAGE);
      p.ws!.send(encodeFlowMessage({ Flows: chunk }), { binary: true });
      this.counters.sent += chunk.length;
      this.counters.messages++;
    }
  }

  close(): void {
    for (const p of this.peers) p.close();
  }
}
