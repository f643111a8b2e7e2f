// SPDX-License-Identifier: Apache-2.0
// Types for the parts of the `cap` libpcap binding (CommonJS, untyped) that the sources use.
import { createRequire } from 'node:module';

/** A libpcap handle as `cap` exposes it. */
export interface CapHandle {
  /** Opens `device` with a BPF `filter`, a kernel buffer of `bufSize` bytes; returns the link type. */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  send(buffer: Buffer, length?: number): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): this;
  removeAllListeners(event?: string): this;
}

interface CapModule {
  Cap: new () => CapHandle;
}

let mod: CapModule | undefined;

/** A new, unopened handle (loads the native module on first use). */
export function newCap(): CapHandle {
  mod ??= createRequire(import.meta.url)('cap') as CapModule;
  return new mod.Cap();
}

/** `cap` link type names → pcap LINKTYPE values. */
export const CAP_LINK_TYPES: Record<string, number> = {
  ETHERNET: 1,
  NULL: 0,
  IEEE802_11: 105,
  IEEE802_11_RADIO: 127,
  LINKTYPE_RAW: 101,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
};
