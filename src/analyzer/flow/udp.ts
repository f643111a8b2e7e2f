// SPDX-License-Identifier: Apache-2.0
// The UDP flow port (skydive-compat §5.5, `flow.protocol: udp`, Skydive agents' default): the
// analyzer's listen address and port, one protobuf flow.Message (a flow or a Stats) per datagram.
import dgram from 'node:dgram';
import type { Logger } from 'pino';
import { decodeFlowMessage } from '../../protocol/flow.js';
import type { FlowServer } from './flow-server.js';

/** A bound UDP flow listener. */
export interface UdpFlowListener {
  /** The bound `host:port`. */
  address: string;
  close(): Promise<void>;
}

/**
 * Binds `host:port` (UDP) and hands each datagram's flows to `server`; undecodable datagrams are
 * counted as bad messages. Rejects when the port cannot be bound.
 */
export function listenUdpFlows(
  server: FlowServer,
  host: string,
  port: number,
  logger: Logger,
): Promise<UdpFlowListener> {
  const family = host.includes(':') ? 'udp6' : 'udp4';
  const sock = dgram.createSocket({ type: family, reuseAddr: false });
  sock.on('message', (data) => {
    try {
      const msg = decodeFlowMessage(new Uint8Array(data.buffer, data.byteOffset, data.length));
      server.ingest(msg.Flows);
      if (msg.Stats) server.ingestStats(msg.Stats);
    } catch (err) {
      server.badMessage();
      logger.debug({ err: (err as Error).message }, 'bad flow datagram');
    }
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => {
      sock.off('error', reject);
      try {
        // A capture's update tick is a burst of datagrams: give the kernel room for it.
        sock.setRecvBufferSize(8 * 1024 * 1024);
      } catch {
        // capped by net.core.rmem_max: keep the default
      }
      sock.on('error', (err) => logger.warn({ err: err.message }, 'UDP flow socket error'));
      const a = sock.address();
      resolve({
        address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
        close: () => new Promise<void>((r) => sock.close(() => r())),
      });
    });
  });
}
