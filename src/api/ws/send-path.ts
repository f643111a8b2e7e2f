// SPDX-License-Identifier: Apache-2.0
// The send path of one WebSocket peer: frames go straight into the socket (corked until the end of
// the tick, small ones framed into one batch) while it has room, then wait in a bounded queue.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { FrameBatch } from './frame-batch.js';
import type { TickFlusher } from './flusher.js';

/** Frames from this size on go through `ws` on their own rather than being copied into a batch. */
const BATCH_MAX = 64 * 1024;
/** Default of `SendPathOptions.compressThreshold` (the hub's permessage-deflate threshold). */
const COMPRESS_THRESHOLD = 1024;
const WS_OPEN = 1;
const EMPTY = Buffer.alloc(0);

/** Tuning of a send path (from the connection's options). */
export interface SendPathOptions {
  /** Messages that may wait once the socket holds `highWaterMark` bytes. */
  queueSize: number;
  /** Bytes the socket may buffer before messages wait in the queue. */
  highWaterMark: number;
  flusher: TickFlusher;
  /** Binary frames (protobuf peers) rather than text frames. */
  binary: boolean;
  /** With permessage-deflate: messages from this size on are compressed by `ws` (default 1024). */
  compressThreshold?: number | undefined;
}

/**
 * Outgoing frames of one connection, in order. While the socket holds less than `highWaterMark`
 * bytes a frame is written at once; past that it waits in a queue of at most `queueSize` frames,
 * moved into the socket as it drains. The frames of one tick are framed here into one buffer
 * written just before the socket is uncorked. With permessage-deflate negotiated, only frames below
 * the compression threshold are batched (uncompressed, as `ws` would send them); bigger ones go
 * through `ws.send` to be compressed, and while one is being compressed the next ones follow it
 * through `ws.send`, so the order on the wire is the order of sending.
 */
export class SendPath {
  private readonly queue: Buffer[] = [];
  private head = 0;
  private awaitingWrite = false;
  /** Frames of this tick not yet written. */
  private readonly batch: FrameBatch;
  /** Frames from this size on bypass the batch. */
  private readonly batchLimit: number;
  /** True when permessage-deflate was negotiated. */
  private readonly compressed: boolean;
  /** Frames handed to `ws.send` on a compressed connection and not yet written by it. */
  private inWs = 0;
  /** The batch holds the write that crosses the high-water mark: pump once it is written. */
  private batchCrosses = false;

  /** @param isOpen false once the connection is closing: nothing more is moved out of the queue. */
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly opts: SendPathOptions,
    private readonly isOpen: () => boolean,
  ) {
    this.batch = new FrameBatch(opts.binary ? 2 : 1);
    this.compressed = ws.extensions !== '';
    this.batchLimit = this.compressed
      ? Math.min(BATCH_MAX, opts.compressThreshold ?? COMPRESS_THRESHOLD)
      : BATCH_MAX;
    socket.on('drain', () => this.pump());
    // Before ws reads what the peer sent (and maybe answers with a close frame or a pong), what
    // this tick already sent it goes into the socket: the order on the wire stays that of ws.send.
    socket.prependListener('data', this.flushBatch);
  }

  /** Frames waiting in the queue (not yet handed to the socket). */
  get depth(): number {
    return this.queue.length - this.head;
  }

  /**
   * Writes or queues `frame`; false when the queue is full (the frame is not kept). `framed` may
   * give the same text frame with its header (see FrameBatch.addFramed).
   */
  push(frame: Buffer, framed?: Buffer): boolean {
    if (this.queue.length === this.head && this.buffered() < this.opts.highWaterMark) {
      this.write(frame, framed);
      return true;
    }
    if (this.depth >= this.opts.queueSize) return false;
    this.queue.push(frame);
    return true;
  }

  /** Forgets the queued frames (this tick's batch still goes out); returns how many there were. */
  dropQueue(): number {
    const n = this.depth;
    this.queue.length = 0;
    this.head = 0;
    return n;
  }

  /** Forgets everything not yet written: the connection is closed. */
  clear(): void {
    this.dropQueue();
    this.batch.clear();
  }

  /** Bytes handed to the socket or waiting in this tick's batch. */
  private buffered(): number {
    return this.ws.bufferedAmount + this.batch.bytes;
  }

  private write(frame: Buffer, framed?: Buffer): void {
    this.opts.flusher.cork(this.socket);
    // The write that crosses the high-water mark reports when it reached the kernel: time to pump.
    const crosses = this.buffered() + frame.length >= this.opts.highWaterMark;
    const b = this.batch;
    if (frame.length < this.batchLimit && this.inWs === 0) {
      if (b.empty) this.opts.flusher.defer(this.flushBatch);
      if (framed !== undefined && !this.opts.binary) b.addFramed(framed);
      else b.add(frame);
      if (crosses && !this.awaitingWrite) this.awaitingWrite = this.batchCrosses = true;
      return;
    }
    this.flushBatch();
    const notify = crosses && !this.awaitingWrite;
    if (notify) this.awaitingWrite = true;
    // On a compressed connection `ws` may hold this message while deflating it: later messages
    // follow it through ws.send until it is written (ws keeps them in order).
    const track = this.compressed;
    if (!notify && !track) {
      this.ws.send(frame, { binary: this.opts.binary });
      return;
    }
    if (track) this.inWs++;
    this.ws.send(frame, { binary: this.opts.binary }, () => {
      if (track) this.inWs--;
      if (notify) {
        this.awaitingWrite = false;
        this.pump();
      }
    });
  }

  /** Writes this tick's batch (still corked: it goes out with the tick's other writes). */
  readonly flushBatch = (): void => {
    const b = this.batch;
    if (b.empty) return;
    const notify = this.batchCrosses;
    this.batchCrosses = false;
    // As ws.send does, nothing more is written once a close frame went out or the socket is gone.
    if (this.ws.readyState !== WS_OPEN) {
      b.clear();
      if (notify) this.awaitingWrite = false;
      return;
    }
    // Runs of already framed frames go out as they are: several writes into the corked socket.
    const parts = b.takeParts();
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) this.socket.write(parts[i]);
    if (!notify) this.socket.write(parts[last]);
    else
      this.socket.write(parts[last], () => {
        this.awaitingWrite = false;
        this.pump();
      });
  };

  /** Moves queued frames into the socket while it has room. */
  pump(): void {
    if (!this.isOpen()) return;
    const q = this.queue;
    while (this.head < q.length && this.buffered() < this.opts.highWaterMark) {
      const frame = q[this.head]!;
      q[this.head++] = EMPTY;
      this.write(frame);
    }
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }
}
