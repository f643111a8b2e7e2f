// SPDX-License-Identifier: Apache-2.0
// Options and counters of a flow table, named after Skydive's capture fields and flow.* settings
// (skydive-compat §5.4, §7), with Skydive's defaults.

/** How a flow table builds and keeps flows. */
export interface FlowTableOptions {
  /** TID of the capture node, written in every flow and hashed into its UUID (default ""). */
  nodeTID?: string;
  /** UUID of the capture (default ""). */
  captureID?: string;
  /** 'L2' (default): links are part of the key; 'L3': only network and transport. */
  layerKeyMode?: 'L2' | 'L3';
  /** Fill TCPMetric (SYN/FIN/RST times and SYN TTLs). */
  extraTCPMetric?: boolean;
  /** Reassemble fragmented IPv4 datagrams before making flows (IPMetric). */
  ipDefrag?: boolean;
  /** Track TCP sequences: TCPMetric reassembly counters (out of order, skipped). */
  reassembleTCP?: boolean;
  /** ExtraLayer bitmask (VRRP 1, DNS 2, DHCPv4 4): fill those layers of the flow. */
  extraLayers?: number;
  /** Keep the first N packets of each flow between two updates (LastRawPackets; default 0). */
  rawPacketLimit?: number;
  /** Flows kept at most; the least recently used one is evicted (default 500000). */
  maxEntries?: number;
  /** Idle seconds after which a flow of that Application ends (default { ARP: 10, DNS: 10 }). */
  applicationTimeouts?: Readonly<Record<string, number>>;
  /** Application names by TCP/UDP port (flow.application_ports); names are upper-cased. */
  applicationPorts?: {
    tcp?: Readonly<Record<string, string>>;
    udp?: Readonly<Record<string, string>>;
  };
  /** UDP ports carrying MPLS (Skydive's MPLSUDPPort node metadata, e.g. Contrail's 51234). */
  mplsUdpPorts?: readonly number[];
  /** Keep flows removed by timers so that takeRemoved() returns them (offline reports). */
  keepRemoved?: boolean;
}

/** Cumulative counters of a flow table (never reset). */
export interface FlowTableCounters {
  /** Frames fed. */
  packets: number;
  /** Captured bytes fed. */
  bytes: number;
  /** Frames whose decoding stopped on damage or an unknown protocol, by DECODE_ERROR_NAMES. */
  decodeErrors: Record<string, number>;
  /** Frames cut by the capture length. */
  truncated: number;
  /** Frames without a link or network layer (no flow made, as in Skydive). */
  noFlow: number;
  /** Encapsulation levels without a link or network layer (no flow made for them). */
  emptyLevels: number;
  /** IPv4 fragments held for reassembly (no flow until the datagram completes). */
  fragmentsHeld: number;
  /** IPv4 fragments refused by the reassembler. */
  fragmentsRefused: number;
  flowsCreated: number;
  /** Flows removed by the expire timer (FinishType TIMEOUT). */
  flowsExpired: number;
  /** Flows ended by an application timeout (arp, dns). */
  flowsAppTimeout: number;
  /** Finished (FIN/RST) flows removed after the 15 s hold. */
  flowsFinished: number;
  /** Flows evicted because the table was full (Stats.FlowDropped). */
  flowsEvicted: number;
}

/** Zeroed counters. */
export function newCounters(): FlowTableCounters {
  return {
    packets: 0,
    bytes: 0,
    decodeErrors: {},
    truncated: 0,
    noFlow: 0,
    emptyLevels: 0,
    fragmentsHeld: 0,
    fragmentsRefused: 0,
    flowsCreated: 0,
    flowsExpired: 0,
    flowsAppTimeout: 0,
    flowsFinished: 0,
    flowsEvicted: 0,
  };
}

/** Skydive's defaults (config/config.go). */
export const DEFAULT_MAX_ENTRIES = 500000;
export const DEFAULT_APPLICATION_TIMEOUTS: Readonly<Record<string, number>> = { ARP: 10, DNS: 10 };
/** Finished flows stay this long after their last packet (flow/table.go HoldTimeoutMilliseconds). */
export const HOLD_TIMEOUT_MS = 15000;

/** Port → upper-cased application name. */
export function portMap(m: Readonly<Record<string, string>> | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, v] of Object.entries(m ?? {})) {
    const port = Number(k);
    if (Number.isInteger(port) && port >= 0 && port < 65536) out.set(port, v.toUpperCase());
  }
  return out;
}
