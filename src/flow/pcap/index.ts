// SPDX-License-Identifier: Apache-2.0
// Pcap and pcapng: a streaming reader that yields PacketBatch batches, and a classic pcap writer.
export { PcapReader, readCapture } from './reader.js';
export type { CaptureRead, PcapReaderOptions, PcapDamage, PcapReaderStats } from './reader.js';
export type { ClassicHeader } from './classic.js';
export { PcapWriter, writePcap } from './writer.js';
export type { PcapWriterOptions } from './writer.js';
