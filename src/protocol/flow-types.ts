// SPDX-License-Identifier: Apache-2.0
// Types and enums of Skydive's flow messages (flow/flow.proto and flow/layers/*.proto), shaped like
// their JSON (skydive-compat §5.1): enums as names, int64 as numbers, bytes as base64 in JSON.
import type { SearchQuery } from './flow-search.js';

/** FlowProtocol enum names, indexed by their protobuf number. */
export const FLOW_PROTOCOLS = [
  'ETHERNET',
  'IPV4',
  'TCP',
  'UDP',
  'SCTP',
  'IPV6',
  'ICMPV4',
  'ICMPV6',
] as const;
export type FlowProtocol = (typeof FLOW_PROTOCOLS)[number];

/** ICMPType enum names, indexed by their protobuf number. */
export const ICMP_TYPES = [
  'UNKNOWN',
  'DESTINATION_UNREACHABLE',
  'ECHO',
  'NEIGHBOR',
  'ADDRESS_MASK',
  'INFO',
  'PARAMETER_PROBLEM',
  'REDIRECT',
  'ROUTER',
  'SOURCE_QUENCH',
  'TIME_EXCEEDED',
  'TIMESTAMP',
  'PACKET_TOO_BIG',
] as const;
export type ICMPTypeName = (typeof ICMP_TYPES)[number];

/** FlowFinishType values (an integer in JSON too). */
export const FinishType = { NOT_FINISHED: 0, TIMEOUT: 1, TCP_FIN: 2, TCP_RST: 3 } as const;

/** Link or network endpoints (`Link`, `Network`). */
export interface FlowLayer {
  Protocol: FlowProtocol;
  A?: string;
  B?: string;
  /** VLAN ids packed 12 bits each (Link), VNI or GRE key (Network). */
  ID: number;
}

/** Transport endpoints (`Transport`): ports. */
export interface TransportLayer {
  Protocol: FlowProtocol;
  A: number;
  B: number;
  ID: number;
}

/** `ICMP` of a flow. */
export interface ICMPLayer {
  Type: ICMPTypeName;
  Code?: number;
  ID?: number;
}

/** Packet and byte counters in both directions; RTT in nanoseconds. */
export interface FlowMetric {
  ABPackets: number;
  ABBytes: number;
  BAPackets: number;
  BABytes: number;
  Start: number;
  Last: number;
  RTT?: number;
}

/** A raw packet kept with a flow (protobuf only, never in JSON). */
export interface RawPacket {
  Timestamp: number;
  Index: number;
  Data?: Uint8Array;
  LinkType?: number;
}

/** IP defragmentation counters. */
export interface IPMetric {
  Fragments: number;
  FragmentErrors: number;
}

/** TCP flag times (ms), SYN TTLs and reassembly counters (extra TCP metric). */
export interface TCPMetric {
  ABSynStart: number;
  BASynStart: number;
  ABSynTTL?: number;
  BASynTTL?: number;
  ABFinStart: number;
  BAFinStart: number;
  ABRstStart: number;
  BARstStart: number;
  ABSegmentOutOfOrder: number;
  ABSegmentSkipped: number;
  ABSegmentSkippedBytes: number;
  ABPackets: number;
  ABBytes: number;
  ABSawStart: number;
  ABSawEnd: number;
  BASegmentOutOfOrder: number;
  BASegmentSkipped: number;
  BASegmentSkippedBytes: number;
  BAPackets: number;
  BABytes: number;
  BASawStart: number;
  BASawEnd: number;
}

/** The TCPMetric fields in protobuf order (field number = index + 1). */
export const TCP_METRIC_FIELDS = [
  'ABSynStart',
  'BASynStart',
  'ABSynTTL',
  'BASynTTL',
  'ABFinStart',
  'BAFinStart',
  'ABRstStart',
  'BARstStart',
  'ABSegmentOutOfOrder',
  'ABSegmentSkipped',
  'ABSegmentSkippedBytes',
  'ABPackets',
  'ABBytes',
  'ABSawStart',
  'ABSawEnd',
  'BASegmentOutOfOrder',
  'BASegmentSkipped',
  'BASegmentSkippedBytes',
  'BAPackets',
  'BABytes',
  'BASawStart',
  'BASawEnd',
] as const satisfies readonly (keyof TCPMetric)[];

/** A new all-zero TCPMetric. */
export function emptyTCPMetric(): TCPMetric {
  const m: Record<string, number> = {};
  for (const k of TCP_METRIC_FIELDS) if (k !== 'ABSynTTL' && k !== 'BASynTTL') m[k] = 0;
  return m as unknown as TCPMetric;
}

/** DNS question (flow/layers/dns.proto). */
export interface DNSQuestion {
  name?: string;
  type?: string;
  class?: string;
}

/** DNS resource record. */
export interface DNSResourceRecord {
  name?: string;
  type?: string;
  class?: string;
  TTL?: number;
  data_length?: number;
  IP?: string;
  NS?: string;
  c_name?: string;
  PTR?: string;
  TXTs?: string[];
  SOA?: {
    m_name?: string;
    r_name?: string;
    serial?: number;
    refresh?: number;
    retry?: number;
    expire?: number;
    minimum?: number;
  };
  SRV?: { priority?: number; weight?: number; port?: number; name?: string };
  MX?: { preference?: number; name?: string };
  OPT?: { code?: string; data?: string }[];
}

/** The DNS extra layer of a flow. */
export interface DNSLayer {
  ID?: number;
  QR?: boolean;
  op_code?: string;
  AA?: boolean;
  TC?: boolean;
  RD?: boolean;
  RA?: boolean;
  z?: number;
  response_code?: string;
  q_d_count?: number;
  a_n_count?: number;
  n_s_count?: number;
  a_r_count?: number;
  questions?: DNSQuestion[];
  answers?: DNSResourceRecord[];
  authorities?: DNSResourceRecord[];
  additionals?: DNSResourceRecord[];
  timestamp?: { seconds?: number; nanos?: number };
}

/** The DHCPv4 extra layer (byte fields as base64 strings, as Go's JSON does). */
export interface DHCPv4Layer {
  contents?: string;
  payload?: string;
  hardware_len?: number;
  hardware_opts?: number;
  xid?: number;
  secs?: number;
  flags?: number;
  server_name?: string;
  file?: string;
}

/** The VRRPv2 extra layer. */
export interface VRRPv2Layer {
  contents?: string;
  payload?: string;
  version?: number;
  virtual_rtrID?: number;
  priority?: number;
  count_ipaddr?: number;
  adver_int?: number;
  checksum?: number;
}

/** A flow (flow.Flow). */
export interface Flow {
  UUID?: string;
  LayersPath?: string;
  Application?: string;
  Link?: FlowLayer;
  Network?: FlowLayer;
  Transport?: TransportLayer;
  ICMP?: ICMPLayer;
  DHCPv4?: DHCPv4Layer;
  DNS?: DNSLayer;
  VRRPv2?: VRRPv2Layer;
  LastUpdateMetric?: FlowMetric;
  Metric?: FlowMetric;
  TCPMetric?: TCPMetric;
  IPMetric?: IPMetric;
  Start: number;
  Last: number;
  TrackingID?: string;
  L3TrackingID?: string;
  ParentUUID: string;
  NodeTID?: string;
  CaptureID?: string;
  LastRawPackets?: RawPacket[];
  RawPacketsCaptured: number;
  /** FinishType value (0 = not finished). */
  FinishType?: number;
}

/** Per-capture statistics (flow.Stats). */
export interface Stats {
  CaptureID?: string;
  FlowCount: number;
  FlowDropped: number;
  KernelFlowDropped: number;
  PacketsDropped: number;
  PacketsReceived: number;
}

/** What an agent sends to the analyzer (flow.Message): flows or stats. */
export interface FlowMessage {
  Flows: Flow[];
  Stats?: Stats;
}

/** A set of flows with its time range (flow.FlowSet). */
export interface FlowSet {
  Flows: Flow[];
  Start: number;
  End: number;
}

/**
 * A live flow-table query (flow.TableQuery): Type `SearchQuery` and the filters.SearchQuery whose
 * Filter the agent applies to its table flows (§2.12).
 */
export interface TableQuery {
  Type: string;
  Query?: SearchQuery;
}

/** A flow-table reply (flow.TableReply): encoded FlowSets. */
export interface TableReply {
  Status: number;
  FlowSetBytes: Uint8Array[];
}
