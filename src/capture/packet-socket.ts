// SPDX-License-Identifier: Apache-2.0
// Kernel drop counts of a libpcap capture: the `cap` binding hides its pcap handle and socket, so
// the AF_PACKET socket is found among the descriptors that appeared while it opened, and read with
// getsockopt(PACKET_STATISTICS) through koffi (each read returns and resets the kernel counters).
import { readdirSync, readlinkSync } from 'node:fs';
import koffi from 'koffi';

const SOL_PACKET = 263;
const PACKET_STATISTICS = 6;

type Getsockopt = (fd: number, level: number, opt: number, val: Buffer, len: Buffer) => number;
let getsockopt: Getsockopt | undefined;

function load(): Getsockopt {
  getsockopt ??= koffi
    .load('libc.so.6')
    .func('int getsockopt(int, int, int, void *, void *)') as Getsockopt;
  return getsockopt;
}

/** Descriptors of this process that are sockets. */
export function socketFds(): Set<number> {
  const out = new Set<number>();
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${name}`).startsWith('socket:')) out.add(Number(name));
    } catch {
      // closed meanwhile (the directory listing's own descriptor)
    }
  }
  return out;
}

/** Reads and resets the counters of a packet socket; undefined if `fd` is not one. */
export function readPacketStats(fd: number): { packets: number; drops: number } | undefined {
  const val = Buffer.alloc(12);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(12);
  if (load()(fd, SOL_PACKET, PACKET_STATISTICS, val, len) !== 0) return undefined;
  // tp_packets counts the dropped ones too.
  const drops = val.readUInt32LE(4);
  return { packets: val.readUInt32LE(0) - drops, drops };
}

/** The packet socket among the sockets that are in `after` and not in `before`, or undefined. */
export function findPacketSocket(before: Set<number>, after: Set<number>): number | undefined {
  for (const fd of after) if (!before.has(fd) && readPacketStats(fd) !== undefined) return fd;
  return undefined;
}
