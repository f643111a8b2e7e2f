// SPDX-License-Identifier: Apache-2.0
// One replication connection with a peer analyzer, whichever side dialed: the incoming kind wraps
// an accepted /ws/replication connection of the front door, the outgoing kind (link.ts) a dial.
import type { ConnStatus } from '../../api/status.js';
import { answerError, type Outgoing, type WsConnection } from '../../api/ws/index.js';
import type { StructMessage } from '../../protocol/index.js';

/** A connection to a peer analyzer. */
export interface PeerChannel {
  /** The peer's host ID (X-Host-ID). */
  readonly peer: string;
  /** Host ID of the side that dialed: decides which of two connections between a pair stays. */
  readonly dialer: string;
  readonly direction: 'in' | 'out';
  /** Hands a message to the connection; false when it was not (closed, or dropped on overflow). */
  send(out: Outgoing): boolean;
  /** Answers a message that could not be applied (same Namespace and UUID, Type `Error`). */
  refuse(msg: StructMessage, err: unknown): void;
  close(reason: string): void;
  status(): ConnStatus;
}

/** A peer that dialed this analyzer's /ws/replication. */
export class IncomingChannel implements PeerChannel {
  readonly direction = 'in';
  readonly peer: string;

  constructor(readonly conn: WsConnection) {
    this.peer = conn.info.hostID;
  }

  get dialer(): string {
    return this.peer;
  }

  send(out: Outgoing): boolean {
    return this.conn.enqueue(out);
  }

  refuse(msg: StructMessage, err: unknown): void {
    answerError(this.conn, msg, err);
  }

  close(reason: string): void {
    this.conn.close(1000, reason);
  }

  status(): ConnStatus {
    return this.conn.status();
  }
}
