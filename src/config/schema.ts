// SPDX-License-Identifier: Apache-2.0
// The whole configuration schema (skydive-compat §7, §3.6): Skydive's keys, spelled exactly as in
// skydive.yml, with their defaults. Keys marked unused are accepted so existing files still load.

import { Type, type Static } from '@sinclair/typebox';
import { AgentSection } from './schema-agent.js';
import { AnalyzerSection } from './schema-analyzer.js';
import { STORAGE_DEFAULTS, StorageBackend } from './schema-storage.js';
import {
  bool,
  int,
  list,
  mapOf,
  oneOf,
  openSection,
  optInt,
  optList,
  optNum,
  optStr,
  section,
  str,
} from './schema-helpers.js';

const AuthBackend = Type.Object(
  {
    type: Type.Optional(
      Type.Union([Type.Literal('basic'), Type.Literal('noauth'), Type.Literal('keystone')], {
        description: 'Backend type: basic, noauth or keystone.',
      }),
    ),
    file: optStr('basic: htpasswd file.'),
    users: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'basic: inline users, user name → password or bcrypt hash.',
      }),
    ),
    role: optStr('Role given to users of this backend (default admin).'),
    auth_url: optStr('keystone: Keystone URL.', { unused: true }),
    tenant_name: optStr('keystone: tenant the users must belong to.', { unused: true }),
    domain_name: optStr('keystone: domain the users must belong to.', { unused: true }),
  },
  { additionalProperties: false },
);

const favorites = (what: string) =>
  Type.Optional(Type.Record(Type.String(), Type.String(), { description: what }));

export { STORAGE_DEFAULTS } from './schema-storage.js';

/** The configuration schema: validation, defaults, docs and the example file derive from it. */
export const ConfigSchema = Type.Object(
  {
    host_id: str('Identifier of this agent or analyzer (X-Host-ID, Host of its nodes).', '', {
      defaultText: 'the host name',
    }),
    analyzers: list(
      'Analyzers (host:port): agents connect to all, analyzers replicate with all.',
      [],
      {
        example: ['127.0.0.1:8082'],
      },
    ),
    tls: section('TLS; enabled when a certificate, its key and ca_cert are set.', {
      client_cert: optStr('Client certificate (PEM file).'),
      client_key: optStr('Client private key (PEM file).'),
      server_cert: optStr('Server certificate (PEM file).'),
      server_key: optStr('Server private key (PEM file).'),
      ca_cert: optStr('CA certificate (PEM file).'),
      require_client_cert: bool('Require client certificates.', false),
    }),
    http: section('HTTP and WebSocket settings.', {
      cookie: mapOf('Cookies clients send with each request, name → value.', Type.String()),
      rest: section('REST client.', {
        debug: bool('Log REST client requests and responses at debug level.', false),
      }),
      ws: section('WebSocket connections.', {
        ping_delay: int('Seconds between two pings.', 2, { minimum: 1 }),
        pong_timeout: int('Seconds without pong (after ping_delay) before closing.', 5, {
          minimum: 1,
        }),
        bulk_maxmsgs: optInt('Documented by Skydive, never used.', { unused: true }),
        bulk_maxdelay: optInt('Documented by Skydive, never used.', { unused: true }),
        queue_size: int('Messages queued per connection before it is considered stuck.', 10000, {
          minimum: 1,
        }),
        enable_write_compression: bool('Negotiate permessage-deflate.', true),
      }),
    }),
    analyzer: AnalyzerSection,
    agent: AgentSection,
    auth: mapOf(
      'Authentication backends by name (referenced by the *.auth.*.backend keys).',
      AuthBackend,
      {
        basic: { type: 'basic' },
        keystone: { type: 'keystone', tenant_name: 'admin', domain_name: 'Default' },
        noauth: { type: 'noauth' },
      },
    ),
    rbac: section('Role-based access control (casbin).', {
      model: section('casbin model.', {
        request_definition: list('Request definition.', ['sub, obj, act']),
        policy_definition: list('Policy definition.', ['sub, obj, act, eft']),
        role_definition: list('Role definition.', ['_, _']),
        policy_effect: list('Policy effect.', [
          'some(where (p_eft == allow)) && !some(where (p_eft == deny))',
        ]),
        matchers: list('Matchers.', ['g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act']),
      }),
      policy: list(
        'Extra policy lines, e.g. "p, myuser, capture, write, deny", "g, myuser, myrole".',
        [],
      ),
    }),
    storage: mapOf(
      'Storage backends by name (analyzer.topology.backend and analyzer.flow.backend name one).',
      StorageBackend,
      STORAGE_DEFAULTS,
    ),
    logging: section('Logging.', {
      level: str('Log level: DEBUG, INFO, WARNING, ERROR, CRITICAL.', 'INFO'),
      backends: list('Log outputs: stderr, stdout, file, syslog.', ['stderr']),
      file: section('file backend.', { path: str('Log file.', '/var/log/skydive.log') }),
      encoder: str('Log encoding: json or text (empty: per backend).', ''),
      color: bool('Colour text logs.', true),
      id: optStr('Identifier added to log lines.'),
      syslog: section('syslog backend.', {
        address: str('syslog address.', '/dev/log'),
        protocol: str('syslog protocol.', 'unixgram'),
        tag: str('syslog tag.', 'skydive'),
      }),
    }),
    etcd: section('etcd (resource storage and elections).', {
      embedded: bool('Run an embedded etcd server in the analyzer.', true, { unused: true }),
      listen: str(
        'Client address of the embedded server (peer port = port + 1).',
        '127.0.0.1:12379',
        {
          unused: true,
        },
      ),
      data_dir: str('Data directory of the embedded server.', '/var/lib/skydive/etcd', {
        unused: true,
      }),
      name: str('Member name.', '', { defaultText: 'host_id', unused: true }),
      servers: optList('etcd client URLs (default: the embedded server).', { unused: true }),
      peers: mapOf('Cluster members, name → peer URL.', Type.String(), {}, { unused: true }),
      max_wal_files: int('Maximum WAL files (0: unlimited).', 5, { minimum: 0, unused: true }),
      max_snap_files: int('Maximum snapshot files (0: unlimited).', 5, {
        minimum: 0,
        unused: true,
      }),
      client_timeout: int('Client timeout in seconds.', 5, { unused: true }),
      debug: bool('Log etcd.', false, { unused: true }),
    }),
    flow: section('Flow tables.', {
      expire: int('Seconds without packets after which a flow expires.', 600, {
        exclusiveMinimum: 0,
      }),
      update: int('Seconds between two flow updates sent to the analyzer.', 60, {
        exclusiveMinimum: 0,
      }),
      protocol: oneOf(['udp', 'websocket'], 'Transport of flows from agents to analyzers.', 'udp'),
      max_entries: int('Maximum number of flows in a table.', 500000, { minimum: 1 }),
      default_layer_key_mode: oneOf(['L2', 'L3'], 'Layers that identify a flow by default.', 'L2'),
      application_ports: section('Application names by port.', {
        tcp: mapOf('TCP port → application name.', Type.String()),
        udp: mapOf('UDP port → application name.', Type.String()),
      }),
      application_timeout: mapOf(
        'Seconds of inactivity after which flows of an application are finished.',
        Type.Integer(),
        { arp: 10, dns: 10 },
      ),
    }),
    ovs: section('Open vSwitch.', {
      ovsdb: str(
        'OVSDB address: unix:///path, tcp:host:port or host:port.',
        'unix:///var/run/openvswitch/db.sock',
      ),
      enable_stats: bool('Read interface statistics from OVSDB.', false),
      oflow: section('OpenFlow rules.', {
        enable: bool('Add OpenFlow rules and groups to the topology.', false, { unused: true }),
        native: bool('Use the native OpenFlow protocol instead of ovs-ofctl.', false, {
          unused: true,
        }),
        openflow_versions: list(
          'OpenFlow versions used to query switches.',
          ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14'],
          { unused: true },
        ),
        key: optStr('TLS key for remote bridges.', { unused: true }),
        cert: optStr('TLS certificate for remote bridges.', { unused: true }),
        ca: optStr('TLS CA for remote bridges.', { unused: true }),
        address: mapOf('Bridge name → remote URL.', Type.String(), {}, { unused: true }),
      }),
    }),
    opencontrail: section('OpenContrail vrouter.', {
      host: str('vrouter agent address.', 'localhost', { unused: true }),
      port: int('vrouter agent port.', 8085, { unused: true }),
      mpls_udp_port: int('UDP port of MPLS traffic.', 51234, { unused: true }),
    }),
    dpdk: section('DPDK capture.', {
      ports: Type.Optional(
        Type.Array(Type.Integer(), { description: 'DPDK ports.', 'x-unused': true }),
      ),
      workers: optInt('Workers per port.', { unused: true }),
      debug: optInt('Seconds between debug messages.', { unused: true }),
    }),
    cache: section('Caches.', {
      expire: int('Seconds before a cache entry expires.', 300, { unused: true }),
      cleanup: int('Seconds between two cache cleanups.', 30, { unused: true }),
    }),
    plugin: section('Go plugins (not supported by skydive-ts).', {
      plugins_dir: optStr('Plugin directory.', { unused: true }),
      topology: section('Topology plugins.', {
        probes: optList('Plugin probes.', { unused: true }),
      }),
    }),
    ui: Type.Object(
      {
        extra_assets: optStr('Folder of extra JavaScript/CSS for the web UI.'),
        theme: optStr('light or dark.'),
        topology: openSection('Topology view.', {
          favorites: favorites('Named Gremlin filters (lower-case keys).'),
          default_filter: optStr('Favorite applied as filter on load.'),
          default_highlight: optStr('Favorite applied as highlight on load.'),
        }),
        bandwidth_update_rate: optInt('Seconds between link bandwidth updates.'),
        bandwidth_threshold: optStr('absolute (Kbit) or relative (fraction of link speed).'),
        bandwidth_absolute_active: optNum('Active threshold (Kbit).'),
        bandwidth_absolute_warning: optNum('Warning threshold (Kbit).'),
        bandwidth_absolute_alert: optNum('Alert threshold (Kbit).'),
        bandwidth_relative_active: optNum('Active threshold (fraction).'),
        bandwidth_relative_warning: optNum('Warning threshold (fraction).'),
        bandwidth_relative_alert: optNum('Alert threshold (fraction).'),
        ssh_enabled: Type.Optional(Type.Boolean({ description: 'Offer ssh to hosts.' })),
        k8s_enabled: Type.Optional(Type.Boolean({ description: 'Show the Kubernetes views.' })),
        bpf: openSection('Capture dialog.', { favorites: favorites('Named BPF filters.') }),
      },
      {
        description: 'Web UI settings, served as is by GET /api/config/ui; unknown keys are kept.',
        additionalProperties: true,
        default: {},
      },
    ),
  },
  { additionalProperties: false },
);

/** Readonly all the way down, as the loaded configuration is frozen. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The loaded configuration (deep-frozen). */
export type SkydiveConfig = DeepReadonly<Static<typeof ConfigSchema>>;
