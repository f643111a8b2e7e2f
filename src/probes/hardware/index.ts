// SPDX-License-Identifier: Apache-2.0
// The hardware probe: fills the host node with CPU, OS, kernel and virtualization facts
// (skydive-compat §1.7) in one partial update when it starts, then stays idle until stopped.
import { platform, release } from 'node:os';
import { OP_SET, type PartialOp } from '../../graph/index.js';
import type { Probe } from '../sdk.js';
import { collectHardware, type HardwareMetadata } from './collect.js';
import { hostFiles } from './host-files.js';

export { collectHardware, type HardwareMetadata } from './collect.js';
export { hostFiles, type HostFiles } from './host-files.js';
export { parseCpuInfo, type CpuInfo } from './cpuinfo.js';
export { parseCpuList, parseKernelCmdLine, parseOsRelease, platformInfo } from './platform.js';
export { detectVirtualization, type Virtualization } from './virtualization.js';

/** Options of the hardware probe (`agent.topology.hardware`). */
export interface HardwareOptions {
  /** Root of the host's file tree; '/' except in tests. */
  root_path: string;
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** The ops that set every collected key on the host node. */
export function hardwareOps(md: HardwareMetadata): PartialOp[] {
  return Object.entries(md).map(([Key, Value]) => ({ Type: OP_SET, Key, Value }));
}

/** Host hardware facts on the root node. */
export const hardwareProbe: Probe<HardwareOptions> = {
  name: 'hardware',
  description: 'CPU, OS, kernel and virtualization facts of the host node',
  defaults: { root_path: '/' },
  create(ctx) {
    let keys = 0;
    return {
      async run(signal) {
        const md = await collectHardware(hostFiles(ctx.options.root_path), {
          os: platform(),
          kernelRelease: release(),
        });
        const ops = hardwareOps(md);
        keys = ops.length;
        ctx.graph.updateMetadata(ctx.root, ops);
        ctx.logger.debug({ keys }, 'host hardware metadata set');
        await untilAborted(signal);
      },
      status: () => ({ Keys: keys }),
    };
  },
};
