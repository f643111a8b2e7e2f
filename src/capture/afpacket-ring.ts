// SPDX-License-Identifier: Apache-2.0
// An AF_PACKET socket with a TPACKET_V3 receive ring, made through libc (koffi) in the calling
// thread's network namespace: bound to one interface, promiscuous, with a kernel BPF filter compiled
// by libpcap. The ring is read from JS through one view of its mapping: no call per packet.
import koffi from 'koffi';
import { libpcap } from './libpcap-ffi.js';

const AF_PACKET = 17;
const SOCK_RAW = 3;
const ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL)
const SOL_SOCKET = 1;
const SO_ATTACH_FILTER = 26;
const SOL_PACKET = 263;
const PACKET_ADD_MEMBERSHIP = 1;
const PACKET_MR_PROMISC = 1;
const PACKET_RX_RING = 5;
const PACKET_STATISTICS = 6;
const PACKET_VERSION = 10;
const TPACKET_V3 = 2;
const SIOCGIFHWADDR = 0x8927;
const PROT_RW = 3;
const MAP_SHARED = 1;
const TP_STATUS_USER = 1;
const TP_STATUS_VLAN_VALID = 0x10;
const TP_STATUS_VLAN_TPID_VALID = 0x40;

interface Libc {
  socket(domain: number, type: number, proto: number): number;
  setsockopt(fd: number, level: number, opt: number, val: Buffer, len: number): number;
  getsockopt(fd: number, level: number, opt: number, val: Buffer, len: Buffer): number;
  bind(fd: number, addr: Buffer, len: number): number;
  ioctl(fd: number, req: number, arg: Buffer): number;
  mmap(addr: null, len: number, prot: number, flags: number, fd: number, off: number): unknown;
  munmap(addr: unknown, len: number): number;
  close(fd: number): number;
  ifNameToIndex(name: string): number;
}
let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  const c = koffi.load('libc.so.6');
  const f = <T>(decl: string) => c.func(decl) as unknown as T;
  libc = {
    socket: f('int socket(int, int, int)'),
    setsockopt: f('int setsockopt(int, int, int, void *, uint32_t)'),
    getsockopt: f('int getsockopt(int, int, int, void *, void *)'),
    bind: f('int bind(int, void *, uint32_t)'),
    ioctl: f('int ioctl(int, unsigned long, void *)'),
    mmap: f('void *mmap(void *, size_t, int, int, int, int64_t)'),
    munmap: f('int munmap(void *, size_t)'),
    close: f('int close(int)'),
    ifNameToIndex: f('unsigned int if_nametoindex(const char *)'),
  };
  return libc;
}

/** ARPHRD type → pcap link type (Ethernet-like devices, loopback, and raw IP devices). */
function linkTypeOf(arphrd: number): number {
  if (arphrd === 1 || arphrd === 772) return 1; // ARPHRD_ETHER, ARPHRD_LOOPBACK
  if (arphrd === 65534 || arphrd === 776 || arphrd === 778) return 101; // NONE (tun), SIT, IPGRE
  return 1;
}

/** Ring geometry: 1 MiB blocks (or the whole buffer if smaller), at least 2. */
function geometry(bufferSize: number): { blockSize: number; blocks: number } {
  const blockSize = 1 << 20;
  return { blockSize, blocks: Math.max(2, Math.ceil(bufferSize / blockSize)) };
}

/** Receives packets of one block at a time; returns the packets handed over. */
export type PacketVisitor = (
  data: Uint8Array,
  start: number,
  capLen: number,
  wireLen: number,
  tsMicros: number,
  vlanTag: number,
) => void;

/** An open AF_PACKET TPACKET_V3 ring. */
export class AfPacketRing {
  readonly linkType: number;
  /** Index of the interface in its namespace (to notice that it went away). */
  readonly ifindex: number;
  private readonly fd: number;
  private readonly map: unknown;
  private readonly mapLen: number;
  private readonly ring: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly blockSize: number;
  private readonly blocks: number;
  private next = 0;
  private drops = 0;
  private closed = false;

  /** Opens the ring on `device` in the calling thread's namespace; throws with the reason. */
  constructor(
    device: string,
    opts: { bpf: string; snaplen: number; bufferSize: number; timeoutMs: number },
  ) {
    const c = load();
    const ifindex = c.ifNameToIndex(device);
    if (!ifindex) throw new Error(`no interface ${device}`);
    this.ifindex = ifindex;
    const fd = c.socket(AF_PACKET, SOCK_RAW, ETH_P_ALL_BE);
    if (fd < 0) throw new Error(`socket(AF_PACKET) failed (errno ${koffi.errno()})`);
    this.fd = fd;
    try {
      const ifr = Buffer.alloc(40);
      ifr.write(device, 0, 15, 'latin1');
      this.linkType = c.ioctl(fd, SIOCGIFHWADDR, ifr) === 0 ? linkTypeOf(ifr.readUInt16LE(16)) : 1;
      const int = (v: number) => {
        const b = Buffer.alloc(4);
        b.writeInt32LE(v);
        return b;
      };
      if (c.setsockopt(fd, SOL_PACKET, PACKET_VERSION, int(TPACKET_V3), 4) !== 0)
        throw new Error('TPACKET_V3 is not available');
      if (opts.bpf) this.attachFilter(opts.bpf);
      const { blockSize, blocks } = geometry(opts.bufferSize);
      const req = Buffer.alloc(28);
      req.writeUInt32LE(blockSize, 0);
      req.writeUInt32LE(blocks, 4);
      req.writeUInt32LE(1 << 11, 8); // tp_frame_size: only a hint with TPACKET_V3
      req.writeUInt32LE((blockSize / (1 << 11)) * blocks, 12);
      req.writeUInt32LE(Math.max(1, opts.timeoutMs), 16); // block retire timeout
      if (c.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, 28) !== 0)
        throw new Error(`PACKET_RX_RING failed (errno ${koffi.errno()})`);
      this.blockSize = blockSize;
      this.blocks = blocks;
      this.mapLen = blockSize * blocks;
      this.map = c.mmap(null, this.mapLen, PROT_RW, MAP_SHARED, fd, 0);
      const addr = koffi.address(this.map);
      if (!this.map || addr === 0xffffffffffffffffn) throw new Error('mmap of the ring failed');
      const buf = koffi.view(this.map, this.mapLen);
      this.ring = new Uint8Array(buf);
      this.u32 = new Uint32Array(buf);
      const sll = Buffer.alloc(20);
      sll.writeUInt16LE(AF_PACKET, 0);
      sll.writeUInt16LE(ETH_P_ALL_BE, 2);
      sll.writeInt32LE(ifindex, 4);
      if (c.bind(fd, sll, 20) !== 0) throw new Error(`bind to ${device} failed`);
      const mreq = Buffer.alloc(16);
      mreq.writeInt32LE(ifindex, 0);
      mreq.writeUInt16LE(PACKET_MR_PROMISC, 4);
      c.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, 16);
      void opts.snaplen;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private attachFilter(filter: string): void {
    const pcap = libpcap();
    const dead = pcap.openDead(this.linkType, 262144);
    const prog = Buffer.alloc(16);
    try {
      if (pcap.compile(dead, prog, filter, 1, 0xffffffff) !== 0) throw new Error(pcap.geterr(dead));
      // struct bpf_program {u_int len; insns*} and struct sock_fprog {u16 len; insns*} share a layout
      // on little-endian 64-bit once the length fits in 16 bits.
      const fprog = Buffer.from(prog);
      fprog.writeUInt32LE(prog.readUInt32LE(0) & 0xffff, 0);
      const rc = load().setsockopt(this.fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16);
      pcap.freecode(prog);
      if (rc !== 0) throw new Error(`SO_ATTACH_FILTER failed (errno ${koffi.errno()})`);
    } finally {
      pcap.close(dead);
    }
  }

  /**
   * Hands every packet of the blocks the kernel has filled to `visit`, then gives the blocks back.
   * Returns the number of packets read (0: nothing ready).
   */
  read(visit: PacketVisitor, snaplen: number): number {
    // Block descriptors and packet headers are 4-byte aligned (host order = little-endian here).
    const w = this.u32;
    let count = 0;
    for (let k = 0; k < this.blocks; k++) {
      const base = this.next * this.blockSize;
      const b = base >>> 2;
      if ((w[b + 2]! & TP_STATUS_USER) === 0) break;
      const n = w[b + 3]!;
      let p = base + w[b + 4]!;
      for (let i = 0; i < n; i++) {
        const q = p >>> 2;
        const capLen = Math.min(w[q + 3]!, snaplen);
        const status = w[q + 5]!;
        const mac = w[q + 6]! & 0xffff;
        let vlan = -1;
        if (status & TP_STATUS_VLAN_VALID) {
          const tpid = status & TP_STATUS_VLAN_TPID_VALID ? w[q + 9]! & 0xffff : 0x8100;
          vlan = tpid * 65536 + (w[q + 8]! & 0xffff);
        }
        const ts = w[q + 1]! * 1e6 + Math.floor(w[q + 2]! / 1000);
        visit(this.ring, p + mac, capLen, w[q + 4]!, ts, vlan);
        count++;
        const nextOff = w[q]!;
        if (nextOff === 0) break;
        p += nextOff;
      }
      w[b + 2] = 0; // TP_STATUS_KERNEL: the kernel may refill it
      this.next = (this.next + 1) % this.blocks;
    }
    return count;
  }

  /** Kernel drops so far (PACKET_STATISTICS resets on read, so they are accumulated). */
  kernelDrops(): number {
    if (this.closed) return this.drops;
    const val = Buffer.alloc(12);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(12);
    if (load().getsockopt(this.fd, SOL_PACKET, PACKET_STATISTICS, val, len) === 0)
      this.drops += val.readUInt32LE(4);
    return this.drops;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const c = load();
    if (this.map) c.munmap(this.map, this.mapLen);
    c.close(this.fd);
  }
}
