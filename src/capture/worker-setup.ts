// SPDX-License-Identifier: Apache-2.0
// What every capture thread starts with: its setup from the main thread, the shared control and
// stop words, a typed post, a fatal error path, and the thread moved into the interface's netns.
import { parentPort, workerData } from 'node:worker_threads';
import type { PacketBatch } from '../flow/packet.js';
import type { WorkerSetup, WorkerToMain } from './libpcap-protocol.js';
import { enterNetnsForGood } from './netns.js';

/** The capture thread's side of the protocol with its source. */
export interface CaptureThread {
  setup: WorkerSetup;
  /** Counters and settings shared with the main thread (indexes in CTL). */
  ctl: Float64Array;
  /** Non-zero once the main thread asks the thread to stop. */
  stopFlag: Int32Array;
  post(m: WorkerToMain, transfer?: ArrayBuffer[]): void;
  /** Hands a batch to the main thread, its arrays transferred (not copied). */
  postBatch(b: PacketBatch): void;
  /** Reports `message` as the source's error and ends the thread. */
  fail(message: string): never;
  /** The device and its namespace, for messages. */
  where: string;
}

/** Reads the setup and enters the capture's namespace (failing the source when it cannot). */
export function startCaptureThread(): CaptureThread {
  const setup = workerData as WorkerSetup;
  const post = (m: WorkerToMain, transfer: ArrayBuffer[] = []) =>
    parentPort!.postMessage(m, transfer);
  const fail = (message: string): never => {
    post({ type: 'error', message });
    process.exit(0);
  };
  if (setup.netns) {
    try {
      enterNetnsForGood(setup.netns);
    } catch (e) {
      fail((e as Error).message);
    }
  }
  return {
    setup,
    ctl: new Float64Array(setup.control),
    stopFlag: new Int32Array(setup.stop),
    post,
    postBatch: (b) =>
      post({ type: 'batch', batch: b }, [
        b.buffer.buffer as ArrayBuffer,
        b.offsets.buffer as ArrayBuffer,
        b.capLens.buffer as ArrayBuffer,
        b.wireLens.buffer as ArrayBuffer,
        b.timestamps.buffer as ArrayBuffer,
      ]),
    fail,
    where: `${setup.device}${setup.netnsLabel ? ` in ${setup.netnsLabel}` : ''}`,
  };
}
