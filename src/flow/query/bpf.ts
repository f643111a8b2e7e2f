// SPDX-License-Identifier: Apache-2.0
// BPF filters compiled by libpcap itself (pcap_open_dead + pcap_compile through koffi): the check
// the capture API runs on `BPFFilter`, and the matcher of the RawPackets().BPF() Gremlin step.
import koffi from 'koffi';

/** PCAP_NETMASK_UNKNOWN: `ip broadcast` cannot be compiled without a netmask. */
const NETMASK_UNKNOWN = 0xffffffff;
const SNAPLEN = 262144;

interface Pcap {
  openDead: (linkType: number, snaplen: number) => unknown;
  compile: (p: unknown, prog: Uint8Array, filter: string, optimize: number, mask: number) => number;
  geterr: (p: unknown) => string;
  freecode: (prog: Uint8Array) => void;
  close: (p: unknown) => void;
  offlineFilter: (prog: Uint8Array, hdr: Uint8Array, data: Uint8Array) => number;
}

let lib: Pcap | undefined;

function pcap(): Pcap {
  if (lib) return lib;
  const so = koffi.load('libpcap.so.0.8');
  lib = {
    openDead: so.func('void *pcap_open_dead(int linktype, int snaplen)') as Pcap['openDead'],
    compile: so.func(
      'int pcap_compile(void *p, _Inout_ uint8_t *fp, const char *str, int optimize, uint32_t netmask)',
    ) as Pcap['compile'],
    geterr: so.func('const char *pcap_geterr(void *p)') as Pcap['geterr'],
    freecode: so.func('void pcap_freecode(_Inout_ uint8_t *fp)') as Pcap['freecode'],
    close: so.func('void pcap_close(void *p)') as Pcap['close'],
    offlineFilter: so.func(
      'int pcap_offline_filter(const uint8_t *fp, const uint8_t *h, const uint8_t *pkt)',
    ) as Pcap['offlineFilter'],
  };
  return lib;
}

/** A compiled filter; call free() once done (the program lives in native memory). */
export interface BpfProgram {
  /** True when the packet (captured bytes, original length) passes the filter. */
  matches(data: Uint8Array, wireLen?: number): boolean;
  free(): void;
}

/**
 * Compiles `filter` for `linkType` (pcap LINKTYPE, default Ethernet).
 * @throws Error with libpcap's message when the filter does not compile.
 */
export function compileBpf(filter: string, linkType = 1): BpfProgram {
  const p = pcap();
  const handle = p.openDead(linkType, SNAPLEN);
  // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; } — 16 bytes on 64-bit.
  const prog = new Uint8Array(16);
  try {
    if (p.compile(handle, prog, filter, 1, NETMASK_UNKNOWN) !== 0)
      throw new Error(`invalid BPF filter '${filter}': ${p.geterr(handle)}`);
  } finally {
    p.close(handle);
  }
  // struct pcap_pkthdr { struct timeval ts (16 bytes); bpf_u_int32 caplen; bpf_u_int32 len; }
  const hdr = new Uint8Array(24);
  const view = new DataView(hdr.buffer);
  let freed = false;
  return {
    matches(data, wireLen = data.length) {
      view.setUint32(16, data.length, true);
      view.setUint32(20, wireLen, true);
      return p.offlineFilter(prog, hdr, data) !== 0;
    },
    free() {
      if (freed) return;
      freed = true;
      p.freecode(prog);
    },
  };
}

/** Undefined when `filter` compiles for Ethernet, else libpcap's error message. */
export function bpfError(filter: string, linkType = 1): string | undefined {
  try {
    compileBpf(filter, linkType).free();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
