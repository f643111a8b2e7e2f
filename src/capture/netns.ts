// SPDX-License-Identifier: Apache-2.0
// Network namespaces for capture threads: the namespace file of a name, and entering a namespace
// for good from a thread that exists only for one capture (libc setns through koffi).
import { closeSync, openSync } from 'node:fs';
import koffi from 'koffi';

const CLONE_NEWNET = 0x40000000;

/** The namespace file of a named namespace (`ip netns add NAME`), or a path given as is. */
export function netnsPath(nameOrPath: string): string {
  return nameOrPath.includes('/') ? nameOrPath : `/var/run/netns/${nameOrPath}`;
}

/**
 * Moves the calling thread into the network namespace at `path` and leaves it there: only for a
 * thread dedicated to one capture. Throws with a message naming the namespace when it cannot.
 */
export function enterNetnsForGood(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(`cannot open network namespace ${path}: ${(e as Error).message}`);
  }
  const setns = koffi.load('libc.so.6').func('int setns(int, int)') as unknown as (
    fd: number,
    t: number,
  ) => number;
  const rc = setns(fd, CLONE_NEWNET);
  closeSync(fd);
  if (rc !== 0) throw new Error(`cannot enter network namespace ${path}`);
}
