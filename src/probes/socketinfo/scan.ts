// SPDX-License-Identifier: Apache-2.0
// One socket scan: groups processes by network namespace, reads each namespace's socket tables
// once (through any one of its processes) and names each socket's owner from the fd inode map.
import { parseProcNet, type SocketProtocol } from './proc-net.js';
import type { NetTable, ProcSource } from './proc-source.js';

/** One socket as published in `Sockets` (skydive-compat §4.6, key order included). */
export interface SocketInfo {
  Process: string;
  Pid: number;
  Name: string;
  LocalAddress: string;
  LocalPort: number;
  RemoteAddress: string;
  RemotePort: number;
  Protocol: SocketProtocol;
  State: string;
}

/** Result of a scan: sockets per network namespace inode, and the agent's own namespace. */
export interface ScanResult {
  selfNetns: number | undefined;
  byNetns: Map<number, SocketInfo[]>;
  processes: number;
}

const TABLES: [NetTable, SocketProtocol][] = [
  ['tcp', 'TCP'],
  ['tcp6', 'TCP'],
  ['udp', 'UDP'],
  ['udp6', 'UDP'],
];

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function eachLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Total order on sockets, so that an unchanged set compares equal between scans. */
export function compareSockets(a: SocketInfo, b: SocketInfo): number {
  return (
    cmp(a.Protocol, b.Protocol) ||
    cmp(a.LocalAddress, b.LocalAddress) ||
    a.LocalPort - b.LocalPort ||
    cmp(a.RemoteAddress, b.RemoteAddress) ||
    a.RemotePort - b.RemotePort ||
    a.Pid - b.Pid ||
    cmp(a.State, b.State)
  );
}

/**
 * Scans every process. Sockets that no process holds (TIME_WAIT, kernel sockets) are left out,
 * as Skydive does; a socket shared by several processes is given to the lowest PID.
 */
export async function scanSockets(src: ProcSource, concurrency = 16): Promise<ScanResult> {
  const pidsByNs = new Map<number, number[]>();
  const owner = new Map<number, number>();
  const pids = (await src.pids()).sort((a, b) => a - b);
  await eachLimit(pids, concurrency, async (pid) => {
    const ns = await src.netnsInode(pid);
    if (ns === undefined) return;
    const list = pidsByNs.get(ns);
    if (list) list.push(pid);
    else pidsByNs.set(ns, [pid]);
    for (const inode of await src.socketInodes(pid)) {
      const cur = owner.get(inode);
      if (cur === undefined || pid < cur) owner.set(inode, pid);
    }
  });

  const procs = new Map<number, Promise<{ Process: string; Name: string }>>();
  const proc = (pid: number) => {
    let p = procs.get(pid);
    if (!p) {
      p = Promise.all([src.exe(pid), src.comm(pid)]).then(([exe, comm]) => ({
        Process: exe ?? '',
        Name: comm ?? '',
      }));
      procs.set(pid, p);
    }
    return p;
  };

  const byNetns = new Map<number, SocketInfo[]>();
  await eachLimit([...pidsByNs], 4, async ([ns, nsPids]) => {
    const sockets: SocketInfo[] = [];
    for (const pid of nsPids.sort((a, b) => a - b)) {
      const texts = await Promise.all(TABLES.map(([t]) => src.netTable(pid, t)));
      if (texts.every((t) => t === undefined)) continue; // gone: try another process
      for (let i = 0; i < TABLES.length; i++) {
        for (const row of parseProcNet(texts[i] ?? '')) {
          const holder = owner.get(row.inode);
          if (row.inode === 0 || holder === undefined) continue;
          const { Process, Name } = await proc(holder);
          sockets.push({
            Process,
            Pid: holder,
            Name,
            LocalAddress: row.localAddress,
            LocalPort: row.localPort,
            RemoteAddress: row.remoteAddress,
            RemotePort: row.remotePort,
            Protocol: TABLES[i]![1],
            State: row.state,
          });
        }
      }
      break;
    }
    byNetns.set(ns, sockets.sort(compareSockets));
  });
  return { selfNetns: await src.netnsInode('self'), byNetns, processes: pids.length };
}
