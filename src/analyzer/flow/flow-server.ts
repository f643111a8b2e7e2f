// SPDX-License-Identifier: Apache-2.0
// The analyzer's flow server (skydive-compat §5.5, §2.13): takes flow batches from agents (and
// uploaded pcaps), buffers them up to analyzer.flow.max_buffer_size (overflow counted), keeps the
// latest state of each live flow for Flows(), stores them in bulk and streams them to subscribers.
import type { Logger } from 'pino';
import {
  FlowStreamMessageType,
  Namespace,
  newStructMessage,
  type StructMessage,
} from '../../protocol/index.js';
import { flowToJSON, statsToJSON, type Flow, type Stats } from '../../protocol/flow.js';
import { LiveFlows } from './live-flows.js';

/** A flow as Skydive's JSON (what stores keep and subscribers get). */
export type FlowRecord = Record<string, unknown> & { UUID: string; Start: number; Last: number };

/** Where flows are stored (the FlowStore of src/storage, or nothing). */
export interface FlowSink {
  insert(flows: readonly FlowRecord[]): Promise<unknown>;
}

/**
 * What the store gets: the JSON forms, plus the raw packets of each update that carries some
 * (`LastRawPackets`, never in Skydive's flow JSON, in the RawPackets() shape: Data in base64) —
 * Skydive's storage keeps them with the flow for RawPackets() under At/Context.
 */
function withRawPackets(flows: readonly Flow[], json: readonly FlowRecord[]): FlowRecord[] {
  const out = json.slice();
  for (let i = 0; i < flows.length; i++) {
    const raw = flows[i]!.LastRawPackets;
    if (!raw || raw.length === 0) continue;
    out[i] = {
      ...out[i]!,
      LastRawPackets: raw.map((p) => ({
        Timestamp: p.Timestamp,
        Index: p.Index,
        Data: Buffer.from(p.Data ?? new Uint8Array()).toString('base64'),
        LinkType: p.LinkType ?? 1,
      })),
    };
  }
  return out;
}

/** Receives what the server publishes on /ws/subscriber/flow. */
export type FlowPublisher = (msg: StructMessage) => void;

export interface FlowServerOptions {
  logger: Logger;
  /** analyzer.flow.max_buffer_size. */
  maxBufferSize?: number;
  /** Flows per bulk (Skydive: 100). */
  bulkSize?: number;
  /** Longest wait of a partial bulk, in ms (Skydive: bulk_maxdelay 5 s). */
  bulkDelayMs?: number;
  /** flow.expire in ms: live flows not updated for that long are forgotten. */
  expireMs?: number;
  /** Most live flows remembered (oldest forgotten first, counted). */
  maxLiveFlows?: number;
  sink?: FlowSink | undefined;
}

/** Counters of /api/status (`Flows`) and /metrics. */
export interface FlowServerStats {
  received: number;
  stored: number;
  /** Flows dropped because the buffer was full. */
  dropped: number;
  /** Flows whose storage failed. */
  storeErrors: number;
  published: number;
  buffered: number;
  live: number;
  liveEvicted: number;
  statsMessages: number;
  badMessages: number;
}

/**
 * One per analyzer.
 * @example
 * const fs = new FlowServer({ logger, sink: flowStore });
 * fs.ingest(decodeFlowMessage(frame).Flows);
 */
export class FlowServer {
  readonly live: LiveFlows;
  private buffer: Flow[] = [];
  /** Flows taken from the buffer and not stored yet (they count against the bound). */
  private storing = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly publishers = new Set<FlowPublisher>();
  private readonly captureStats = new Map<string, Stats>();
  private closed = false;
  readonly counters: Omit<FlowServerStats, 'buffered' | 'live' | 'liveEvicted'> = {
    received: 0,
    stored: 0,
    dropped: 0,
    storeErrors: 0,
    published: 0,
    statsMessages: 0,
    badMessages: 0,
  };

  constructor(private readonly opts: FlowServerOptions) {
    this.live = new LiveFlows(opts.maxLiveFlows ?? 100_000, opts.expireMs ?? 600_000);
  }

  /** Sets (or replaces) where flows are stored. */
  set sink(sink: FlowSink | undefined) {
    this.opts.sink = sink;
  }

  /** Adds a subscriber feed; returns its removal. */
  subscribe(p: FlowPublisher): () => void {
    this.publishers.add(p);
    return () => this.publishers.delete(p);
  }

  /**
   * Takes a batch of flows (one agent message, one pcap chunk). `live: false` (uploaded pcaps)
   * stores and streams them without making them live flows.
   */
  ingest(flows: readonly Flow[], opts: { live?: boolean } = {}): void {
    if (this.closed || flows.length === 0) return;
    this.counters.received += flows.length;
    if (opts.live !== false) this.live.update(flows);
    const max = this.opts.maxBufferSize ?? 100_000;
    const room = max - this.buffer.length - this.storing;
    if (room < flows.length) {
      const lost = flows.length - Math.max(room, 0);
      this.counters.dropped += lost;
      this.opts.logger.warn({ dropped: lost, maxBufferSize: max }, 'flow buffer full: dropping');
    }
    for (let i = 0; i < flows.length && this.buffer.length < max; i++) this.buffer.push(flows[i]!);
    if (this.buffer.length >= (this.opts.bulkSize ?? 100)) this.flushSoon(0);
    else this.flushSoon(this.opts.bulkDelayMs ?? 1000);
  }

  /** Takes a capture's statistics (published on the `stats` namespace). */
  ingestStats(stats: Stats): void {
    this.counters.statsMessages++;
    if (stats.CaptureID) this.captureStats.set(stats.CaptureID, stats);
    this.publish(
      newStructMessage(Namespace.Stats, FlowStreamMessageType.Stats, statsToJSON(stats)),
    );
  }

  /** The last Stats of each capture. */
  statsByCapture(): ReadonlyMap<string, Stats> {
    return this.captureStats;
  }

  /** Counts a message that could not be decoded. */
  badMessage(): void {
    this.counters.badMessages++;
  }

  stats(): FlowServerStats {
    return {
      ...this.counters,
      buffered: this.buffer.length + this.storing,
      live: this.live.size,
      liveEvicted: this.live.evicted,
    };
  }

  private flushSoon(delay: number): void {
    if (this.flushing) return; // the running flush looks at the buffer again when done
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.buffer.length > 0 && !this.closed) this.flushSoon(0);
      });
    }, delay);
  }

  /** Stores and publishes everything buffered, one bulk at a time. */
  async flush(): Promise<void> {
    const bulkSize = this.opts.bulkSize ?? 100;
    while (this.buffer.length > 0) {
      // Take the whole buffer at once (splicing the head of a long array is quadratic).
      const taken = this.buffer;
      this.buffer = [];
      this.storing = taken.length;
      for (let i = 0; i < taken.length; i += bulkSize) {
        const bulk = taken.slice(i, i + bulkSize);
        await this.store(bulk);
        this.storing -= bulk.length;
      }
    }
  }

  private async store(bulk: Flow[]): Promise<void> {
    const sink = this.opts.sink;
    if (!sink && this.publishers.size === 0) return;
    // One JSON form per flow, shared by the store and the subscribers.
    const kept = bulk.filter((f) => f.UUID);
    const json = kept.map((f) => flowToJSON(f) as FlowRecord);
    if (sink) {
      try {
        await sink.insert(withRawPackets(kept, json));
        this.counters.stored += bulk.length;
      } catch (err) {
        this.counters.storeErrors += bulk.length;
        this.opts.logger.error({ err, flows: bulk.length }, 'storing flows failed');
      }
    }
    this.publishFlows(json);
  }

  private publishFlows(json: readonly FlowRecord[]): void {
    if (this.publishers.size === 0) return;
    this.publish(newStructMessage(Namespace.FlowStore, FlowStreamMessageType.Store, json));
    const byCapture = new Map<string, unknown[]>();
    for (const f of json) {
      const id = f.CaptureID;
      if (typeof id !== 'string' || id === '') continue;
      let l = byCapture.get(id);
      if (!l) byCapture.set(id, (l = []));
      l.push(f);
    }
    for (const [id, flows] of byCapture)
      this.publish(
        newStructMessage(`${Namespace.FlowStore}/${id}`, FlowStreamMessageType.Store, flows),
      );
    this.counters.published += json.length;
  }

  private publish(msg: StructMessage): void {
    for (const p of this.publishers) p(msg);
  }

  /** Flushes what is buffered and stops. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
    this.closed = true;
  }
}
