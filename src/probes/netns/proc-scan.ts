// SPDX-License-Identifier: Apache-2.0
// Finds the network namespaces of running processes: /proc/<pid>/ns/net links read
// `net:[inode]`; processes sharing an inode share a namespace. Only new inodes are stat'ed.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { nsKey, type NsIdentity } from './setns.js';

const LINK = /^net:\[(\d+)\]$/;

/** One scan: namespace key → identity and the sorted pids inside. */
export type ProcScan = Map<string, { id: NsIdentity; pids: number[] }>;

/** Scans `procRoot` (default /proc). `known` maps inodes seen before to their identity. */
export function scanProcesses(
  known: Map<number, NsIdentity>,
  procRoot = '/proc',
): { scan: ProcScan; processes: number } {
  const byIno = new Map<number, number[]>();
  let processes = 0;
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(name);
    let link: string;
    try {
      link = readlinkSync(`${procRoot}/${name}/ns/net`);
    } catch {
      continue; // exited, kernel thread, or not ours to read
    }
    const m = LINK.exec(link);
    if (!m) continue;
    processes++;
    const ino = Number(m[1]);
    const list = byIno.get(ino);
    if (list) list.push(pid);
    else byIno.set(ino, [pid]);
  }
  const scan: ProcScan = new Map();
  for (const [ino, pids] of byIno) {
    pids.sort((a, b) => a - b);
    let id = known.get(ino);
    if (!id) {
      for (const pid of pids) {
        try {
          const st = statSync(`${procRoot}/${pid}/ns/net`);
          id = { dev: st.dev, ino: st.ino };
          break;
        } catch {
          // that process exited; try the next one
        }
      }
      if (!id || id.ino !== ino) continue;
      known.set(ino, id);
    }
    scan.set(nsKey(id), { id, pids });
  }
  for (const ino of [...known.keys()]) if (!byIno.has(ino)) known.delete(ino);
  return { scan, processes };
}
