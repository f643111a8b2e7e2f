// SPDX-License-Identifier: Apache-2.0
// The socketinfo probe: every `host_update` seconds, lists the TCP and UDP sockets (v4 and v6) of
// every network namespace with their process, as `Sockets` on the host and `netns` nodes.
import type { Probe } from '../sdk.js';
import { sleep } from '../sdk.js';
import { procSource } from './proc-source.js';
import { SocketPublisher } from './publish.js';
import { scanSockets, type ScanResult } from './scan.js';

export { formatIP, parseProcNet, stateName, type ProcNetRow } from './proc-net.js';
export { procSource, type NetTable, type ProcSource } from './proc-source.js';
export { SocketPublisher, netnsInode } from './publish.js';
export { compareSockets, scanSockets, type ScanResult, type SocketInfo } from './scan.js';

/** Options of the socketinfo probe (`agent.topology.socketinfo`). */
export interface SocketinfoOptions {
  /** Seconds between two scans (Skydive's key). */
  host_update: number;
  /** Mount point of procfs; '/proc' except in tests. */
  proc_path: string;
}

/** What the probe offers dependents. */
export interface SocketinfoAPI {
  /** The last scan, if any. */
  last(): ScanResult | undefined;
}

/** Sockets of every namespace, with their processes. */
export const socketinfoProbe: Probe<SocketinfoOptions> = {
  name: 'socketinfo',
  description: 'TCP and UDP sockets with their processes, per network namespace',
  defaults: { host_update: 10, proc_path: '/proc' },
  create(ctx) {
    const publisher = new SocketPublisher(ctx.graph, ctx.root);
    const src = procSource(ctx.options.proc_path);
    let scans = 0;
    let sockets = 0;
    const api: SocketinfoAPI = { last: () => publisher.last };
    return {
      api,
      async run(signal) {
        // A netns node created between two scans gets the last scan's list at once; deferred so
        // that its creator has linked it before the update.
        const fill = (n: Parameters<SocketPublisher['fill']>[0]) =>
          queueMicrotask(() => publisher.fill(n));
        const offs = [
          ctx.graph.on('nodeAdded', (n) => {
            if (n.metadata['Type'] === 'netns') fill(n);
          }),
          ctx.graph.on('nodeUpdated', (n, ops) => {
            if (n.metadata['Type'] === 'netns' && ops.some((o) => o.Key === 'Inode')) fill(n);
          }),
        ];
        try {
          const every = Math.max(1, ctx.options.host_update) * 1000;
          while (!signal.aborted) {
            const scan = await scanSockets(src);
            if (signal.aborted) break;
            const changed = publisher.apply(scan);
            scans++;
            sockets = [...scan.byNetns.values()].reduce((s, l) => s + l.length, 0);
            if (changed > 0) ctx.logger.debug({ changed, sockets }, 'sockets updated');
            await sleep(every, signal);
          }
        } finally {
          for (const off of offs) off();
        }
      },
      status: () => ({ Scans: scans, Sockets: sockets }),
    };
  },
};
