// SPDX-License-Identifier: Apache-2.0
// sFlow v5: the datagram decoder (sampled packets as PacketBatch, counter samples) and the folding of
// counter samples into Skydive's `SFlow` node metadata.
export { SFlowDecoder } from './decoder.js';
export type { SFlowOutput, SFlowStats } from './decoder.js';
export type * from './counters.js';
export { SFlowMetrics } from './metrics.js';
export type { SFlowIfMetric, SFlowMetadata, SFlowMetric } from './metrics.js';
