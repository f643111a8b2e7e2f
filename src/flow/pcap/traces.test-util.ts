// SPDX-License-Identifier: Apache-2.0
// Test helpers for the pcap tests: where the shared captures live, and a batch flattener.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packetAt, type PacketBatch } from '../packet.js';

/** The directory of the shared Skydive captures (SKYDIVE_PCAPTRACES overrides). */
export const tracesDir =
  process.env['SKYDIVE_PCAPTRACES'] ??
  join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/pcaptraces');

/** True when the shared captures are present. */
export const haveTraces = existsSync(tracesDir);

/** One packet as plain values, for deep comparisons. */
export interface FlatPacket {
  linkType: number;
  data: number[];
  ts: number;
  wire: number;
}

/** Every packet of some batches, in order. */
export function flatten(batches: readonly PacketBatch[]): FlatPacket[] {
  const out: FlatPacket[] = [];
  for (const b of batches)
    for (let i = 0; i < b.count; i++)
      out.push({
        linkType: b.linkType,
        data: [...packetAt(b, i)],
        ts: b.timestamps[i]!,
        wire: b.wireLens[i]!,
      });
  return out;
}
