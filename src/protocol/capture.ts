// SPDX-License-Identifier: Apache-2.0
// The Capture resource (skydive-compat §3.3) and what each capture type can do on which node type
// (§6.1): the JSON keys in Go's order, the type tables, and the node `Captures` metadata entry.

/** Every capture type Skydive knows (`Type`); empty means the node type's default. */
export const CAPTURE_TYPES = [
  'afpacket',
  'pcap',
  'pcapsocket',
  'sflow',
  'ebpf',
  'ovssflow',
  'ovsmirror',
  'ovsnetflow',
  'dpdk',
] as const;
export type CaptureType = (typeof CAPTURE_TYPES)[number];

/** Bits of `ExtraLayers`. */
export const ExtraLayer = { VRRP: 1, DNS: 2, DHCPv4: 4, ALL: 255 } as const;

/** A capture as the API stores and serves it. */
export interface Capture {
  UUID: string;
  GremlinQuery: string;
  BPFFilter?: string;
  Name?: string;
  Description?: string;
  Type?: string;
  /** Nodes where the capture is active (computed on read). */
  Count: number;
  Port?: number;
  SamplingRate: number;
  PollingInterval: number;
  RawPacketLimit?: number;
  HeaderSize?: number;
  ExtraTCPMetric: boolean;
  IPDefrag: boolean;
  ReassembleTCP: boolean;
  LayerKeyMode?: string;
  ExtraLayers?: number;
  Target?: string;
  TargetType?: string;
}

/** One entry of a node's `Captures` metadata (Skydive's CaptureMetadata). */
export interface CaptureMetadata {
  PacketsReceived: number;
  PacketsDropped: number;
  PacketsIfDropped: number;
  ID?: string;
  State?: 'active' | 'error' | string;
  Name?: string;
  Description?: string;
  BPFFilter?: string;
  Type?: string;
  PCAPSocket?: string;
  MirrorOf?: string;
  SFlowSocket?: string;
  Error?: string;
}

const LINUX_INTERFACE_TYPES = [
  'internal',
  'veth',
  'tun',
  'bridge',
  'dummy',
  'gre',
  'bond',
  'can',
  'hsr',
  'ifb',
  'macvlan',
  'macvtap',
  'vlan',
  'vxlan',
  'gretap',
  'ip6gretap',
  'geneve',
  'ipoib',
  'vcan',
  'ipip',
  'ipvlan',
  'lowpan',
  'ip6tnl',
  'ip6gre',
  'sit',
  'device',
] as const;

interface NodeCaptureTypes {
  allowed: readonly CaptureType[];
  default: CaptureType;
}

const INTERFACE: NodeCaptureTypes = {
  allowed: ['afpacket', 'pcap', 'pcapsocket', 'sflow', 'ebpf'],
  default: 'afpacket',
};

const BY_NODE_TYPE = new Map<string, NodeCaptureTypes>([
  ['ovsbridge', { allowed: ['ovssflow', 'pcapsocket', 'ovsnetflow'], default: 'ovssflow' }],
  ['ovsport', { allowed: ['ovsmirror'], default: 'ovsmirror' }],
  ['dpdkport', { allowed: ['dpdk'], default: 'dpdk' }],
  ...LINUX_INTERFACE_TYPES.map((t) => [t, INTERFACE] as const),
]);

/** Node types a capture can run on (the `Type` Within() of the selection query). */
export const CAPTURE_NODE_TYPES: readonly string[] = [...BY_NODE_TYPE.keys()];

/**
 * The capture type that runs on a node of `nodeType` for a capture asking `requested` (empty:
 * the node type's default); undefined when the node type cannot run it.
 */
export function captureTypeFor(nodeType: string, requested = ''): CaptureType | undefined {
  const t = BY_NODE_TYPE.get(nodeType);
  if (!t) return undefined;
  if (requested === '') return t.default;
  return (t.allowed as readonly string[]).includes(requested)
    ? (requested as CaptureType)
    : undefined;
}

/** Capabilities of a capture type (§6.1). */
export function captureCapabilities(type: string): {
  bpf: boolean;
  rawPackets: boolean;
  extraTCPMetric: boolean;
  multipleOnSameNode: boolean;
} {
  return {
    bpf: type !== 'ebpf',
    rawPackets: type !== 'ebpf',
    extraTCPMetric: true,
    multipleOnSameNode: type === 'afpacket' || type === 'pcap',
  };
}

/** A capture with the JSON keys in Go's order, optional ones omitted when empty. */
export function captureToJSON(c: Capture): Capture {
  const out: Record<string, unknown> = { UUID: c.UUID, GremlinQuery: c.GremlinQuery };
  const opt = (k: keyof Capture) => {
    const v = c[k];
    if (v !== undefined && v !== '' && v !== 0) out[k] = v;
  };
  opt('BPFFilter');
  opt('Name');
  opt('Description');
  opt('Type');
  out.Count = c.Count ?? 0;
  opt('Port');
  out.SamplingRate = c.SamplingRate ?? 0;
  out.PollingInterval = c.PollingInterval ?? 0;
  opt('RawPacketLimit');
  opt('HeaderSize');
  out.ExtraTCPMetric = c.ExtraTCPMetric ?? false;
  out.IPDefrag = c.IPDefrag ?? false;
  out.ReassembleTCP = c.ReassembleTCP ?? false;
  opt('LayerKeyMode');
  opt('ExtraLayers');
  opt('Target');
  opt('TargetType');
  return out as unknown as Capture;
}
