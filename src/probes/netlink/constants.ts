// SPDX-License-Identifier: Apache-2.0
// rtnetlink numbers from the Linux UAPI headers (linux/rtnetlink.h, if_link.h, if_addr.h,
// neighbour.h, net_namespace.h) that the netlink probe reads or sends.

export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWNEIGH: 28,
  DELNEIGH: 29,
  GETNEIGH: 30,
  NEWNSID: 88,
  DELNSID: 89,
  GETNSID: 90,
  NEWSTATS: 92,
  GETSTATS: 94,
} as const;

export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  DUMP_INTR: 0x10,
  REPLACE: 0x100,
  DUMP: 0x300,
} as const;

export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;

/** Multicast groups (numbers, not bitmasks). */
export const RTNLGRP = {
  LINK: 1,
  NEIGH: 3,
  IPV4_IFADDR: 5,
  IPV4_ROUTE: 7,
  IPV6_IFADDR: 9,
  IPV6_ROUTE: 11,
  NSID: 28,
} as const;

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;

export const IFLA = {
  ADDRESS: 1,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  OPERSTATE: 16,
  LINKINFO: 18,
  IFALIAS: 20,
  STATS64: 23,
  LINK_NETNSID: 37,
} as const;

export const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4 } as const;

export const IFLA_VXLAN = {
  ID: 1,
  GROUP: 2,
  LINK: 3,
  LOCAL: 4,
  PORT: 15,
  GROUP6: 16,
  LOCAL6: 17,
} as const;

export const IFLA_MACVLAN_MODE = 1;
export const IFLA_TUN_TYPE = 3;

export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, FLAGS: 8 } as const;

export const RTA = {
  DST: 1,
  SRC: 2,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  MULTIPATH: 9,
  TABLE: 15,
  VIA: 18,
} as const;

/** rtm_flags: a cached clone, not a configured route. */
export const RTM_F_CLONED = 0x200;

export const NDA = { DST: 1, LLADDR: 2, VLAN: 5, VNI: 7, MASTER: 9 } as const;

export const NETNSA = { NSID: 1, PID: 2, FD: 3 } as const;

/** IFLA_STATS_LINK_64 in RTM_NEWSTATS, and its filter_mask bit. */
export const IFLA_STATS_LINK_64 = 1;
