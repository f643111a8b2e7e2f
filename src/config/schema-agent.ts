// SPDX-License-Identifier: Apache-2.0
// The `agent` section of the configuration (skydive-compat §7): listen address, credentials toward
// analyzers, topology probes and their settings, flow probes and capture settings.

import { Type } from '@sinclair/typebox';
import {
  anyValue,
  bool,
  int,
  list,
  optInt,
  optList,
  optStr,
  section,
  str,
} from './schema-helpers.js';

const portRange = (what: string, min: number, max: number) => ({
  bind_address: str(`Address the ${what} listeners bind to.`, '127.0.0.1'),
  port_min: int(`Lowest port of the ${what} listeners.`, min),
  port_max: int(`Highest port of the ${what} listeners.`, max),
});

const topology = section('Agent topology probes.', {
  probes: list(
    'Topology probes to run besides the always-on hardware, netlink and netns (blockdev, docker, lldp, libvirt, lxd, neutron, opencontrail, ovsdb, runc, socketinfo, vpp, bess).',
    ['ovsdb'],
  ),
  netlink: section('netlink probe.', {
    metrics_update: int('Seconds between two interface metric updates.', 30, { minimum: 1 }),
    event_buffer_size: int(
      'Receive buffer of the event socket of each namespace, in bytes, set with SO_RCVBUFFORCE; an overflow makes the namespace resync (skydive-ts).',
      4 * 1024 * 1024,
      { minimum: 4096 },
    ),
  }),
  netns: section('netns probe.', {
    run_path: str('Directory watched for network namespaces.', '/var/run/netns'),
    proc_scan_interval: int(
      'Seconds between two scans of the namespaces of processes (/proc/*/ns/net); 0 leaves process namespaces out (skydive-ts).',
      5,
      { minimum: 0 },
    ),
  }),
  docker: section('docker probe.', {
    url: str('Docker API endpoint.', 'unix:///var/run/docker.sock'),
    netns: section('Docker network namespaces.', {
      run_path: str('Directory of Docker network namespaces.', '/var/run/docker/netns'),
    }),
  }),
  neutron: section('OpenStack Neutron probe.', {
    auth_url: optStr('Keystone URL.', { unused: true }),
    username: str('User name.', 'neutron', { unused: true }),
    password: optStr('Password.', { unused: true }),
    tenant_name: str('Tenant.', 'service', { unused: true }),
    region_name: str('Region.', 'RegionOne', { unused: true }),
    domain_name: str('Domain.', 'Default', { unused: true }),
    ssl_insecure: bool('Accept any TLS certificate.', false, { unused: true }),
    endpoint_type: str('Endpoint type: public, internal or admin.', 'public', { unused: true }),
  }),
  lldp: section('lldp probe.', {
    interfaces: optList('Interfaces to listen on for LLDP (all physical ones when empty).'),
  }),
  libvirt: section('libvirt probe.', {
    url: optStr('libvirt connection URL.', { example: 'qemu:///system', unused: true }),
  }),
  runc: section('runc probe.', {
    run_path: list('Directories of runc container states.', [
      '/run/containerd/runc',
      '/run/runc',
      '/run/runc-ctrs',
    ]),
  }),
  vpp: section('VPP probe.', {
    connect: str('VPP API socket (empty: default).', '', { unused: true }),
  }),
  socketinfo: section('socketinfo probe.', {
    host_update: int('Seconds between two socket scans.', 10, { minimum: 1 }),
  }),
  ethtool: section('ethtool probe (skydive-ts): driver, bus, speed and features of interfaces.', {
    ethtool_path: str('Path of ethtool.', 'ethtool'),
    nsenter_path: str('Path of nsenter (runs ethtool inside a namespace).', 'nsenter'),
    workers: int('ethtool batches run at the same time.', 2, { minimum: 1 }),
    batch_size: int('Interfaces of one namespace asked in one batch.', 16, { minimum: 1 }),
    timeout: int('Seconds before an ethtool batch is abandoned.', 10, { minimum: 1 }),
  }),
  blockdev: section('blockdev probe.', {
    lsblk_path: str('Path of lsblk.', '/usr/bin/lsblk'),
    lsblk_update: int('Seconds between two lsblk reads (skydive-ts).', 30, { minimum: 1 }),
    iostat_path: optStr('Path of iostat.', { unused: true }),
    iostat_update: optInt('Seconds between two iostat runs.', { unused: true }),
  }),
  bess: section('BESS probe.', {
    host: str('BESS daemon address.', '127.0.0.1', { unused: true }),
    port: int('BESS daemon port.', 10514, { unused: true }),
  }),
});

const flow = section('Agent flow probes.', {
  probes: list('Flow probes to enable.', ['gopacket', 'pcapsocket']),
  sflow: section('sFlow capture listeners.', portRange('sFlow', 6345, 6355)),
  pcapsocket: section('pcapsocket capture listeners.', {
    bind_address: str('Address the pcapsocket listeners bind to.', '127.0.0.1'),
    min_port: int('Lowest port of the pcapsocket listeners.', 8100),
    max_port: int('Highest port of the pcapsocket listeners.', 8132),
    port_min: optInt("Spelling used by Skydive's example file; same as min_port."),
    port_max: optInt("Spelling used by Skydive's example file; same as max_port."),
  }),
  netflow: section('NetFlow capture listeners.', { ...portRange('NetFlow', 6365, 6375) }),
  ebpf: section('eBPF capture.', {
    polling_rate: int('eBPF map polling rate.', 16000, { unused: true }),
  }),
});

export const AgentSection = section('Agent settings.', {
  listen: str(
    'Address and port of the agent API. "addr:port", ":port" (localhost) or a bare port.',
    '127.0.0.1:8081',
  ),
  auth: section('Authentication of the agent.', {
    api: section('Authentication of API requests to the agent.', {
      backend: str('Name of the auth.<name> section used for API requests.', 'noauth'),
    }),
    cluster: section('Credentials the agent sends to analyzers.', {
      username: optStr('User name sent to analyzers.'),
      password: optStr('Password sent to analyzers.'),
    }),
  }),
  topology,
  flow,
  capture: section('Captures.', {
    stats_update: int('Seconds between two capture statistics updates in node metadata.', 1, {
      minimum: 1,
    }),
  }),
  metadata: anyValue('Extra metadata merged into the host node (free-form map).', {
    example: { info: 'This is compute node' },
  }),
  metadata_config: section('Host node metadata read from files.', {
    files: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.String({ description: 'File path.' }),
            type: Type.String({ description: 'File format: json, yaml, ini, …' }),
            name: Type.String({ description: 'Metadata key under Config.' }),
            selector: Type.Optional(Type.String({ description: 'Part of the file to read.' })),
          },
          { additionalProperties: false },
        ),
        { description: 'Files merged into the host node metadata as Config.<name>.' },
      ),
    ),
  }),
});
