// SPDX-License-Identifier: Apache-2.0
// The flow table's public surface: the table, its options and counters, the packet-time clock and
// the offline reader of capture files, and the XXH64 hasher of flow identifiers.
export { FlowTable } from './table.js';
export type { FlowTableCounters, FlowTableOptions } from './options.js';
export { DEFAULT_APPLICATION_TIMEOUTS, DEFAULT_MAX_ENTRIES, HOLD_TIMEOUT_MS } from './options.js';
export { OfflineFlows, PacketClock } from './offline.js';
export type { OfflineOptions, OfflineResult } from './offline.js';
export { XXH64, hex64, xxh64Hex } from './xxhash64.js';
