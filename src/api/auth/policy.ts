// SPDX-License-Identifier: Apache-2.0
// The built-in RBAC policy (Skydive's rbac/policy.csv, as facts): role admin may do everything,
// role guest may read status and topology and open /ws/subscriber. Lines use casbin's CSV form.

const ADMIN_OBJECTS: ReadonlyArray<readonly [string, string]> = [
  ['alert', 'read'],
  ['alert', 'write'],
  ['capture', 'read'],
  ['capture', 'write'],
  ['capture', 'rawpackets'],
  ['config', 'read'],
  ['injectpacket', 'read'],
  ['injectpacket', 'write'],
  ['pcap', 'write'],
  ['status', 'read'],
  ['topology', 'read'],
  ['workflow', 'read'],
  ['workflow', 'write'],
  ['websocket', '/ws/agent/topology'],
  ['websocket', '/ws/agent/flow'],
  ['websocket', '/ws/subscriber/flow'],
  ['websocket', '/ws/publisher'],
  ['websocket', '/ws/replication'],
  ['websocket', '/ws/subscriber'],
  ['websocket', '/ws/pubsub'],
  ['node', 'read'],
  ['node', 'write'],
  ['noderule', 'read'],
  ['noderule', 'write'],
  ['edge', 'read'],
  ['edge', 'write'],
  ['edgerule', 'read'],
  ['edgerule', 'write'],
  ['workflow.call', 'write'],
];

/** Guest lines: explicit denials as in Skydive, so the UI's permission list shows them. */
const GUEST: ReadonlyArray<readonly [string, string, 'allow' | 'deny']> = [
  ...ADMIN_OBJECTS.filter(([o]) =>
    ['alert', 'capture', 'config', 'injectpacket', 'pcap', 'workflow'].includes(o),
  ).map(([o, a]) => [o, a, 'deny'] as const),
  ['status', 'read', 'allow'],
  ['topology', 'read', 'allow'],
  ['websocket', '/ws/agent/topology', 'deny'],
  ['websocket', '/ws/agent/flow', 'deny'],
  ['websocket', '/ws/subscriber/flow', 'deny'],
  ['websocket', '/ws/publisher', 'deny'],
  ['websocket', '/ws/replication', 'deny'],
  ['websocket', '/ws/subscriber', 'allow'],
];

/** The default policy lines. Admin also gets a wildcard so that objects added later are allowed. */
export const DEFAULT_POLICY: readonly string[] = [
  ...ADMIN_OBJECTS.map(([o, a]) => `p, admin, ${o}, ${a}, allow`),
  'p, admin, *, *, allow',
  ...GUEST.map(([o, a, e]) => `p, guest, ${o}, ${a}, ${e}`),
];
