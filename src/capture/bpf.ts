// SPDX-License-Identifier: Apache-2.0
// Checks a BPF filter with libpcap itself (pcap_open_dead + pcap_compile through koffi) without
// opening a capture: captures are validated before `cap` opens anything (a failed open in `cap`
// leaves a half-made handle behind).
import koffi from 'koffi';

interface Libpcap {
  openDead(linkType: number, snaplen: number): unknown;
  compile(p: unknown, prog: Buffer, filter: string, optimize: number, netmask: number): number;
  geterr(p: unknown): string;
  freecode(prog: Buffer): void;
  close(p: unknown): void;
}
let lib: Libpcap | undefined;

function load(): Libpcap {
  if (lib) return lib;
  let so: ReturnType<typeof koffi.load> | undefined;
  for (const name of ['libpcap.so.0.8', 'libpcap.so.1', 'libpcap.so']) {
    try {
      so = koffi.load(name);
      break;
    } catch {
      // try the next name
    }
  }
  if (!so) throw new Error('libpcap is not installed');
  lib = {
    openDead: so.func('void *pcap_open_dead(int, int)') as Libpcap['openDead'],
    compile: so.func(
      'int pcap_compile(void *, void *, const char *, int, uint32_t)',
    ) as Libpcap['compile'],
    geterr: so.func('const char *pcap_geterr(void *)') as Libpcap['geterr'],
    freecode: so.func('void pcap_freecode(void *)') as Libpcap['freecode'],
    close: so.func('void pcap_close(void *)') as Libpcap['close'],
  };
  return lib;
}

/**
 * Compiles `filter` for `linkType` (default Ethernet); returns libpcap's error message, or undefined
 * when it compiles. An empty filter always compiles.
 */
export function checkBpf(filter: string, linkType = 1): string | undefined {
  if (filter.trim() === '') return undefined;
  const l = load();
  const p = l.openDead(linkType, 65535);
  if (!p) return 'pcap_open_dead failed';
  const prog = Buffer.alloc(16);
  try {
    if (l.compile(p, prog, filter, 1, 0xffffffff) !== 0) return l.geterr(p);
    l.freecode(prog);
    return undefined;
  } finally {
    l.close(p);
  }
}
