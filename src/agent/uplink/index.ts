// SPDX-License-Identifier: Apache-2.0
// Public surface of the agent's uplink: the topology stream to the analyzers.
export {
  Uplink,
  DEFAULT_UPLINK_TUNING,
  type UplinkOptions,
  type UplinkTuning,
  type AnalyzerLinkStatus,
  type UplinkRequestHandler,
} from './uplink.js';
export { ChangeLog } from './changes.js';
export { DEFAULT_HANDSHAKE_TIMEOUT_MS, type LinkTuning } from './link.js';
