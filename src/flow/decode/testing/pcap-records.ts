// SPDX-License-Identifier: Apache-2.0
// Test helper: the records of a classic pcap file (either byte order, micro- or nanosecond stamps) as
// link type plus frames. Only for decoder tests; src/flow/pcap has the real reader.
import { readFileSync } from 'node:fs';

/** One record of a pcap file. */
export interface PcapRecord {
  data: Uint8Array;
  timestampMicros: number;
  wireLength: number;
}

/** Reads every record of the classic pcap file at `path`. */
export function readPcapRecords(path: string): { linkType: number; records: PcapRecord[] } {
  const buf = new Uint8Array(readFileSync(path));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && view.getUint32(0, false) !== 0xa1b2c3d4 && view.getUint32(0, false) !== 0xa1b23c4d)
    throw new Error(`${path}: not a classic pcap file`);
  const nanos = (little ? magic : view.getUint32(0, false)) === 0xa1b23c4d;
  const linkType = view.getUint32(20, little);
  const records: PcapRecord[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const sec = view.getUint32(o, little);
    const frac = view.getUint32(o + 4, little);
    const capLen = view.getUint32(o + 8, little);
    const wireLength = view.getUint32(o + 12, little);
    const data = buf.subarray(o + 16, Math.min(buf.length, o + 16 + capLen));
    records.push({
      data,
      timestampMicros: sec * 1e6 + (nanos ? Math.floor(frac / 1000) : frac),
      wireLength,
    });
    o += 16 + capLen;
  }
  return { linkType, records };
}
