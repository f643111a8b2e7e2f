// SPDX-License-Identifier: Apache-2.0
// Flows of a capture file: pcap/pcapng chunks in, the table's update and expire ticks driven by the
// packets' own timestamps (flow.update / flow.expire), and the last state of every flow out.

import { PcapReader, type PcapDamage, type PcapReaderStats } from '../pcap/index.js';
import type { PacketBatch } from '../packet.js';
import type { Flow } from '../../protocol/flow.js';
import type { FlowTableCounters, FlowTableOptions } from './options.js';
import { FlowTable } from './table.js';

/** Skydive's listing order: Start, then UUID. */
function byStartThenUUID(a: Flow, b: Flow): number {
  if (a.Start !== b.Start) return a.Start - b.Start;
  const ua = a.UUID ?? '';
  const ub = b.UUID ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** Options of an offline run: the table's, the tick periods and a link type override. */
export interface OfflineOptions extends FlowTableOptions {
  /** Seconds between update ticks in packet time (Skydive flow.update, default 60). */
  updateSeconds?: number;
  /** Seconds between expire ticks in packet time (Skydive flow.expire, default 600). */
  expireSeconds?: number;
  /** Decode every packet with this pcap link type instead of the file's. */
  linkType?: number;
}

/** What an offline run found. */
export interface OfflineResult {
  /** The last state of every flow, sorted by Start then UUID. */
  flows: Flow[];
  reader: PcapReaderStats;
  damage: readonly PcapDamage[];
  table: FlowTableCounters;
  format: 'pcap' | 'pcapng' | undefined;
}

/** Calls the table's update/expire ticks at packet time, between the packets that cross them. */
export class PacketClock {
  private nextUpdate = -1;
  private nextExpire = -1;
  private readonly updateMs: number;
  private readonly expireMs: number;

  constructor(
    readonly table: FlowTable,
    updateSeconds: number,
    expireSeconds: number,
    private readonly emit?: (flows: Flow[]) => void,
  ) {
    this.updateMs = Math.max(1, updateSeconds) * 1000;
    this.expireMs = Math.max(1, expireSeconds) * 1000;
  }

  /** Feeds a batch, ticking whenever a packet's time reaches the next tick. */
  feed(batch: PacketBatch): void {
    const ts = batch.timestamps;
    let from = 0;
    let next = Math.min(this.nextUpdate, this.nextExpire);
    for (let i = 0; i < batch.count; i++) {
      const ms = (ts[i] as number) / 1000;
      if (this.nextUpdate < 0) {
        this.nextUpdate = ms + this.updateMs;
        this.nextExpire = ms + this.expireMs;
        next = Math.min(this.nextUpdate, this.nextExpire);
      }
      if (ms < next) continue;
      this.table.feed(batch, from, i);
      from = i;
      this.tickUntil(ms);
      next = Math.min(this.nextUpdate, this.nextExpire);
    }
    this.table.feed(batch, from, batch.count);
  }

  private tickUntil(ms: number): void {
    while (Math.min(this.nextUpdate, this.nextExpire) <= ms) {
      if (this.nextUpdate <= this.nextExpire) {
        const sent = this.table.update(Math.floor(this.nextUpdate), this.emit !== undefined);
        this.emit?.(sent);
        this.nextUpdate += this.updateMs;
      } else {
        const sent = this.table.expire(Math.floor(this.nextExpire));
        this.emit?.(sent);
        this.nextExpire += this.expireMs;
      }
    }
  }
}

/** Reads a capture stream chunk by chunk and keeps the last state of every flow. */
export class OfflineFlows {
  readonly table: FlowTable;
  /** Zero-copy: batches view the pushed chunk, and are fed to the table before push() returns. */
  private readonly reader = new PcapReader({ zeroCopy: true });
  private readonly clock: PacketClock;
  private readonly linkType: number | undefined;
  private readonly done = new Map<string, Flow>();

  constructor(opts: OfflineOptions = {}) {
    this.table = new FlowTable({ ...opts, keepRemoved: true });
    this.clock = new PacketClock(this.table, opts.updateSeconds ?? 60, opts.expireSeconds ?? 600);
    this.linkType = opts.linkType;
  }

  /** Feeds bytes of the capture. Throws SKY_ERR_PCAP_FORMAT when the stream is not a capture. */
  push(chunk: Uint8Array): void {
    for (const b of this.reader.push(chunk)) {
      this.feed(b);
      this.reader.recycle(b);
    }
  }

  /** Ends the stream and returns every flow (still open ones in their current state). */
  end(): OfflineResult {
    for (const b of this.reader.end()) this.feed(b);
    this.collect();
    let flows: Flow[];
    if (this.done.size === 0) {
      flows = this.table.flowsByCreation(false, true).filter((f) => f.UUID);
    } else {
      for (const f of this.table.flowsByCreation(false, true)) if (f.UUID) this.done.set(f.UUID, f);
      flows = [...this.done.values()];
    }
    // Creation order is nearly Start order: the sort mostly walks runs that are already sorted.
    flows.sort(byStartThenUUID);
    return {
      flows,
      reader: { ...this.reader.stats },
      damage: [...this.reader.damage],
      table: this.table.counters,
      format: this.reader.format,
    };
  }

  private feed(b: PacketBatch): void {
    this.clock.feed(this.linkType === undefined ? b : { ...b, linkType: this.linkType });
    this.collect();
  }

  private collect(): void {
    for (const f of this.table.takeRemoved()) if (f.UUID) this.done.set(f.UUID, f);
  }
}
