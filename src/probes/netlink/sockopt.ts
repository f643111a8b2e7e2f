// SPDX-License-Identifier: Apache-2.0
// Socket options netlink@0.3.0 does not offer, through libc (koffi) on the socket's descriptor:
// NETLINK_NO_ENOBUFS, SO_RCVBUFFORCE and the drop counter of SO_MEMINFO. The package hides the
// descriptor, so it is found by the port the socket is bound to, which we choose unique in the
// process (ports are per namespace: two of our sockets in two namespaces could share one).
//
// Why: when a multicast socket overflows, the kernel sets ENOBUFS on it, epoll reports EPOLLERR,
// and the package's native poll handler then aborts the process (it builds its error with a NULL
// syscall name). With NETLINK_NO_ENOBUFS the overflow is silent, and SO_MEMINFO's drop count says
// that events were lost.
import { readdirSync } from 'node:fs';
import koffi from 'koffi';

const AF_NETLINK = 16;
const SOL_SOCKET = 1;
const SOL_NETLINK = 270;
const SO_RCVBUFFORCE = 33;
const SO_MEMINFO = 55;
const NETLINK_NO_ENOBUFS = 5;
const SK_MEMINFO_DROPS = 8;

interface Libc {
  getsockname(fd: number, addr: Buffer, len: Buffer): number;
  setsockopt(fd: number, level: number, opt: number, val: Buffer, len: number): number;
  getsockopt(fd: number, level: number, opt: number, val: Buffer, len: Buffer): number;
}
let libc: Libc | undefined;

function load(): Libc {
  if (!libc) {
    const lib = koffi.load('libc.so.6');
    libc = {
      getsockname: lib.func('int getsockname(int, void *, void *)') as Libc['getsockname'],
      setsockopt: lib.func('int setsockopt(int, int, int, void *, uint32_t)') as Libc['setsockopt'],
      getsockopt: lib.func('int getsockopt(int, int, int, void *, void *)') as Libc['getsockopt'],
    };
  }
  return libc;
}

const usedPorts = new Set<number>();

/** A netlink port no other socket of this process uses; give it back with releasePort(). */
export function takePort(): number {
  for (;;) {
    const port = 0x10000000 + Math.floor(Math.random() * 0x6fffffff);
    if (usedPorts.has(port)) continue;
    usedPorts.add(port);
    return port;
  }
}

export function releasePort(port: number): void {
  usedPorts.delete(port);
}

/**
 * The order to try descriptors in: a new socket takes the lowest free number, and the directory
 * read to list them takes the next one, so the socket is most likely just below the first gap.
 */
export function fdCandidates(open: number[]): number[] {
  const fds = [...open].sort((a, b) => a - b);
  let gap = 0;
  while (gap < fds.length && fds[gap] === gap) gap++;
  const below = fds.slice(0, gap).reverse();
  const first = below.length > 1 ? [below[1]!, below[0]!, ...below.slice(2)] : below;
  return [...first, ...fds.slice(gap)];
}

/** The descriptor of this process's netlink socket bound to `port`; -1 if none. */
export function findNetlinkFd(port: number): number {
  const { getsockname } = load();
  for (const fd of fdCandidates(readdirSync('/proc/self/fd').map(Number))) {
    const addr = Buffer.alloc(12);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(addr.length);
    if (getsockname(fd, addr, len) !== 0) continue;
    if (addr.readUInt16LE(0) === AF_NETLINK && addr.readUInt32LE(4) === port) return fd;
  }
  return -1;
}

const int = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};

/** Overflow drops messages silently instead of raising ENOBUFS. */
export function setNoEnobufs(fd: number): boolean {
  return load().setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, int(1), 4) === 0;
}

/** SO_RCVBUFFORCE (root: not capped by net.core.rmem_max). */
export function forceRecvBuffer(fd: number, bytes: number): boolean {
  return load().setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, int(bytes), 4) === 0;
}

/** Messages the kernel dropped for this socket (SK_MEMINFO_DROPS); -1 when unknown. */
export function socketDrops(fd: number): number {
  const buf = Buffer.alloc(4 * 16);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(buf.length);
  if (load().getsockopt(fd, SOL_SOCKET, SO_MEMINFO, buf, len) !== 0) return -1;
  if (len.readUInt32LE(0) < (SK_MEMINFO_DROPS + 1) * 4) return -1;
  return buf.readUInt32LE(SK_MEMINFO_DROPS * 4);
}
