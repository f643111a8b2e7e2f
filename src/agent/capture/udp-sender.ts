// SPDX-License-Identifier: Apache-2.0
// Agent → analyzer flows over UDP (skydive-compat §5.5, `flow.protocol: udp`, Skydive's default):
// one protobuf flow.Message per datagram (one flow, or one Stats) to an analyzer's address and
// port, round robin. UDP has no connection: nothing is queued, send errors are counted as drops.
import dgram from 'node:dgram';
import type { Logger } from 'pino';
import { encodeFlowMessage, type Flow, type Stats } from '../../protocol/flow.js';
import type { FlowSenderStats } from './flow-sender.js';

function split(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

/** Sends flow updates as datagrams (see FlowSender for the WebSocket transport). */
export class UdpFlowSender {
  private readonly targets: { host: string; port: number }[];
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private next = 0;
  readonly counters = { sent: 0, messages: 0, dropped: 0 };

  constructor(
    analyzers: readonly string[],
    private readonly logger: Logger,
  ) {
    this.targets = [...new Set(analyzers)].map(split);
  }

  start(): void {}

  private socket(host: string): dgram.Socket {
    const type = host.includes(':') ? 'udp6' : 'udp4';
    let s = this.sockets.get(type);
    if (!s) {
      s = dgram.createSocket(type);
      s.on('error', (err) => this.logger.warn({ err: err.message }, 'UDP flow socket error'));
      s.unref();
      this.sockets.set(type, s);
    }
    return s;
  }

  private emit(bytes: Uint8Array, flows: number): void {
    const t = this.targets[this.next++ % this.targets.length];
    if (!t) {
      this.counters.dropped += flows;
      return;
    }
    this.counters.messages++;
    this.counters.sent += flows;
    this.socket(t.host).send(bytes, t.port, t.host, (err) => {
      if (!err) return;
      this.counters.sent -= flows;
      this.counters.dropped += flows;
      this.logger.debug({ err: err.message, analyzer: `${t.host}:${t.port}` }, 'flow datagram');
    });
  }

  send(flows: readonly Flow[]): void {
    for (const f of flows) this.emit(encodeFlowMessage({ Flows: [f] }), 1);
  }

  sendStats(stats: Stats): void {
    this.emit(encodeFlowMessage({ Flows: [], Stats: stats }), 0);
  }

  stats(): FlowSenderStats {
    return { ...this.counters, queued: 0, connected: this.targets.length };
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
