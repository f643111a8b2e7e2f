// SPDX-License-Identifier: Apache-2.0
// Enters a network namespace for the duration of a synchronous call, through libc setns(2) (koffi).
// A socket created inside stays bound to that namespace after the thread goes back to its own.
import { closeSync, fstatSync, openSync } from 'node:fs';
import koffi from 'koffi';

const CLONE_NEWNET = 0x40000000;

type SetnsFn = (fd: number, nstype: number) => number;
let setnsFn: SetnsFn | undefined;

function libcSetns(): SetnsFn {
  if (!setnsFn) {
    const libc = koffi.load('libc.so.6');
    setnsFn = libc.func('int setns(int fd, int nstype)') as SetnsFn;
  }
  return setnsFn;
}

/** Identity of a namespace: the device and inode of its nsfs file. */
export interface NsIdentity {
  dev: number;
  ino: number;
}

/** `dev:ino`, the key namespaces are deduplicated by. */
export function nsKey(id: NsIdentity): string {
  return `${id.dev}:${id.ino}`;
}

/**
 * Switches the calling thread between network namespaces. Built once per process from the
 * namespace the agent started in (`/proc/self/ns/net`; `/proc/1/ns/net` may be unreadable).
 */
export class NetnsSwitcher {
  private readonly hostFd: number;
  readonly host: NsIdentity;

  constructor(hostPath = '/proc/self/ns/net') {
    this.hostFd = openSync(hostPath, 'r');
    const st = fstatSync(this.hostFd);
    this.host = { dev: st.dev, ino: st.ino };
  }

  /** Opens `path` and checks it is still the namespace `expect` (paths get reused). */
  open(path: string, expect?: NsIdentity): number {
    const fd = openSync(path, 'r');
    if (expect) {
      const st = fstatSync(fd);
      if (st.dev !== expect.dev || st.ino !== expect.ino) {
        closeSync(fd);
        const err = new Error(`${path} is no longer namespace ${nsKey(expect)}`) as Error & {
          code: string;
        };
        err.code = 'ESTALE';
        throw err;
      }
    }
    return fd;
  }

  /**
   * Runs `fn` with this thread inside the namespace at `path`, then returns to the host namespace.
   * `fn` must be synchronous: nothing else may run while the thread is elsewhere.
   */
  within<T>(path: string, expect: NsIdentity | undefined, fn: () => T): T {
    const fd = this.open(path, expect);
    try {
      const setns = libcSetns();
      if (setns(fd, CLONE_NEWNET) !== 0) throw new Error(`setns(${path}) failed`);
      try {
        return fn();
      } finally {
        if (setns(this.hostFd, CLONE_NEWNET) !== 0)
          // The thread would keep creating sockets in the wrong namespace: stop the process.
          throw new Error('setns back to the host network namespace failed');
      }
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    closeSync(this.hostFd);
  }
}
