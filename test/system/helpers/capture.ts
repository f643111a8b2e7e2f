// SPDX-License-Identifier: Apache-2.0
// Helpers for the capture system tests: two namespaces joined by a veth pair with addresses, async
// shell commands (so capture timers keep running), and small packet classifiers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packetAt, type PacketBatch } from '../../../src/flow/packet.js';
import { sh, type Scratch } from './netns.js';

const execFileP = promisify(execFile);

/** Runs a shell command without blocking the event loop; resolves with its stdout. */
export async function run(cmd: string): Promise<string> {
  const { stdout } = await execFileP('sh', ['-c', cmd], { maxBuffer: 16 << 20 });
  return stdout;
}

/** Namespaces A and B, veth A↔B with 10.<n>.0.1/24 and 10.<n>.0.2/24, all up. */
export interface VethPair {
  nsA: string;
  nsB: string;
  ifA: string;
  ifB: string;
  ipA: string;
  ipB: string;
}

/** Creates the pair inside `scratch` (which removes it). */
export function vethPair(scratch: Scratch): VethPair {
  const nsA = scratch.netns('a');
  const nsB = scratch.netns('b');
  const ifA = scratch.name('x');
  const ifB = scratch.name('y');
  const n = 100 + (parseInt(scratch.id, 16) % 100);
  const ipA = `10.${n}.0.1`;
  const ipB = `10.${n}.0.2`;
  sh(
    `ip link add ${ifA} netns ${nsA} type veth peer name ${ifB} netns ${nsB} && ` +
      `ip -n ${nsA} addr add ${ipA}/24 dev ${ifA} && ip -n ${nsB} addr add ${ipB}/24 dev ${ifB} && ` +
      `ip -n ${nsA} link set ${ifA} up && ip -n ${nsB} link set ${ifB} up`,
  );
  return { nsA, nsB, ifA, ifB, ipA, ipB };
}

/** IPv4 protocol number of an Ethernet frame (undefined when not IPv4). */
export function ipProto(frame: Uint8Array): number | undefined {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  return frame[23];
}

/** Every frame of some batches. */
export function frames(batches: readonly PacketBatch[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of batches) for (let i = 0; i < b.count; i++) out.push(packetAt(b, i));
  return out;
}

/** Polls until `cond` holds (at most ~10 s); resolves either way. */
export async function settle(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
}
