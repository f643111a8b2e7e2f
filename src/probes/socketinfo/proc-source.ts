// SPDX-License-Identifier: Apache-2.0
// What the socket scan reads from /proc, behind an interface: the live /proc here, recorded
// copies in tests. Every read answers undefined (or empty) when the process went away meanwhile.
import { readFile, readdir, readlink } from 'node:fs/promises';

export type NetTable = 'tcp' | 'tcp6' | 'udp' | 'udp6';

/** Read access to the per-process files the socket scan needs. */
export interface ProcSource {
  /** Every process ID. */
  pids(): Promise<number[]>;
  /** Inode of the process's network namespace (`self`: the agent's own). */
  netnsInode(pid: number | 'self'): Promise<number | undefined>;
  /** Inodes of the sockets the process has open (its `socket:[N]` file descriptors). */
  socketInodes(pid: number): Promise<number[]>;
  /** Executable path (`/proc/<pid>/exe`). */
  exe(pid: number): Promise<string | undefined>;
  /** Command name (`/proc/<pid>/comm`). */
  comm(pid: number): Promise<string | undefined>;
  /** `/proc/<pid>/net/<table>`: the sockets of the process's network namespace. */
  netTable(pid: number, table: NetTable): Promise<string | undefined>;
}

const NS_RE = /^net:\[(\d+)\]$/;
const SOCKET_RE = /^socket:\[(\d+)\]$/;

async function link(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}

async function text(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The live /proc (or another procfs mount). */
export function procSource(proc = '/proc'): ProcSource {
  return {
    async pids() {
      const names = await readdir(proc);
      return names.filter((n) => /^\d+$/.test(n)).map(Number);
    },
    async netnsInode(pid) {
      const m = NS_RE.exec((await link(`${proc}/${pid}/ns/net`)) ?? '');
      return m ? Number(m[1]) : undefined;
    },
    async socketInodes(pid) {
      let fds: string[];
      try {
        fds = await readdir(`${proc}/${pid}/fd`);
      } catch {
        return [];
      }
      const out: number[] = [];
      for (const fd of fds) {
        const m = SOCKET_RE.exec((await link(`${proc}/${pid}/fd/${fd}`)) ?? '');
        if (m) out.push(Number(m[1]));
      }
      return out;
    },
    exe: (pid) => link(`${proc}/${pid}/exe`),
    comm: async (pid) => (await text(`${proc}/${pid}/comm`))?.trim(),
    netTable: (pid, table) => text(`${proc}/${pid}/net/${table}`),
  };
}
