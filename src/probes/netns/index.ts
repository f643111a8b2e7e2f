// SPDX-License-Identifier: Apache-2.0
// The netns probe: one `netns` node per network namespace other than the host's, found in the
// named-namespace directory (watched) and in /proc (rescanned), deduplicated by inode. Dependents
// (netlink, docker…) use its API to list namespaces, follow them and open sockets inside.
import { statSync } from 'node:fs';
import type { Probe, ProbeContext, ProbeInstance } from '../sdk.js';
import type { Netns, NetnsAPI } from './api.js';
import { scanProcesses } from './proc-scan.js';
import { NetnsRegistry } from './registry.js';
import { RunPathWatcher } from './run-path.js';
import { NetnsSwitcher, type NsIdentity } from './setns.js';

export type { Netns, NetnsAPI, NetnsEvents } from './api.js';

/** `agent.topology.netns` options. */
export interface NetnsOptions {
  /** Directory of named namespaces (`ip netns`). */
  run_path: string;
  /** Seconds between two scans of /proc and of run_path (0: no process namespaces). */
  proc_scan_interval: number;
}

const defaults: NetnsOptions = { run_path: '/var/run/netns', proc_scan_interval: 5 };

function create(ctx: ProbeContext<NetnsOptions>): ProbeInstance & { api: NetnsAPI } {
  const { graph, root, hostID, logger, options } = ctx;
  const switcher = new NetnsSwitcher();
  const registry = new NetnsRegistry(graph, root, hostID, switcher.host, (err) =>
    logger.error({ err }, 'netns listener failed'),
  );
  const knownInodes = new Map<number, NsIdentity>();
  let scans = 0;
  let processes = 0;
  let errors = 0;
  let running = false;

  const rescanNow = (): void => {
    if (!running || options.proc_scan_interval <= 0) return;
    try {
      const r = scanProcesses(knownInodes);
      processes = r.processes;
      scans++;
      registry.setProcesses(r.scan);
    } catch (err) {
      errors++;
      logger.warn({ err }, 'scanning /proc for namespaces failed');
    }
  };
  const rescan = async (): Promise<void> => rescanNow();
  // A named path going away does not end a namespace that processes still use: rescan first, so
  // the namespace is shown from a process instead of being removed and added again.
  const runPathTarget = {
    namedPaths: () => registry.namedPaths(),
    setNamed(path: string, id: NsIdentity | undefined) {
      if (!id && registry.byPathKey(path) !== undefined) rescanNow();
      registry.setNamed(path, id);
    },
  };

  const api: NetnsAPI = {
    events: registry.events,
    host: registry.host,
    list: () => registry.list(),
    get: (key) => registry.get(key),
    within: <T>(ns: Netns, fn: () => T): T =>
      ns.host ? fn() : switcher.within(ns.path, ns.id, fn),
    openFd: (ns) => switcher.open(ns.path, ns.id),
    rescan,
    register(path, name) {
      let st;
      try {
        st = statSync(path);
        if (st.dev === statSync(`${path}/..`).dev) return undefined;
      } catch {
        return undefined;
      }
      return registry.register(path, name ?? path.split('/').pop()!, { dev: st.dev, ino: st.ino });
    },
    unregister: (path) => registry.unregister(path),
  };

  return {
    api,
    async run(signal) {
      running = true;
      const watcher = new RunPathWatcher(options.run_path, runPathTarget, (err) => {
        errors++;
        logger.warn({ err, dir: options.run_path }, 'watching named namespaces failed');
      });
      watcher.start();
      await rescan();
      const every = Math.max(1, options.proc_scan_interval || 5) * 1000;
      const timer = setInterval(() => {
        void watcher.sync();
        void rescan();
      }, every);
      try {
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        running = false;
        clearInterval(timer);
        watcher.stop();
        registry.clear();
      }
    },
    status() {
      const c = registry.counts();
      return {
        Namespaces: c.namespaces,
        Named: c.named,
        Registered: c.registered,
        FromProcesses: c.fromProcesses,
        Processes: processes,
        Scans: scans,
        Errors: errors,
      };
    },
  };
}

/** The netns probe. */
export const netnsProbe: Probe<NetnsOptions> = {
  name: 'netns',
  description: 'Network namespaces: named ones (run_path) and those of processes, by inode',
  defaults,
  create,
};
