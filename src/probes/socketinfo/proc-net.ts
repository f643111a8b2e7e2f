// SPDX-License-Identifier: Apache-2.0
// Parses /proc/<pid>/net/{tcp,tcp6,udp,udp6}: one row per socket of that process's network
// namespace, with hex addresses in host byte order and the socket inode that ties it to a process.

export type SocketProtocol = 'TCP' | 'UDP';

/** One row of a /proc/net socket table. */
export interface ProcNetRow {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
  /** Socket inode; 0 for sockets no file refers to any more (TIME_WAIT…). */
  inode: number;
}

// The kernel's TCP states (include/net/tcp_states.h); UDP reuses them (7 = unconnected).
const STATES = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/** Name of a hex socket state from /proc/net/tcp (`0A` → LISTEN). */
export function stateName(hex: string): string {
  return STATES[Number.parseInt(hex, 16)] ?? 'UNKNOWN';
}

/** Bytes of a /proc/net hex address: each 32-bit word is printed in host (little-endian) order. */
function addressBytes(hex: string): number[] {
  const out: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    for (let b = 6; b >= 0; b -= 2) out.push(Number.parseInt(hex.slice(w + b, w + b + 2), 16));
  }
  return out;
}

/**
 * Formats an address the way Go's net.IP.String() does (and so Skydive): dotted quad for IPv4
 * and IPv4-mapped IPv6, otherwise RFC 5952 (lower case, the longest run of two or more zero
 * groups shortened to `::`).
 */
export function formatIP(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const mapped =
    bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return bytes.slice(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function endpoint(field: string): [string, number] | undefined {
  const colon = field.indexOf(':');
  if (colon !== 8 && colon !== 32) return undefined;
  const port = Number.parseInt(field.slice(colon + 1), 16);
  if (!Number.isFinite(port)) return undefined;
  return [formatIP(addressBytes(field.slice(0, colon))), port];
}

/**
 * Parses one /proc/net/{tcp,tcp6,udp,udp6} table; malformed rows are skipped.
 * @example parseProcNet(header + '0: 0100007F:1F90 00000000:0000 0A ... 0 12345 ...')[0]?.localPort // 8080
 */
export function parseProcNet(text: string): ProcNetRow[] {
  const rows: ProcNetRow[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    // sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = endpoint(f[1]!);
    const remote = endpoint(f[2]!);
    const inode = Number(f[9]);
    if (!local || !remote || !Number.isSafeInteger(inode)) continue;
    rows.push({
      localAddress: local[0],
      localPort: local[1],
      remoteAddress: remote[0],
      remotePort: remote[1],
      state: stateName(f[3]!),
      inode,
    });
  }
  return rows;
}
