// SPDX-License-Identifier: Apache-2.0
// The libpcap calls a capture thread makes, through koffi: create/activate a live handle with a
// kernel ring, compile and set a BPF filter, dispatch packets to a callback, read drop counters.
import koffi, { type LibraryHandle, type TypeObject } from 'koffi';

/** An opaque pcap_t pointer. */
export type PcapHandle = unknown;

/** The libpcap entry points we use. */
export interface Libpcap {
  create(device: string, errbuf: Buffer): PcapHandle;
  setSnaplen(p: PcapHandle, n: number): number;
  setPromisc(p: PcapHandle, on: number): number;
  setTimeout(p: PcapHandle, ms: number): number;
  setBufferSize(p: PcapHandle, bytes: number): number;
  activate(p: PcapHandle): number;
  geterr(p: PcapHandle): string;
  setnonblock(p: PcapHandle, on: number, errbuf: Buffer): number;
  datalink(p: PcapHandle): number;
  compile(p: PcapHandle, prog: Buffer, filter: string, optimize: number, netmask: number): number;
  setfilter(p: PcapHandle, prog: Buffer): number;
  freecode(prog: Buffer): void;
  /** pcap_dispatch with a registered callback pointer. */
  dispatch(p: PcapHandle, count: number, cb: unknown, user: null): number;
  /** struct pcap_stat: ps_recv, ps_drop, ps_ifdrop (3 × u32). */
  stats(p: PcapHandle, out: Buffer): number;
  close(p: PcapHandle): void;
  openDead(linkType: number, snaplen: number): PcapHandle;
  /** pcap_offline_filter(prog, header, data): non-zero when the packet matches. */
  offlineFilter(prog: Buffer, header: Buffer, data: Uint8Array): number;
  /** The callback type of dispatch: (user, header pointer, data pointer) as BigInt addresses. */
  handlerType: TypeObject;
}

let lib: Libpcap | undefined;

/** Loads libpcap (Debian's libpcap0.8 package) once per thread. */
export function libpcap(): Libpcap {
  if (lib) return lib;
  let so: LibraryHandle | undefined;
  for (const name of ['libpcap.so.0.8', 'libpcap.so.1', 'libpcap.so']) {
    try {
      so = koffi.load(name);
      break;
    } catch {
      // try the next name
    }
  }
  if (!so) throw new Error('libpcap is not installed (libpcap0.8)');
  const handler = koffi.proto('void skydive_pcap_handler(void *user, void *h, void *bytes)');
  const f = <T>(decl: string) => so.func(decl) as unknown as T;
  lib = {
    create: f('void *pcap_create(const char *, char *)'),
    setSnaplen: f('int pcap_set_snaplen(void *, int)'),
    setPromisc: f('int pcap_set_promisc(void *, int)'),
    setTimeout: f('int pcap_set_timeout(void *, int)'),
    setBufferSize: f('int pcap_set_buffer_size(void *, int)'),
    activate: f('int pcap_activate(void *)'),
    geterr: f('const char *pcap_geterr(void *)'),
    setnonblock: f('int pcap_setnonblock(void *, int, char *)'),
    datalink: f('int pcap_datalink(void *)'),
    compile: f('int pcap_compile(void *, void *, const char *, int, uint32_t)'),
    setfilter: f('int pcap_setfilter(void *, void *)'),
    freecode: f('void pcap_freecode(void *)'),
    dispatch: so.func('pcap_dispatch', 'int', [
      'void *',
      'int',
      koffi.pointer(handler),
      'void *',
    ]) as unknown as Libpcap['dispatch'],
    stats: f('int pcap_stats(void *, void *)'),
    close: f('void pcap_close(void *)'),
    openDead: f('void *pcap_open_dead(int, int)'),
    offlineFilter: f('int pcap_offline_filter(void *, void *, void *)'),
    handlerType: koffi.pointer(handler),
  };
  return lib;
}
