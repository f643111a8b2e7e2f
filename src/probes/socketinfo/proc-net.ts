// SPDX-License-Identifier: Apache-2.0
// Parses /proc/<pid>/net/{tcp,tcp6,udp,udp6}: one row per socket of that process's network
// namespace, with hex addresses in host byte order and the socket inode that ties it to a process.
import { formatIP } from '../ip-text.js';

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

export { formatIP };

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
