// SPDX-License-Identifier: Apache-2.0
// Runs a synchronous call inside another network namespace (libc setns through koffi) and comes
// back: a socket opened inside stays bound to that namespace.
import { closeSync, openSync } from 'node:fs';
import koffi from 'koffi';

const CLONE_NEWNET = 0x40000000;
type Setns = (fd: number, nstype: number) => number;
let setns: Setns | undefined;

/** The namespace file of a named namespace (`ip netns add NAME`), or a path given as is. */
export function netnsPath(nameOrPath: string): string {
  return nameOrPath.includes('/') ? nameOrPath : `/var/run/netns/${nameOrPath}`;
}

/**
 * Calls `fn` with this thread in the network namespace at `path`; `fn` must be synchronous.
 * Throws (without calling fn) when the namespace cannot be entered.
 */
export function withinNetns<T>(path: string, fn: () => T): T {
  setns ??= koffi.load('libc.so.6').func('int setns(int fd, int nstype)') as unknown as Setns;
  const enter = setns;
  const home = openSync('/proc/thread-self/ns/net', 'r');
  let target: number;
  try {
    target = openSync(path, 'r');
  } catch (e) {
    closeSync(home);
    throw new Error(`cannot open network namespace ${path}: ${(e as Error).message}`);
  }
  try {
    if (enter(target, CLONE_NEWNET) !== 0) throw new Error(`setns(${path}) failed`);
    try {
      return fn();
    } finally {
      // Staying elsewhere would put every later socket of the process in the wrong namespace.
      if (enter(home, CLONE_NEWNET) !== 0)
        throw new Error('setns back to the agent namespace failed');
    }
  } finally {
    closeSync(target);
    closeSync(home);
  }
}
