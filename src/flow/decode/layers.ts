// SPDX-License-Identifier: Apache-2.0
// The decoder's contract with the flow table: layer type codes and their gopacket names, the reusable
// DecodedFrame every packet is decoded into (no allocation per packet), error codes and options.
// decode.ts fills frames (FrameDecoder, decodeFrame); fields.ts reads header fields at layer offsets.

/**
 * Layer type codes stored in DecodedFrame.types. Values are stable (the flow table keys on them);
 * new layers are only ever appended.
 */
export const Layer = {
  Ethernet: 1,
  Dot1Q: 2,
  MPLS: 3,
  ARP: 4,
  IPv4: 5,
  IPv6: 6,
  TCP: 7,
  UDP: 8,
  SCTP: 9,
  ICMPv4: 10,
  ICMPv6: 11,
  GRE: 12,
  VXLAN: 13,
  Geneve: 14,
  /** ERSPAN type II header (8 bytes). Skydive adds no gopacket layer for it: see LAYER_PATH_ROLE. */
  ERSPANII: 15,
  DNS: 16,
  DHCPv4: 17,
  VRRPv2: 18,
  /** Application bytes nobody decodes (gopacket's "Payload"); LayersPath stops before it. */
  Payload: 19,
  IPv6Fragment: 20,
  /** Linux "cooked" capture header (link type 113); LayersPath skips it. */
  LinuxSLL: 21,
  /** The payload of an IPv4 fragment that was not reassembled (gopacket's "Fragment"). */
  Fragment: 22,
  IPv6HopByHop: 23,
  IPv6Routing: 24,
  IPv6Destination: 25,
  ICMPv6Echo: 26,
  ICMPv6RouterSolicitation: 27,
  ICMPv6RouterAdvertisement: 28,
  ICMPv6NeighborSolicitation: 29,
  ICMPv6NeighborAdvertisement: 30,
  ICMPv6Redirect: 31,
  LinkLayerDiscovery: 32,
  LinkLayerDiscoveryInfo: 33,
  /** BSD loopback header (link types 0 and 108). */
  Loopback: 34,
  MLDv1MulticastListenerQuery: 35,
  MLDv2MulticastListenerQuery: 36,
  MLDv1MulticastListenerDone: 37,
  MLDv1MulticastListenerReport: 38,
  MLDv2MulticastListenerReport: 39,
  /** 802.2 LLC (an 802.3 frame: EtherType field below 0x600). */
  LLC: 40,
  SNAP: 41,
  /** Spanning tree BPDU (after LLC 0x42/0x42). */
  STP: 42,
  IGMP: 43,
  /** NTP on UDP port 123 (gopacket decodes it; a short one ends the path at UDP). */
  NTP: 44,
  /** SCTP chunks, one layer each as gopacket names them; a DATA chunk's user data is Payload. */
  SCTPData: 45,
  SCTPInit: 46,
  SCTPInitAck: 47,
  SCTPSack: 48,
  SCTPHeartbeat: 49,
  SCTPHeartbeatAck: 50,
  SCTPAbort: 51,
  SCTPError: 52,
  SCTPShutdown: 53,
  SCTPShutdownAck: 54,
  SCTPCookieEcho: 55,
  SCTPCookieAck: 56,
  SCTPShutdownComplete: 57,
  /** DHCPv6 on UDP 546/547. */
  DHCPv6: 58,
  /** BFD control packets on UDP 3784. */
  BFD: 59,
  /** GTP-U on UDP 2152 (then IPv4 or IPv6; Skydive does not split flows on it). */
  GTPv1U: 60,
  IPSecAH: 61,
  /** ESP: the rest is encrypted, nothing follows. */
  IPSecESP: 62,
  UDPLite: 63,
  /** EtherIP (IP protocol 97): 2 bytes, then Ethernet. */
  EtherIP: 64,
  EAPOL: 65,
  /** PPPoE (0x8863 discovery, 0x8864 session: then PPP). */
  PPPoE: 66,
  /** PPP (after PPPoE, EtherType 0x880b or link type 9): then IPv4, IPv6 or MPLS. */
  PPP: 67,
  /** SIP on UDP 5060. */
  SIP: 68,
  /** Cisco Discovery Protocol (SNAP type 0x2000), then its TLVs as CiscoDiscoveryInfo. */
  CiscoDiscovery: 69,
  CiscoDiscoveryInfo: 70,
} as const;

/** One of the Layer codes. */
export type LayerType = (typeof Layer)[keyof typeof Layer];

/** Highest Layer code in use (size tables indexed by layer code with LAYER_COUNT + 1). */
export const LAYER_COUNT = 70;

/**
 * gopacket's LayerType String() for each code (index = code; index 0 is unused): the names Skydive
 * joins with '/' into LayersPath, e.g. "Ethernet/Dot1Q/IPv4/ICMPv4".
 */
export const LAYER_NAMES: readonly string[] = (() => {
  const names = new Array<string>(LAYER_COUNT + 1).fill('');
  for (const [name, code] of Object.entries(Layer)) names[code] = name;
  names[Layer.VRRPv2] = 'VRRP';
  names[Layer.LinuxSLL] = 'Linux SLL';
  names[Layer.ERSPANII] = 'ERSPAN Type II';
  return names;
})();

/** How Skydive's LayersPath treats a layer (LAYER_PATH_ROLE[code]). */
export const PathRole = {
  /** Named in the path. */
  Named: 0,
  /** A gopacket layer Skydive skips by name (LinuxSLL): it still counts for the '/' rule below. */
  Skipped: 1,
  /** Not a gopacket layer at all in Skydive (its ERSPAN II decoder adds none): ignored entirely. */
  Invisible: 2,
  /** The path ends before it (Payload). */
  Stop: 3,
} as const;

/** PathRole of each layer code. */
export const LAYER_PATH_ROLE: Uint8Array = (() => {
  const a = new Uint8Array(LAYER_COUNT + 1).fill(PathRole.Named);
  a[0] = PathRole.Invisible;
  a[Layer.LinuxSLL] = PathRole.Skipped;
  a[Layer.ERSPANII] = PathRole.Invisible;
  a[Layer.Payload] = PathRole.Stop;
  return a;
})();

/** Why a walk stopped early. Damage (Truncated, Malformed) is counted by the caller, never thrown. */
export const DecodeError = {
  None: 0,
  /** A header claims more bytes than were captured; the layers before it are kept. */
  Truncated: 1,
  /** A header field is impossible (bad version, header length below minimum, pointer loop...). */
  Malformed: 2,
  /** A protocol the decoder does not know (gopacket's DecodeFailure): not damage, the walk just ends. */
  Unsupported: 3,
  /** The frame has more layers than the DecodedFrame can hold. */
  TooManyLayers: 4,
  /** An IPv4 fragment the reassembler refused (under 8 bytes, offset or size past 65535, cut short). */
  FragmentError: 5,
} as const;

/** Names of DecodeError codes (index = code), for metrics labels and messages. */
export const DECODE_ERROR_NAMES: readonly string[] = [
  'none',
  'truncated',
  'malformed',
  'unsupported',
  'too_many_layers',
  'fragment_error',
];

/** What the IPv4 reassembler did with the frame (DecodedFrame.fragment). */
export const FragmentState = {
  /** Not a fragment (or ipDefrag off: then the IPv4 layer is followed by a Fragment layer). */
  None: 0,
  /** A fragment was stored; the datagram is incomplete. The walk stops after IPv4/Fragment. */
  Held: 1,
  /** This fragment completed a datagram: `buffer` is the reassembler's copy of the whole packet. */
  Reassembled: 2,
  /** The fragment was refused (error = FragmentError). */
  Refused: 3,
} as const;

/** Skydive's ExtraLayers bitmask (capture field ExtraLayers): which app layers the flow reports. */
export const ExtraLayer = { VRRP: 1, DNS: 2, DHCPv4: 4, All: 255 } as const;

/**
 * The decoded form of one packet, reused for every packet: decodeFrame overwrites it.
 *
 * Layer k (0 <= k < count) has type `types[k]` and spans `buffer[offsets[k], offsets[k] + lengths[k])`,
 * its header plus its payload as gopacket sees them (Contents + Payload); its own header is the first
 * `headerLengths[k]` bytes, so its payload starts at `offsets[k] + headerLengths[k]` (normally the next
 * layer's offset). Offsets are relative to `buffer`, which is the frame passed to decodeFrame, or the
 * reassembler's buffer when an IPv4 datagram was reassembled (fragment === FragmentState.Reassembled).
 * A layer is only recorded when its fixed header is complete in `buffer` (even when `error` is set
 * on it), so the fixed fields fields.ts reads are always there. See fields.ts for the offsets.
 */
export interface DecodedFrame {
  buffer: Uint8Array;
  count: number;
  types: Uint8Array;
  offsets: Uint32Array;
  lengths: Uint32Array;
  headerLengths: Uint32Array;
  /**
   * True when the capture length cut the frame short of what a header announced (IPv4 Total Length,
   * IPv6 Payload Length, UDP Length…). The walk goes on with what is there; `error` is Truncated only
   * when a header itself was cut.
   */
  truncated: boolean;
  /** 0 = ok, else a DecodeError code. */
  error: number;
  /** A FragmentState code (only with DecodeOptions.ipDefrag). */
  fragment: number;
  /**
   * Skydive's IPMetric of the datagram when fragment is Reassembled: fragments held before this one
   * (Fragments) and fragments of it refused (FragmentErrors). Both 0 for a frame that is no fragment.
   */
  ipFragments: number;
  ipFragmentErrors: number;
}

/** Allocates a DecodedFrame able to hold `maxLayers` layers; allocate once, reuse for every packet. */
export function createDecodedFrame(maxLayers = 32): DecodedFrame {
  return {
    buffer: new Uint8Array(0),
    count: 0,
    types: new Uint8Array(maxLayers),
    offsets: new Uint32Array(maxLayers),
    lengths: new Uint32Array(maxLayers),
    headerLengths: new Uint32Array(maxLayers),
    truncated: false,
    error: DecodeError.None,
    fragment: FragmentState.None,
    ipFragments: 0,
    ipFragmentErrors: 0,
  };
}

/** Options of decodeFrame, named after the capture fields. */
export interface DecodeOptions {
  /**
   * ExtraLayer bitmask: which of DNS, DHCPv4, VRRP the flow table reports. It does not change the walk:
   * like gopacket, the decoder always emits DNS (port 53), DHCPv4 (67/68) and VRRP (IP protocol 112)
   * layers when their headers decode, since Skydive's LayersPath shows them ("Ethernet/IPv4/UDP/DNS").
   */
  extraLayers: number;
  /**
   * Reassemble fragments of the outermost IPv4 layer (Skydive's IPDefrag). A fragment that does not
   * complete its datagram gives fragment = Held (Skydive makes no flow from it); the completing one gives
   * Reassembled and the layers of the whole datagram.
   */
  ipDefrag: boolean;
  /** Datagrams being reassembled at once before the oldest is dropped (default 256; each holds up to 64 KiB). */
  defragMaxDatagrams?: number;
  /** A partial datagram older than this (capture time, microseconds) is dropped (default 30 s). */
  defragTimeoutMicros?: number;
}

/** Index of the first layer of `type` at or after `from`, or -1. */
export function findLayer(frame: DecodedFrame, type: number, from = 0): number {
  for (let k = from; k < frame.count; k++) if (frame.types[k] === type) return k;
  return -1;
}

/** Index of the last layer of `type` before `before` (default: all layers), or -1. */
export function findLastLayer(frame: DecodedFrame, type: number, before = frame.count): number {
  for (let k = before - 1; k >= 0; k--) if (frame.types[k] === type) return k;
  return -1;
}

/**
 * Skydive's LayersPath of layers [from, to) — the layers of one encapsulation level: gopacket names
 * joined by '/', ending before the first Payload. Like Skydive, a '/' precedes every layer but the
 * level's first gopacket layer, even when that first layer is a skipped LinuxSLL (so a cooked capture
 * gives "/IPv4/TCP", as Skydive's does). Allocates a string: call it once per new flow.
 */
export function layersPath(frame: DecodedFrame, from = 0, to = frame.count): string {
  let path = '';
  let seen = 0;
  for (let k = from; k < to; k++) {
    const t = frame.types[k] ?? 0;
    const role = LAYER_PATH_ROLE[t];
    if (role === PathRole.Stop) break;
    if (role === PathRole.Invisible) continue;
    if (role === PathRole.Named)
      path += seen > 0 ? `/${LAYER_NAMES[t] ?? ''}` : (LAYER_NAMES[t] ?? '');
    seen++;
  }
  return path;
}
