// SPDX-License-Identifier: Apache-2.0
// if_nametoindex through koffi: tells whether an interface exists in the calling thread's network
// namespace (call it inside withinNetns for another namespace).
import koffi from 'koffi';

let fn: ((name: string) => number) | undefined;

/** The interface index of `name` in the current namespace, or 0 when there is none. */
export function ifIndex(name: string): number {
  fn ??= koffi.load('libc.so.6').func('unsigned int if_nametoindex(const char *)') as unknown as (
    name: string,
  ) => number;
  return fn(name);
}
