// SPDX-License-Identifier: Apache-2.0
// The `analyzer` section of the configuration (skydive-compat §7, §3.6): listen address, auth
// backends, storage backends, topology probes, peering, and skydive-ts's own request limits.

import { Type } from '@sinclair/typebox';
import { bool, int, list, mapOf, optList, optStr, section, str } from './schema-helpers.js';

const KUBECONFIG = '/etc/skydive/kubeconfig';

export const AnalyzerSection = section('Analyzer settings.', {
  listen: str(
    'Address and port of the analyzer HTTP/WebSocket API (also the UDP flow port). "addr:port", ":port" (localhost) or a bare port.',
    '127.0.0.1:8082',
  ),
  auth: section('Authentication of the analyzer listeners.', {
    api: section('Authentication of API (REST, /ws/subscriber, /ws/publisher) requests.', {
      backend: str('Name of the auth.<name> section used for API requests.', 'noauth'),
    }),
    cluster: section('Authentication between analyzers and from agents.', {
      backend: str('Name of the auth.<name> section used for cluster connections.', 'noauth'),
      username: optStr('User name this analyzer sends when dialing other analyzers.'),
      password: optStr('Password this analyzer sends when dialing other analyzers.'),
    }),
  }),
  startup: section('Things started when the analyzer boots.', {
    capture_gremlin: optStr('Gremlin query of the nodes to capture on from boot.', {
      example: "G.V().Has('Name', NE('lo'))",
    }),
    capture_bpf: optStr('BPF filter of the boot capture.', { example: 'port 80' }),
    capture_type: optStr('Capture type of the boot capture (empty: per node default).'),
  }),
  flow: section('Flow storage.', {
    backend: str(
      'Name of the storage.<name> section that stores flows (memory: flows are not kept).',
      'sqlite',
    ),
    max_buffer_size: int(
      'Maximum number of flows waiting to be stored; beyond it, incoming flows are dropped (counted in the status).',
      100000,
      { minimum: 1 },
    ),
    max_pcap_size: int(
      'Largest capture POST /api/pcap accepts, in MiB (skydive-ts); a bigger upload is refused with 413.',
      1024,
      { minimum: 1 },
    ),
  }),
  topology: section('Topology storage and analyzer-side probes.', {
    backend: str(
      'Name of the storage.<name> section that stores the topology history and the API resources (rules, captures, alerts…); memory: nothing survives a restart.',
      'sqlite',
    ),
    probes: list(
      'Analyzer topology probes (k8s, istio, ovn, ovnk8s); fabric and peering always run.',
      [],
    ),
    fabric: optList(
      'Static nodes and links: "A[Name=x] -> B[Name=y]" (ownership + layer2), "-->" (layer2 only), "*[Type=host]/eth0" for a local interface.',
      { example: ['TOR[Name=tor] -> TOR_PORT1[Name=port1]', 'TOR_PORT1 --> *[Type=host]/eth0'] },
    ),
    k8s: section('Kubernetes probe.', {
      config_file: str('Path of the kubeconfig file.', KUBECONFIG, { unused: true }),
      probes: optList('Kubernetes sub-probes (all when empty).', { unused: true }),
      cluster_name: optStr('Name of the cluster node.', { unused: true }),
    }),
    istio: section('Istio probe.', {
      config_file: str('Path of the kubeconfig file.', KUBECONFIG, { unused: true }),
      probes: optList('Istio sub-probes.', { unused: true }),
    }),
    ovn: section('OVN probe.', {
      address: str('OVN northbound database address.', 'unix:///var/run/ovn/ovnnb_db.sock', {
        unused: true,
      }),
      cert: optStr('TLS certificate for the OVN database.', { unused: true }),
      key: optStr('TLS key for the OVN database.', { unused: true }),
      cacert: optStr('TLS CA certificate for the OVN database.', { unused: true }),
    }),
  }),
  replication: section('Replication between analyzers.', {
    debug: bool('Log replication messages.', false),
  }),
  peers: mapOf(
    'Other Skydive clusters to peer with, by cluster name.',
    Type.Object(
      {
        endpoints: optList('Analyzer addresses (host:port) of the peer cluster.'),
        publish_filter: optStr('Gremlin filter of what is published to the peer.'),
        subscribe_filter: optStr('Gremlin filter of what is received from the peer.'),
        username: optStr('User name for the peer cluster.'),
        password: optStr('Password for the peer cluster.'),
      },
      { additionalProperties: false },
    ),
    {},
    { unused: true },
  ),
  cluster: optStr('Name of this cluster, for peering.', { unused: true }),
  ssh_enabled: bool('Serve the /dede terminal.', false, { unused: true }),
  max_body_size: int(
    'Largest accepted HTTP request body, in bytes (skydive-ts).',
    10 * 1024 * 1024,
    {
      minimum: 1,
    },
  ),
  query: section('Gremlin query limits (skydive-ts).', {
    timeout: int('Longest run time of one query, in seconds.', 30, { minimum: 1 }),
    max_results: int('Largest number of elements a query may return.', 100000, { minimum: 1 }),
  }),
});
