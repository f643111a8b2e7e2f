// SPDX-License-Identifier: Apache-2.0
// The CaptureSource contract: a source delivers packets in PacketBatch batches (never one callback
// per packet) to its sink, counts what it captured and dropped, and reports a state.
import type { PacketBatch } from '../flow/packet.js';

/** Capture types a source implements (Skydive's names, plus `pcapfile` for uploads and files). */
export type CaptureKind = 'afpacket' | 'pcap' | 'pcapsocket' | 'sflow' | 'pcapfile';

/** Lifecycle of a source. */
export type CaptureState = 'idle' | 'starting' | 'active' | 'stopped' | 'error';

/** Counters of a source, monotonic from start(). */
export interface CaptureStats {
  /** Packets delivered to the sink. */
  packets: number;
  /** Captured bytes delivered. */
  bytes: number;
  /** Packets the kernel dropped before we could read them (socket buffer full). */
  kernelDrops: number;
  /** Damaged input counted by the decoder (pcap records, sFlow datagrams), never thrown. */
  decodeErrors: number;
  /** Batches delivered. */
  batches: number;
}

/** Where batches go. Called synchronously; the batch may be kept (it is never reused). */
export type BatchSink = (batch: PacketBatch) => void;

/** A packet source (see docs/flows.md "Packet sources"). */
export interface CaptureSource {
  readonly kind: CaptureKind;
  /** Opens the source; resolves once it is capturing, rejects (state 'error') if it cannot. */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops capturing, delivers what is pending and releases the socket or file. */
  stop(): Promise<void>;
  /** A copy of the counters. */
  stats(): CaptureStats;
  readonly state: CaptureState;
  /** Why the state is 'error'. */
  readonly error: string | undefined;
}

/** How a live source cuts batches. */
export interface BatchingOptions {
  /** Flush when a batch holds this many packets (default 1024). */
  batchPackets?: number;
  /** Flush at least this often, in ms, while packets wait (default 20). */
  flushMs?: number;
}

/** Fresh zeroed counters. */
export function zeroStats(): CaptureStats {
  return { packets: 0, bytes: 0, kernelDrops: 0, decodeErrors: 0, batches: 0 };
}

/** Current time in microseconds since the epoch. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Counts a batch and hands it to the sink. */
export function deliver(batch: PacketBatch, sink: BatchSink, stats: CaptureStats): void {
  if (batch.count === 0) return;
  stats.packets += batch.count;
  let bytes = 0;
  for (let i = 0; i < batch.count; i++) bytes += batch.capLens[i]!;
  stats.bytes += bytes;
  stats.batches++;
  sink(batch);
}
