// SPDX-License-Identifier: Apache-2.0
// RTM_NEWADDR / RTM_DELADDR: struct ifaddrmsg (8 bytes) and IFA_* attributes. The address is
// IFA_LOCAL when present (the interface's own address on point-to-point links), else IFA_ADDRESS.
import { IFA } from './constants.js';
import { ip, parseAttrs } from './nlattr.js';

export interface AddrMsg {
  family: number;
  index: number;
  prefixlen: number;
  scope: number;
  /** CIDR text, e.g. `10.0.0.1/24` or `fe80::1/64`. */
  cidr: string | undefined;
}

export function parseAddrMsg(data: Buffer): AddrMsg {
  const prefixlen = data.readUInt8(1);
  const a = parseAttrs(data, 8);
  const addr = ip(a.get(IFA.LOCAL)) ?? ip(a.get(IFA.ADDRESS));
  return {
    family: data.readUInt8(0),
    prefixlen,
    scope: data.readUInt8(3),
    index: data.readUInt32LE(4),
    cidr: addr === undefined ? undefined : `${addr}/${prefixlen}`,
  };
}
