// SPDX-License-Identifier: Apache-2.0
// Public surface of replication between analyzers (skydive-compat §2.10).
export {
  Replication,
  type PeersStatus,
  type ReplicationOptions,
  type ReplicationStats,
} from './service.js';
export {
  DEFAULT_REPLICATION_TUNING,
  replicationSettingsFromConfig,
  type ReplicationSettings,
  type ReplicationTuning,
} from './settings.js';
export { registerReplicationMetrics } from './metrics.js';
