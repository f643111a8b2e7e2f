// SPDX-License-Identifier: Apache-2.0
// What the main thread and a libpcap capture thread exchange: the setup, the messages, and the
// slots of the shared counters array.
import type { PacketBatch } from '../flow/packet.js';

/** Slots of the shared Float64Array the capture thread writes its counters to. */
export const CTL = { PACKETS: 0, KERNEL_DROPS: 1, IF_DROPS: 2 } as const;
export const CTL_SLOTS = 4;

/** workerData of a capture thread. */
export interface WorkerSetup {
  device: string;
  /** Namespace file to enter, and how to name it in messages. */
  netns?: string;
  netnsLabel?: string;
  bpf: string;
  snaplen: number;
  bufferSize: number;
  batchPackets: number;
  flushMs: number;
  /** SharedArrayBuffer of CTL_SLOTS float64 counters. */
  control: SharedArrayBuffer;
  /** SharedArrayBuffer of one int32: set to 1 to stop. */
  stop: SharedArrayBuffer;
}

/** Messages from a capture thread. */
export type WorkerToMain =
  | { type: 'ready'; linkType: number }
  | { type: 'batch'; batch: PacketBatch }
  | { type: 'error'; message: string }
  | { type: 'stopped' };
