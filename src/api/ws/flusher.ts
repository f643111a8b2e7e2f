// SPDX-License-Identifier: Apache-2.0
// Write coalescing: the first write to a socket in an event-loop tick corks it, and one
// setImmediate uncorks every corked socket, so a burst of events becomes one writev per peer.
import type { Duplex } from 'node:stream';

/** Corks sockets on first use in a tick and uncorks them all once the tick's I/O is done. */
export class TickFlusher {
  private readonly corked = new Set<Duplex>();
  private scheduled = false;

  /** Corks `socket` until the end of the current tick (idempotent within a tick). */
  cork(socket: Duplex): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Uncorks every socket corked since the last flush. */
  readonly flush = (): void => {
    this.scheduled = false;
    for (const s of this.corked) if (s.writableCorked > 0) s.uncork();
    this.corked.clear();
  };
}
