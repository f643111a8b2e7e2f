// SPDX-License-Identifier: Apache-2.0
// Feeds a stream of pcap/pcapng chunks (a file, an upload, a TCP connection) through the flow
// PcapReader into a sink, counting damage and progress; shared by the pcapfile and pcapsocket sources.
import { PcapReader } from '../flow/pcap/index.js';
import { deliver, type BatchSink, type CaptureStats } from './source.js';

/** Progress of one stream. */
export interface StreamProgress {
  /** Bytes read so far. */
  bytes: number;
  /** Total bytes when known (files), else undefined. */
  total: number | undefined;
  /** Damage records of this stream (offsets, kinds). */
  damage: ReadonlyArray<{ offset: number; kind: string; message: string }>;
}

/**
 * Reads `chunks` to the end. A stream that is not a capture rejects with SKY_ERR_PCAP_FORMAT after
 * counting one decode error; damage inside it is counted in `stats.decodeErrors`.
 */
export async function pumpPcapStream(
  chunks: AsyncIterable<Uint8Array>,
  sink: BatchSink,
  stats: CaptureStats,
  progress: StreamProgress,
  opts: { batchPackets?: number; signal?: AbortSignal; live?: boolean } = {},
): Promise<PcapReader> {
  const reader = new PcapReader(opts.batchPackets ? { batchPackets: opts.batchPackets } : {});
  let counted = 0;
  const account = () => {
    stats.decodeErrors += reader.stats.errors - counted;
    counted = reader.stats.errors;
    progress.damage = reader.damage;
  };
  try {
    for await (const chunk of chunks) {
      if (opts.signal?.aborted) break;
      progress.bytes += chunk.length;
      for (const b of reader.push(chunk)) deliver(b, sink, stats);
      // A live stream delivers what each chunk completed rather than wait for a full batch.
      if (opts.live) for (const b of reader.flush()) deliver(b, sink, stats);
      account();
    }
    for (const b of reader.end()) deliver(b, sink, stats);
    account();
  } catch (e) {
    stats.decodeErrors++;
    throw e;
  }
  return reader;
}
