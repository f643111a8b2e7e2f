// SPDX-License-Identifier: Apache-2.0
// Keys Skydive renamed and still honours (its config.go relocation map): an old key moves to its
// new place(s) unless the new key is set in the same source, and the caller is warned.

import { isPlainObject } from './coerce.js';
import { deletePath, getPath, setPath } from './tree.js';

/** Old key → new keys, from Skydive's relocation map (plus istio.probes, same idea). */
export const RELOCATIONS: Readonly<Record<string, readonly string[]>> = {
  'auth.type': [
    'agent.auth.api.backend',
    'analyzer.auth.api.backend',
    'analyzer.auth.cluster.backend',
  ],
  'auth.analyzer_username': ['agent.auth.cluster.username', 'analyzer.auth.cluster.username'],
  'auth.analyzer_password': ['agent.auth.cluster.password', 'analyzer.auth.cluster.password'],
  'agent.flow.stats_update': ['agent.capture.stats_update'],
  'sflow.bind_address': ['agent.flow.sflow.bind_address'],
  'sflow.port_min': ['agent.flow.sflow.port_min'],
  'sflow.port_max': ['agent.flow.sflow.port_max'],
  'docker.url': ['agent.topology.docker.url'],
  'docker.netns.run_path': ['agent.topology.docker.netns.run_path'],
  'netns.run_path': ['agent.topology.netns.run_path'],
  'analyzer.storage.backend': ['analyzer.flow.backend'],
  'analyzer.storage.max_flow_buffer_size': ['analyzer.flow.max_buffer_size'],
  'graph.backend': ['analyzer.topology.backend'],
  'k8s.config_file': ['analyzer.topology.k8s.config_file'],
  'k8s.probes': ['analyzer.topology.k8s.probes'],
  'istio.probes': ['analyzer.topology.istio.probes'],
};

/** Top-level or nested sections that only exist in old files; removed once emptied. */
const LEGACY_SECTIONS = [
  'sflow',
  'docker.netns',
  'docker',
  'netns',
  'analyzer.storage',
  'graph',
  'k8s',
  'istio',
];

/**
 * Moves old keys of one parsed source to their new places, in place.
 * `auth.type` and friends move only when they hold a value, not a section (a backend named "type").
 * @returns one warning per moved key
 */
export function relocateLegacyKeys(tree: Record<string, unknown>, source: string): string[] {
  const warnings: string[] = [];
  for (const [oldKey, newKeys] of Object.entries(RELOCATIONS)) {
    const oldPath = oldKey.split('.');
    const value = getPath(tree, oldPath);
    if (value === undefined || value === null || isPlainObject(value)) continue;
    deletePath(tree, oldPath);
    for (const newKey of newKeys) {
      const newPath = newKey.split('.');
      if (getPath(tree, newPath) === undefined) setPath(tree, newPath, value);
    }
    warnings.push(
      `configuration key "${oldKey}" in ${source} is deprecated, use ${newKeys.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  for (const section of LEGACY_SECTIONS) {
    const path = section.split('.');
    const v = getPath(tree, path);
    if (v === null || (isPlainObject(v) && Object.keys(v).length === 0)) deletePath(tree, path);
  }
  return warnings;
}
