// SPDX-License-Identifier: Apache-2.0
// The blockdev probe: runs `lsblk -J -O -b` every `lsblk_update` seconds and keeps one
// `blockdev` node per block device under the host node, with partitions under their disk.
import { execFile } from 'node:child_process';
import type { Probe } from '../sdk.js';
import { sleep } from '../sdk.js';
import { parseLsblk } from './lsblk.js';
import { BlockdevGraph } from './sync.js';

export { parseLsblk, attributeName, type BlockDevice } from './lsblk.js';
export { BlockdevGraph, type SyncResult } from './sync.js';

/** Options of the blockdev probe (`agent.topology.blockdev`). */
export interface BlockdevOptions {
  /** Path of lsblk (Skydive's key). */
  lsblk_path: string;
  /** Seconds between two scans. */
  lsblk_update: number;
}

/** Runs lsblk and returns its JSON. */
export function runLsblk(path: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      ['-J', '-O', '-b'],
      { signal, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

/** Block devices of the host, from lsblk. */
export const blockdevProbe: Probe<BlockdevOptions> = {
  name: 'blockdev',
  description: 'block devices (disks, partitions, loop devices) from lsblk',
  defaults: { lsblk_path: '/usr/bin/lsblk', lsblk_update: 30 },
  create(ctx) {
    const devices = new BlockdevGraph(ctx.graph, ctx.root);
    let scans = 0;
    return {
      async run(signal) {
        const every = Math.max(1, ctx.options.lsblk_update) * 1000;
        while (!signal.aborted) {
          let json: string;
          try {
            json = await runLsblk(ctx.options.lsblk_path, signal);
          } catch (err) {
            if (signal.aborted) return;
            throw err;
          }
          const res = devices.apply(parseLsblk(json));
          scans++;
          if (res.added + res.updated + res.deleted > 0) ctx.logger.debug(res, 'block devices');
          await sleep(every, signal);
        }
      },
      status: () => ({ Devices: devices.size, Scans: scans }),
    };
  },
};
