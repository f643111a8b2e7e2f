// SPDX-License-Identifier: Apache-2.0
// Packet sources for the agent: live interfaces through libpcap (afpacket, pcap), pcapsocket, sFlow
// and pcap files or streams. Each implements CaptureSource and delivers PacketBatch batches.
export type {
  BatchSink,
  BatchingOptions,
  CaptureKind,
  CaptureSource,
  CaptureState,
  CaptureStats,
} from './source.js';
export { CaptureOpenError, LibpcapSource } from './libpcap.js';
export type { LibpcapOptions } from './libpcap.js';
export { PcapSocketSource } from './pcap-socket.js';
export type { PcapSocketOptions } from './pcap-socket.js';
export { SFlowSource } from './sflow.js';
export type { SFlowSourceOptions } from './sflow.js';
export { PcapFileSource } from './pcap-file.js';
export type { PcapFileOptions } from './pcap-file.js';
export type { StreamProgress } from './pcap-stream.js';
export { netnsPath } from './netns.js';
export { checkBpf } from './bpf.js';
