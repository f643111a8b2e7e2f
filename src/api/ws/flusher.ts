// SPDX-License-Identifier: Apache-2.0
// Write coalescing: the first write to a socket in an event-loop tick corks it, and one
// setImmediate runs the deferred batch writes then uncorks every corked socket, so a burst of
// events becomes one writev per peer.
import type { Duplex } from 'node:stream';

/** Corks sockets on first use in a tick and uncorks them all once the tick's I/O is done. */
export class TickFlusher {
  private readonly corked = new Set<Duplex>();
  private deferred: (() => void)[] = [];
  private scheduled = false;

  /** Corks `socket` until the end of the current tick (idempotent within a tick). */
  cork(socket: Duplex): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    this.schedule();
  }

  /** Runs `fn` once at the end of the current tick, before the sockets are uncorked. */
  defer(fn: () => void): void {
    this.deferred.push(fn);
    this.schedule();
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Runs the deferred writes, then uncorks every socket corked since the last flush. */
  readonly flush = (): void => {
    this.scheduled = false;
    const fns = this.deferred;
    this.deferred = [];
    for (const fn of fns) fn();
    for (const s of this.corked) if (s.writableCorked > 0) s.uncork();
    this.corked.clear();
  };
}
