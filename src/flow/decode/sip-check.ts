// SPDX-License-Identifier: Apache-2.0
// SIP on UDP 5060 is a layer exactly when gopacket's SIP decoder accepts the message: the request or
// status line, continuation lines and the CSeq / Content-Length values it parses. Reads bytes only.
import { DecodeError } from './layers.js';

const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
  'PING',
];

/** True when b[s, e) upper-cased (ASCII) equals `word`. */
function upperIs(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = b[s + i]!;
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

const isVersion = (b: Uint8Array, s: number, e: number) =>
  upperIs(b, s, e, 'SIP/2.0') || upperIs(b, s, e, 'SIP/1.0');

function isMethod(b: Uint8Array, s: number, e: number): boolean {
  for (let i = 0; i < METHODS.length; i++) if (upperIs(b, s, e, METHODS[i]!)) return true;
  return false;
}

/** Go's strconv.ParseInt(s, 10, 64) accepts b[s, e): optional sign, then 1–19 digits within int64. */
function isInt(b: Uint8Array, s: number, e: number): boolean {
  const neg = b[s] === 45;
  if (b[s] === 43 || neg) s++;
  const n = e - s;
  if (n < 1 || n > 19) return false;
  for (let i = s; i < e; i++) if (b[i]! < 48 || b[i]! > 57) return false;
  if (n < 19) return true;
  const max = neg ? '9223372036854775808' : '9223372036854775807';
  for (let i = 0; i < 19; i++) {
    const d = b[s + i]! - 48 - (max.charCodeAt(i) - 48);
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Index of byte `c` in b[s, e), or -1. */
function find(b: Uint8Array, s: number, e: number, c: number): number {
  for (let i = s; i < e; i++) if (b[i] === c) return i;
  return -1;
}

/** Checks the request or status line b[s, e); returns 0 bad, 1 request, 2 response. */
function firstLine(b: Uint8Array, s: number, e: number): number {
  const p1 = find(b, s, e, 32);
  const p2 = p1 < 0 ? -1 : find(b, p1 + 1, e, 32);
  if (p2 < 0) return 0;
  if (p1 - s >= 3 && b[s] === 83 && b[s + 1] === 73 && b[s + 2] === 80) {
    return isVersion(b, s, p1) && isInt(b, p1 + 1, p2) ? 2 : 0;
  }
  return isMethod(b, s, p1) && isVersion(b, p2 + 1, e) ? 1 : 0;
}

/** Checks a header line b[s, e) (not a continuation); `response` matters for CSeq. */
function header(b: Uint8Array, s: number, e: number, response: boolean): boolean {
  const colon = find(b, s, e, 58);
  if (colon < 0) return true;
  let ns = s;
  let ne = colon;
  while (ns < ne && b[ns] === 32) ns++;
  while (ne > ns && b[ne - 1] === 32) ne--;
  let vs = colon + 1;
  let ve = e;
  while (vs < ve && b[vs] === 32) vs++;
  while (ve > vs && b[ve - 1] === 32) ve--;
  if (upperIs(b, ns, ne, 'CSEQ')) {
    const sp = find(b, vs, ve, 32);
    if (sp < 0) return true;
    if (!isInt(b, vs, sp)) return false;
    if (!response) return true;
    const sp2 = find(b, sp + 1, ve, 32);
    return isMethod(b, sp + 1, sp2 < 0 ? ve : sp2);
  }
  if (upperIs(b, ns, ne, 'CONTENT-LENGTH')) return isInt(b, vs, ve);
  return true;
}

/** DecodeError code for the SIP message at [off, end): None when gopacket would decode it. */
export function checkSip(b: Uint8Array, off: number, end: number): number {
  let s = off;
  let e = end;
  while (s < e && b[s] === 10) s++;
  while (e > s && b[e - 1] === 10) e--;
  let lines = 0;
  let response = false;
  let sawHeader = false;
  for (let p = s; ; ) {
    const nl = find(b, p, e, 10);
    if (nl < 0) break; // the unterminated last line is never parsed, as in gopacket
    let ls = p;
    let le = nl;
    while (ls < le && (b[ls] === 13 || b[ls] === 10)) ls++;
    while (le > ls && (b[le - 1] === 13 || b[le - 1] === 10)) le--;
    p = nl + 1;
    if (ls === le) break; // blank line: the body follows
    if (lines === 0) {
      const kind = firstLine(b, ls, le);
      if (kind === 0) return DecodeError.Malformed;
      response = kind === 2;
    } else if (b[ls] === 9 || b[ls] === 32) {
      if (!sawHeader) return DecodeError.Malformed;
    } else {
      if (find(b, ls, le, 58) >= 0) sawHeader = true;
      if (!header(b, ls, le, response)) return DecodeError.Malformed;
    }
    lines++;
  }
  return DecodeError.None;
}
