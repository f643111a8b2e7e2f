// SPDX-License-Identifier: Apache-2.0
// Shared state of the layer walk: the cursor each step leaves for the next, the push/fail helpers and
// the EtherType and IP protocol dispatch tables (gopacket's, plus Skydive's ERSPAN II and 0x9100 QinQ).
import { DecodeError, Layer } from './layers.js';
import type { DecodedFrame } from './layers.js';

/** Step codes: a Layer code decodes that layer next; these are the extra ones. */
export const STOP = 0;
/** Raw IP link types: IPv4 or IPv6 by the version nibble. */
export const IP_ANY = 100;
/** After the bottom MPLS label: IPv4, IPv6 or else Ethernet (Skydive's MPLS payload decoder). */
export const MPLS_GUESS = 101;
/** A protocol nobody decodes: the walk ends with DecodeError.Unsupported. */
export const UNKNOWN = 255;

/** Where the next step starts and where its bytes end (set by every step before it returns). */
export const cur = { off: 0, end: 0 };

/** Appends a layer; the caller checked capacity. */
export function push(f: DecodedFrame, type: number, off: number, len: number, hdr: number): void {
  const k = f.count;
  f.types[k] = type;
  f.offsets[k] = off;
  f.lengths[k] = len;
  f.headerLengths[k] = hdr;
  f.count = k + 1;
}

/** Ends the walk with an error; `truncated` marks a frame cut by the capture length. */
export function fail(f: DecodedFrame, code: number, truncated = false): number {
  f.error = code;
  if (truncated) f.truncated = true;
  return STOP;
}

/** Ends the walk: the header needs `need` bytes but only `have` were captured. */
export function short(f: DecodedFrame): number {
  return fail(f, DecodeError.Truncated, true);
}

/** EtherType → step (gopacket's EthernetTypeMetadata plus 0x88be ERSPAN II and 0x9100). */
export const ETHER_STEP: Uint8Array = (() => {
  const t = new Uint8Array(65536).fill(UNKNOWN);
  t[0] = Layer.LLC;
  t[0x0800] = Layer.IPv4;
  t[0x0806] = Layer.ARP;
  t[0x86dd] = Layer.IPv6;
  t[0x8100] = Layer.Dot1Q;
  t[0x88a8] = Layer.Dot1Q;
  t[0x9100] = Layer.Dot1Q;
  t[0x8847] = Layer.MPLS;
  t[0x8848] = Layer.MPLS;
  t[0x6558] = Layer.Ethernet;
  t[0x88cc] = Layer.LinkLayerDiscovery;
  t[0x88be] = Layer.ERSPANII;
  t[0x888e] = Layer.EAPOL;
  t[0x2000] = Layer.CiscoDiscovery;
  t[0x8863] = Layer.PPPoE;
  t[0x8864] = Layer.PPPoE;
  t[0x880b] = Layer.PPP;
  return t;
})();

/** IP protocol / IPv6 next header → step (gopacket's IPProtocolMetadata). */
export const IP_STEP: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(UNKNOWN);
  t[0] = Layer.IPv6HopByHop;
  t[1] = Layer.ICMPv4;
  t[2] = Layer.IGMP;
  t[4] = Layer.IPv4;
  t[6] = Layer.TCP;
  t[17] = Layer.UDP;
  t[41] = Layer.IPv6;
  t[43] = Layer.IPv6Routing;
  t[44] = Layer.IPv6Fragment;
  t[47] = Layer.GRE;
  t[50] = Layer.IPSecESP;
  t[51] = Layer.IPSecAH;
  t[97] = Layer.EtherIP;
  t[136] = Layer.UDPLite;
  t[58] = Layer.ICMPv6;
  t[59] = Layer.Payload;
  t[60] = Layer.IPv6Destination;
  t[94] = Layer.IPv4;
  t[112] = Layer.VRRPv2;
  t[132] = Layer.SCTP;
  t[137] = Layer.MPLS;
  return t;
})();
